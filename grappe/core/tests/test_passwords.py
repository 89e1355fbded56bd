"""A person's own password: changing it, choosing it after a temporary one, and the e-mailed link."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grappe.core import services
from grappe.core.models import FailedLogin, TemporaryPassword
from grappe.core.text import READABLE_ALPHABET

pytestmark = pytest.mark.django_db

NEW = "Grappe-Violette-2026"


def login(client, username, password="pass-word-123", code=""):
    """The sign-in page, then, when it asks for one, the two-step code page."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    if code and response.status_code == 302 and response.url == reverse("login_code"):
        response = client.post(reverse("login_code"), {"code": code})
    return response


# --- Changing one's password from the profile -----------------------------------------------------

def test_profile_links_to_the_password_change(world, client_for):
    page = client_for(world.member_user).get(reverse("profile")).content.decode()
    assert reverse("password_change") in page and "Changer mon mot de passe" in page


def test_password_change_keeps_the_session(world, client_for):
    client = client_for(world.member_user)
    response = client.post(reverse("password_change"), {
        "old_password": "pass-word-123", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still signed in
    world.member_user.refresh_from_db()
    assert world.member_user.check_password(NEW)


def test_wrong_current_password_is_refused_in_french(world, client_for):
    client = client_for(world.member_user)
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "Votre mot de passe actuel n&#x27;est pas le bon" in response.content.decode()
    world.member_user.refresh_from_db()
    assert world.member_user.check_password("pass-word-123")


def test_weak_or_mismatched_new_password_is_refused_in_french(world, client_for):
    client = client_for(world.member_user)
    page = client.post(reverse("password_change"), {
        "old_password": "pass-word-123", "new_password1": "123", "new_password2": "123"}).content.decode()
    assert "trop court" in page
    page = client.post(reverse("password_change"), {
        "old_password": "pass-word-123", "new_password1": NEW, "new_password2": NEW + "x"}).content.decode()
    assert "ne correspondent pas" in page


def test_password_change_needs_sign_in(client):
    assert client.get(reverse("password_change")).status_code == 302


# --- Temporary passwords -----------------------------------------------------------------------------

def test_temporary_passwords_are_easy_to_read_aloud(world):
    for _ in range(20):
        password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
        assert re.fullmatch(f"[{READABLE_ALPHABET.lower()}]{{8}}", password)
        assert not set(password) & set("0o1il")
    assert TemporaryPassword.objects.filter(user=world.member_user).count() == 1
    assert password not in world.member_user.password  # only the hash


def test_temporary_password_works_once_and_must_be_changed(world, client):
    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    response = login(client, "member", password)
    assert response.url == reverse("password_choose")
    for name in ("home", "profile", "members:my_data"):  # every page leads to the choice
        assert client.get(reverse(name)).url == reverse("password_choose")
    page = client.get(reverse("password_choose")).content.decode()
    assert "Choisissez votre mot de passe" in page

    other = client.__class__()
    page = login(other, "member", password).content.decode()  # a second sign-in with it: refused
    assert "déjà été utilisé" in page
    assert "_auth_user_id" not in other.session

    response = client.post(reverse("password_choose"), {"new_password1": NEW, "new_password2": NEW})
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # the session is kept
    assert not TemporaryPassword.objects.filter(user=world.member_user).exists()
    assert login(client.__class__(), "member", NEW).url == reverse("home")


def test_an_unused_temporary_password_expires_after_the_days_the_pages_say(world, client):
    import datetime

    from django.utils import timezone

    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    TemporaryPassword.objects.filter(user=world.member_user).update(
        issued_at=timezone.now() - datetime.timedelta(days=services.TEMPORARY_PASSWORD_DAYS, minutes=1))
    page = login(client, "member", password).content.decode()
    assert f"a plus de {services.TEMPORARY_PASSWORD_DAYS} jours et ne fonctionne plus" in page
    assert "_auth_user_id" not in client.session
    # a new one works at once
    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    assert login(client.__class__(), "member", password).url == reverse("password_choose")


def test_choose_page_validates_the_new_password(world, client):
    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    login(client, "member", password)
    page = client.post(reverse("password_choose"), {"new_password1": "abc", "new_password2": "abc"}).content.decode()
    assert "trop court" in page
    assert TemporaryPassword.objects.filter(user=world.member_user).exists()


def test_choose_page_without_temporary_password_goes_home(world, client_for):
    assert client_for(world.member_user).get(reverse("password_choose")).url == reverse("home")


def test_totp_is_still_required_with_a_temporary_password(world, client):
    TOTPDevice.objects.create(user=world.member_user, name="x", confirmed=True)
    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    assert login(client, "member", password).url == reverse("login_code")  # the code is asked first
    assert "_auth_user_id" not in client.session
    assert TemporaryPassword.objects.get(user=world.member_user).used_at is None


def test_own_password_change_ends_a_temporary_password(world, client_for):
    password = services.issue_temporary_password(user=world.member_user, by=world.coordinator)
    client = client_for(world.member_user)
    client.post(reverse("password_change"), {"old_password": password, "new_password1": NEW, "new_password2": NEW})
    assert not TemporaryPassword.objects.filter(user=world.member_user).exists()


# --- Forgotten password by e-mail --------------------------------------------------------------------

def test_sign_in_page_links_to_forgotten_password(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "Mot de passe oublié" in page


def test_reset_page_tells_people_without_email_to_ask_their_group(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "coordinat" in page and "bénévole" in page


def test_reset_does_not_reveal_whether_an_account_exists(world, client):
    world.coordinator.email = "coord@example.org"
    world.coordinator.save()
    known = client.post(reverse("password_reset"), {"email": "COORD@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["COORD@example.org"]


def test_reset_link_sets_a_new_password_and_totp_is_still_asked(world, client):
    world.coordinator.email = "coord@example.org"
    world.coordinator.save()
    TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)
    client.post(reverse("password_reset"), {"email": "coord@example.org"})
    body = mail.outbox[0].body
    assert "Bonjour" in body and "coordinator" in body  # French, with the username
    link = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    response = client.get(link)  # Django moves the token into the session, then redirects
    response = client.post(response.url, {"new_password1": NEW, "new_password2": NEW})
    assert response.url == reverse("password_reset_complete")
    world.coordinator.refresh_from_db()
    assert world.coordinator.check_password(NEW)
    assert "_auth_user_id" not in client.session  # not signed in by the link
    assert login(client, "coordinator", NEW).url == reverse("login_code")  # the code is still required
    assert "_auth_user_id" not in client.session
    device = TOTPDevice.objects.get(user=world.coordinator)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert login(client, "coordinator", NEW, code).status_code == 302


def test_an_address_typed_by_a_coordinator_on_the_member_receives_nothing(world, client_for, client):
    """A coordinator can edit Member.email: it must never open the household's login."""
    coordinator = client_for(world.coordinator)
    coordinator.post(reverse("members:edit", args=[world.member.pk]), {
        "m-kind": world.member.kind, "m-name": world.member.name, "m-adults": 1, "m-children": 0,
        "m-phone": "0600000000", "m-email": "coord-own@example.org", "m-preferred_channel": "sms"})
    world.member.refresh_from_db()
    assert world.member.email == "coord-own@example.org"
    world.member_user.refresh_from_db()
    assert world.member_user.email == ""  # the coordinator's edit never reaches the login
    coordinator.logout()
    response = client.post(reverse("password_reset"), {"email": "coord-own@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_team_login_linked_to_a_member_is_not_reset_through_the_member_address(world):
    from grappe.members.tests.factories import MemberFactory

    MemberFactory(association=world.association, group=world.group, user=world.admin, email="hh@example.org")
    from django.test import Client

    Client().post(reverse("password_reset"), {"email": "hh@example.org"})
    assert mail.outbox == []


def test_reset_is_rate_limited_like_sign_in(world, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    world.coordinator.email = "coord@example.org"
    world.coordinator.save()
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "coord@example.org"})
    response = client.post(reverse("password_reset"), {"email": "coord@example.org"})
    assert response.status_code == 200 and "15 minutes" in response.content.decode()
    assert len(mail.outbox) == 2
    # and the same answer for an address without account: nothing is revealed
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert client.post(reverse("password_reset"), {"email": "nobody@example.org"}).status_code == 200
    assert FailedLogin.objects.filter(username__startswith="reset:").count() == 4
