"""The password hasher at OWASP's minimum, and the upgrade of hashes made with Django's parameters."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher

from grappe.core.hashers import Argon2idHasher
from grappe.members.tests.personas import person

pytestmark = pytest.mark.django_db

NEW_FIRST = ["grappe.core.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def parameters(encoded: str) -> dict:
    return identify_hasher(encoded).decode(encoded)


def test_new_passwords_are_hashed_with_argon2id_at_owasps_minimum(settings):
    settings.PASSWORD_HASHERS = NEW_FIRST
    user = get_user_model()(username="x")
    user.set_password("a long pass phrase")
    decoded = parameters(user.password)
    assert user.password.startswith("argon2$argon2id$")
    assert (decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]) == (19456, 2, 1)


def test_a_password_hashed_with_djangos_parameters_verifies_and_is_rehashed(settings):
    settings.PASSWORD_HASHERS = NEW_FIRST
    old = Argon2PasswordHasher().encode("a long pass phrase", Argon2PasswordHasher().salt())
    assert parameters(old)["memory_cost"] == 102400 and parameters(old)["parallelism"] == 8
    user = person("old-hash")
    get_user_model().objects.filter(pk=user.pk).update(password=old)

    assert authenticate(username="old-hash", password="wrong") is None
    user.refresh_from_db()
    assert user.password == old  # a wrong password changes nothing

    assert authenticate(username="old-hash", password="a long pass phrase") is not None
    user.refresh_from_db()
    decoded = parameters(user.password)
    assert (decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]) == (19456, 2, 1)
    assert user.check_password("a long pass phrase")
    assert not Argon2idHasher().must_update(user.password)


def test_the_project_hashes_new_passwords_with_the_owasp_minimum():
    from grappe import (
        settings as project,  # the module itself: the suite hashes with MD5 for speed (conftest.py)
    )

    assert project.PASSWORD_HASHERS[0] == "grappe.core.hashers.Argon2idHasher"
