"""An association admin adds a volunteer for one group from a phone; the volunteer is in the team."""


import pytest

from conftest import assert_accessible, browser_login, screenshot
from grappe.network.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    screenshot(page, f"network-team-{name}")


def test_admin_adds_a_volunteer_at_360_px(world, live_server, phone_page):
    page = phone_page
    browser_login(page, live_server, "admin")
    page.goto(live_server.url + "/reseau/")
    page.click("main a:has-text('Équipe')")
    page.wait_for_url("**/reseau/equipe/")
    assert_accessible(page)
    shot(page, "team")
    page.click("text=Ajouter une personne")
    assert_accessible(page)
    page.fill("#id_first_name", "Lucie")
    page.fill("#id_last_name", "Bernard")
    page.check("input[name=kind][value=volunteer]")
    page.check(f"input[name=groups][value='{world.group.pk}']")
    shot(page, "add")
    page.click("main button[type=submit]")
    password = page.locator(".slip-password").inner_text().strip()
    assert len(password) == 8
    slip = page.request.post(live_server.url + f"/reseau/equipe/{Role.objects.get(user__username='lucie.bernard').user_id}/fiche.pdf",
                             form={"password": password,
                                   "csrfmiddlewaretoken": page.input_value("input[name=csrfmiddlewaretoken]")},
                             headers={"Referer": page.url})
    assert slip.headers["content-type"] == "application/pdf"
    assert_accessible(page)
    shot(page, "slip")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("main a:has-text('Voir cette personne')")
    assert_accessible(page)
    shot(page, "person")
    page.goto(live_server.url + "/reseau/equipe/")
    card = page.locator(".team-list li", has_text="Lucie Bernard")
    assert "lucie.bernard" in card.inner_text() and world.group.name in card.inner_text()
    role = Role.objects.get(user__username="lucie.bernard")
    assert role.kind == "volunteer" and list(role.groups.all()) == [world.group]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
