import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grappe.core.models import ApiToken

pytestmark = pytest.mark.django_db


def login(client, username, password="pass-word-123", code=""):
    """The sign-in page, then, when it asks for one, the two-step code page."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    if code and response.status_code == 302 and response.url == reverse("login_code"):
        response = client.post(reverse("login_code"), {"code": code})
    return response


def test_login_then_home(world, client):
    response = login(client, "coordinator")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_login_is_rate_limited_after_repeated_failures(world, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert login(client, "coordinator", "wrong").status_code == 200
    response = login(client, "coordinator")  # right password, but locked for now
    assert response.status_code == 200
    assert "15" in response.content.decode()


def test_passwords_are_hashed_with_argon2(settings):
    from django.contrib.auth.hashers import make_password

    from grappe import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert make_password("a password").startswith("argon2")


def test_totp_required_once_confirmed(world, client):
    device = TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)
    assert login(client, "coordinator").url == reverse("login_code")  # the code is asked on a second page
    assert "_auth_user_id" not in client.session
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert login(client, "coordinator", code=code).status_code == 302


def test_totp_setup_from_the_profile(world, client_for):
    client = client_for(world.coordinator)
    client.post(reverse("totp_start"))
    device = TOTPDevice.objects.get(user=world.coordinator)
    assert not device.confirmed
    assert "data:image/svg+xml" in client.get(reverse("profile")).content.decode()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("totp_confirm"), {"code": code})
    device.refresh_from_db()
    assert device.confirmed


def test_api_token_lifecycle(world, client_for):
    client = client_for(world.coordinator)
    client.post(reverse("token_create"), {"name": "tableur"})
    key = client.session.get("new_api_key") or client.get(reverse("profile")).context["new_key"]
    token = ApiToken.objects.get(user=world.coordinator)
    assert key.startswith("grp_") and token.key_hash != key
    api = client.__class__()
    assert api.get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post(reverse("token_revoke", args=[token.pk]))
    assert api.get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_logout_requires_post(world, client_for):
    client = client_for(world.coordinator)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_pages_are_in_french_by_default(world, client):
    assert "Se connecter" in client.get(reverse("login")).content.decode()


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_turning_two_step_sign_in_off_asks_for_the_password_and_a_current_code(world, client_for, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off after a wrong code is not tested here
    device = TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)
    client = client_for(world.coordinator)
    assert "Mot de passe actuel" in client.get(reverse("profile")).content.decode()
    for data in ({}, {"password": "pass-word-123", "code": ""}, {"password": "wrong", "code": _code(device)},
                 {"password": "pass-word-123", "code": "000000" if _code(device) != "000000" else "111111"}):
        response = client.post(reverse("totp_disable"), data)
        assert response.status_code == 200  # the profile again, with the reason
        assert TOTPDevice.objects.filter(user=world.coordinator, confirmed=True).exists()
    response = client.post(reverse("totp_disable"), {"password": "pass-word-123", "code": _code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()


def test_guessing_the_password_to_turn_two_step_off_is_rate_limited(world, client_for, settings):
    device = TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)
    client = client_for(world.coordinator)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("totp_disable"), {"password": "wrong", "code": _code(device)})
    response = client.post(reverse("totp_disable"), {"password": "pass-word-123", "code": _code(device)})
    assert response.status_code == 200 and "15 minutes" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.coordinator).exists()
