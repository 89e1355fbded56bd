"""A referrer refers a household, a coordinator registers it with the code, it appears as priority."""

import re

import pytest

from conftest import assert_accessible, browser_login
from grappe.members.models import Member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_referral_to_priority_member_in_a_real_browser(world, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    browser_login(page, live_server, "referrer")
    assert_accessible(page)
    page.goto(live_server.url + "/adherents/orientations/nouvelle/")
    assert_accessible(page)
    page.fill("#id_household_name", "F. D.")
    page.fill("#id_phone", "06 11 22 33 44")
    page.fill("#id_persons", "3")
    page.select_option("#id_group", label=world.group.name)
    page.click("main button[type=submit]")
    code = page.locator(".code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert_accessible(page)
    slip = page.request.get(live_server.url + page.get_attribute("a[href$='fiche.pdf']", "href"))
    assert slip.headers["content-type"] == "application/pdf"
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    browser_login(page, live_server, "coordinator")
    page.goto(live_server.url + "/adherents/inscription/")
    assert_accessible(page)
    page.fill("#id_code", code.lower())
    page.fill("#id_name", "Durand Fanny")
    page.fill("#id_phone", "06 11 22 33 44")
    page.fill("#id_adults", "1")
    page.fill("#id_children", "2")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/adherents/\d+/$"))
    assert "Durand Fanny" in page.inner_text("h1")
    assert "Prioritaire" in page.inner_text("main")
    assert_accessible(page)
    page.goto(live_server.url + f"/adherents/?groupe={world.group.pk}")
    assert "Durand Fanny" in page.inner_text("main")
    assert_accessible(page)
    page.goto(live_server.url + "/adherents/quota/")
    assert_accessible(page)
    context.close()
    member = Member.objects.get(name="Durand Fanny")
    assert member.category == "priority" and member.basis_partner == world.partner
