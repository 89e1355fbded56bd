"""Django's admin is no side door: mounted only when GRAPPE_ADMIN is on (off in production unless
asked), and then only through Grappe's own sign-in (rate limit, TOTP) for staff with a TOTP code."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grappe.members.tests.personas import OPERATOR_PASSWORD as PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_with(settings):
    """Reload the URLconf after changing GRAPPE_ADMIN, and restore it after the test."""
    import grappe.urls

    original = settings.GRAPPE_ADMIN

    def reload(admin_on: bool):
        settings.GRAPPE_ADMIN = admin_on
        importlib.reload(grappe.urls)
        clear_url_caches()

    yield reload
    settings.GRAPPE_ADMIN = original
    importlib.reload(grappe.urls)
    clear_url_caches()


def test_the_admin_is_not_mounted_when_grappe_admin_is_off(urls_with, client, root):
    urls_with(False)
    client.force_login(root)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


def test_production_leaves_the_admin_off_unless_asked(monkeypatch):
    from grappe import settings as project_settings

    monkeypatch.setenv("GRAPPE_PRODUCTION", "1")
    monkeypatch.setenv("SECRET_KEY", "k" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "grappe.example.org")
    monkeypatch.delenv("GRAPPE_ADMIN", raising=False)
    assert project_settings.admin_enabled() is False
    monkeypatch.setenv("GRAPPE_ADMIN", "1")
    assert project_settings.admin_enabled() is True


def test_the_admin_login_is_grappes_sign_in(urls_with, client, root):
    urls_with(True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session  # no password check there


def test_a_superuser_without_a_totp_code_does_not_enter_the_admin(urls_with, client, root):
    urls_with(True)
    client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Django" not in response.content.decode()


def test_a_superuser_signed_in_with_totp_enters_the_admin(urls_with, client, root):
    urls_with(True)
    device = TOTPDevice.objects.create(user=root, name="x", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("login"), {"username": "root", "password": PASSWORD}).url == reverse("login_code")
    assert client.post(reverse("login_code"), {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
