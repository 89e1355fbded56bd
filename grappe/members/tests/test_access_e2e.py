"""A coordinator gives a member who joined on paper an online access; the member signs in with the
temporary password on a phone and must choose their own."""

import re

import pytest

from conftest import assert_accessible, browser_login
from grappe.core.models import TemporaryPassword
from grappe.members.tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW = "Grappe-Violette-2026"


def test_coordinator_gives_access_then_member_chooses_a_password(world, live_server, phone_page):
    member = MemberFactory(association=world.association, group=world.group, number=9012, name="Durand Paul")
    page = phone_page
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/adherents/{member.pk}/")
    assert_accessible(page)
    page.click("button:has-text('Donner un accès en ligne')")
    username = page.locator("main .code").first.inner_text().strip()
    password = page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"vrac-test-[a-hjkmnp-z2-9]{6}", username)
    assert re.fullmatch(r"[a-hjkmnp-z2-9]{8}", password)
    assert_accessible(page)
    with page.expect_response(lambda response: response.url.endswith("/fiche.pdf")) as slip:
        page.click("button:has-text('Imprimer la fiche')")
    assert slip.value.status == 200 and slip.value.headers["content-type"] == "application/pdf"
    page.goto(f"{live_server.url}/adherents/{member.pk}/")
    assert "pas encore choisi son propre mot de passe" in page.inner_text("main")
    page.click("footer button:has-text('Se déconnecter')")
    page.wait_for_url(re.compile(r"/connexion/"))

    browser_login(page, live_server, username, password)
    assert page.url.endswith("/mot-de-passe/choisir/")
    assert "Choisissez votre mot de passe" in page.inner_text("h1")
    assert_accessible(page)
    page.goto(live_server.url + "/adherents/mes-donnees/")  # nothing else until the password is chosen
    assert page.url.endswith("/mot-de-passe/choisir/")
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/mot-de-passe/" not in url)
    assert "Votre mot de passe est enregistré" in page.inner_text("main")
    assert_accessible(page)
    assert not TemporaryPassword.objects.filter(user__username=username).exists()
    page.click("footer button:has-text('Se déconnecter')")
    browser_login(page, live_server, username, NEW)
    assert "/mot-de-passe/" not in page.url
