"""On a phone: someone with two-step sign-in on types the login and password, then the code on a second
page; axe-core on both pages."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import assert_accessible
from grappe.members.tests.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_code_is_asked_on_a_second_page_on_a_phone(world, live_server, phone_page):
    device = TOTPDevice.objects.create(user=world.coordinator, name="x", confirmed=True)
    page = phone_page
    page.goto(f"{live_server.url}/connexion/")
    assert page.locator("input[autocomplete=one-time-code]").count() == 0
    assert_accessible(page)
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('connecter')")
    page.wait_for_url(lambda url: "/connexion/code/" in url)
    assert_accessible(page)
    page.fill("#id_code", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.click("button[type=submit]:has-text('connecter')")
    page.wait_for_url(lambda url: "/connexion/" not in url)
    assert page.locator("details.menu").count() == 1  # signed in: the menu is there
