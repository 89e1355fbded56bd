"""Signing in: the login and password on the first page; a second page asks for the two-step code, and only
from someone who switched it on. The protections of the first page hold on the second."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grappe.core import services
from grappe.core.errors import REFUSED
from grappe.core.models import FailedLogin, SignInAddress, TemporaryPassword
from grappe.core.views import PENDING, PENDING_SECONDS
from grappe.members.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def code_of(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device) -> str:
    return "000000" if code_of(device) != "000000" else "111111"


@pytest.fixture
def device(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off is not what these tests look at
    return TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)


def first_step(client, username="coordinator", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_sign_in_page_shows_no_code_field(world, client):
    page = client.get(reverse("login")).content.decode()
    assert 'autocomplete="one-time-code"' not in page and "otp" not in page and "vérification" not in page


def test_someone_without_two_step_is_signed_in_by_the_password_alone(world, client):
    response = first_step(client, "member")
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_as(client) == str(world.member_user.pk)


def test_someone_with_two_step_is_asked_the_code_on_a_second_page(world, client, device):
    response = first_step(client)
    assert response.url == reverse("login_code")
    assert not signed_in_as(client)
    assert not SignInAddress.objects.filter(user=world.coordinator).exists()  # not a success yet
    page = client.get(reverse("login_code")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    response = client.post(reverse("login_code"), {"code": code_of(device)})
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_as(client) == str(world.coordinator.pk)
    assert client.session.get("otp_device_id")  # django-otp counts the session as verified
    assert PENDING not in client.session


def test_the_next_address_is_kept_through_the_second_page(world, client, device):
    client.post(reverse("login") + "?next=/catalogue/", {"username": "coordinator", "password": PASSWORD})
    assert client.post(reverse("login_code"), {"code": code_of(device)}).url == "/catalogue/"


def test_a_wrong_code_shows_the_page_again_and_counts_as_a_failure(world, client, device):
    first_step(client)
    response = client.post(reverse("login_code"), {"code": wrong_code(device)})
    assert response.status_code == REFUSED
    assert "Ce code est faux" in response.content.decode()
    assert not signed_in_as(client)
    assert FailedLogin.objects.filter(username="coordinator").count() == 1


def test_a_wrong_password_never_reaches_the_code_page(world, client, device):
    response = first_step(client, password="wrong")
    assert response.status_code == 200 and "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert client.get(reverse("login_code")).url == reverse("login")


def test_the_code_page_without_a_right_password_sends_back_to_sign_in(world, client, device):
    response = client.post(reverse("login_code"), {"code": code_of(device)})
    assert response.url == reverse("login") and not signed_in_as(client)


def test_guessing_codes_is_rate_limited_like_passwords(world, client, device, settings):
    first_step(client)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login_code"), {"code": wrong_code(device)})
    response = client.post(reverse("login_code"), {"code": code_of(device)})
    assert "15 minutes" in response.content.decode() and not signed_in_as(client)
    assert "15 minutes" in first_step(client.__class__()).content.decode()  # and the password page too


def test_the_second_page_expires(world, client, device):
    first_step(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "since": session[PENDING]["since"] - PENDING_SECONDS - 1}
    session.save()
    assert client.post(reverse("login_code"), {"code": code_of(device)}).url == reverse("login")
    assert not signed_in_as(client)


def test_a_password_changed_meanwhile_voids_the_second_page(world, client, device):
    first_step(client)
    world.coordinator.set_password("Another-Password-2026")
    world.coordinator.save()
    assert client.post(reverse("login_code"), {"code": code_of(device)}).url == reverse("login")
    assert not signed_in_as(client)


def test_a_temporary_password_is_used_up_only_once_the_code_is_right(world, client, device):
    password = services.issue_temporary_password(user=world.coordinator, by=world.admin)
    first_step(client, password=password)
    assert TemporaryPassword.objects.get(user=world.coordinator).used_at is None
    response = client.post(reverse("login_code"), {"code": code_of(device)})
    assert response.url == reverse("password_choose")
    assert TemporaryPassword.objects.get(user=world.coordinator).used_at is not None
