"""On a phone: a household adds its own e-mail from the profile and confirms it through the link;
the profile's "turn two-step sign-in off" form asks for the password and a code. axe-core on each page."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_household_adds_and_confirms_its_email_on_a_phone(world, live_server, phone_page):
    page = phone_page
    browser_login(page, live_server, "member")
    page.goto(f"{live_server.url}/profil/")
    assert_accessible(page)
    page.click("text=Ajouter mon adresse e-mail")
    assert_accessible(page)
    page.fill("#id_email", "jeanne@example.org")
    page.fill("#id_password", "wrong")
    page.click("button:has-text('Envoyer le lien')")
    assert page.input_value("#id_email") == "jeanne@example.org"  # refused: what was typed stays
    assert_accessible(page)
    page.fill("#id_password", "pass-word-123")
    page.click("button:has-text('Envoyer le lien')")
    page.wait_for_url(lambda url: url.endswith("/profil/"))
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + link)
    assert_accessible(page)
    page.click("button:has-text('Confirmer')")
    assert "est enregistrée" in page.content()
    assert_accessible(page)
    world.member_user.refresh_from_db()
    assert world.member_user.email == "jeanne@example.org"


def test_the_turn_off_form_is_accessible_on_a_phone(world, live_server, phone_page):
    TOTPDevice.objects.create(user=world.member_user, name="x", confirmed=True)
    page = phone_page
    from django.test import Client

    client = Client()
    client.force_login(world.member_user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/profil/")
    page.click("button:has-text('Désactiver')")
    assert "Mot de passe actuel" in page.content()
    assert TOTPDevice.objects.filter(user=world.member_user).exists()
    assert_accessible(page)
