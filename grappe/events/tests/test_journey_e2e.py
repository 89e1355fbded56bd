"""A member registers for a workshop on a phone; the coordinator sees it. axe-core on every page."""

import pytest

from conftest import assert_accessible, browser_login, screenshot
from grappe.events.models import Registration
from grappe.notify.models import SentNotification

from .factories import EventFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_registers_on_a_phone_and_the_team_sees_it(world, live_server, phone_page, desktop_page):
    event = EventFactory(group=world.group, title="Atelier cuisine : les lentilles", capacity=8,
                         description="On cuisine ensemble, puis on goûte.")
    page = phone_page
    browser_login(page, live_server, "member")
    page.goto(live_server.url + "/animations/")
    assert_accessible(page)
    page.click("text=Atelier cuisine : les lentilles")
    assert_accessible(page)
    page.click("main button:has-text('Je m’inscris'), main button:has-text(\"Je m'inscris\")")
    assert page.locator(".badge-ok").first.inner_text() == "Vous êtes inscrit"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "events-register-360")
    page.goto(live_server.url + "/rappels/mes-rappels/")
    assert_accessible(page)
    page.click("main button:has-text('Je ne veux plus de rappels')")
    world.member.refresh_from_db()
    assert world.member.reminders_opt_out
    assert Registration.objects.get(event=event).status == Registration.Status.CONFIRMED

    page = desktop_page
    browser_login(page, live_server, "coordinator")
    page.goto(live_server.url + f"/animations/{event.pk}/")
    assert "Martin Jeanne" in page.inner_text("main")
    assert_accessible(page)
    page.goto(live_server.url + "/animations/nouveau/")
    assert_accessible(page)
    page.goto(live_server.url + "/rappels/")
    assert_accessible(page)


def test_volunteer_call_list_is_accessible(world, live_server, phone_page):
    SentNotification.objects.create(
        association=world.association, group=world.group, member=world.member, kind="event_tomorrow",
        key="event:1:2026-11-28", recipient=f"member:{world.member.pk}", channel="call", address="+33600000000",
        text="Rappel : Atelier soupe demain à 14h30.", status=SentNotification.Status.TO_CALL)
    browser_login(phone_page, live_server, "volunteer")
    phone_page.goto(live_server.url + "/rappels/appels/")
    assert_accessible(phone_page)
    phone_page.click("main button[type=submit]")
    assert "Aucun appel à passer" in phone_page.inner_text("main")
