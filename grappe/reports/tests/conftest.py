import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas' passwords hashed with MD5 in these tests: Argon2 costs seconds per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
