"""A coordinator warns of a delay from the distribution day, on a 360 px phone, without JavaScript needed:
compose, preview (recipients per channel, SMS parts and cost), send (axe-core on each page)."""

import pytest

from conftest import screenshot
from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.distribution.tests.factories import make_day
from grappe.members.models import Member
from grappe.notify.models import OneOffMessage, SentNotification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("daytime")  # the message leaves at once only in the day
def test_a_coordinator_warns_of_a_delay_on_a_phone(world, e2e, phone_page):
    day = make_day(world)
    Member.objects.filter(pk=day.paul.pk).update(preferred_channel="call", phone="04 75 00 00 00")
    page = phone_page
    e2e.login(page, e2e.server, "coordinator")
    page.goto(f"{e2e.server.url}/distribution/{day.day.pk}/")
    page.click("a:has-text('Prévenir d’un retard'), a:has-text(\"Prévenir d'un retard\")")
    page.wait_for_url("**/rappels/messages/distribution/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    e2e.axe(page)
    screenshot(page, "messages-compose")
    page.click("a:has-text('Le camion aura 40 minutes')")  # a ready-made text fills the box
    assert "40 minutes de retard" in page.input_value("#id_text")
    page.click("button:has-text('Voir les destinataires')")
    page.wait_for_selector("text=Vérifier le message avant l")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    e2e.axe(page)
    screenshot(page, "messages-preview")
    text = page.inner_text("main").replace("\u00a0", " ")
    assert "1 SMS × 1 partie × 0,07 € = 0,07 €" in text
    page.click("button:has-text('Envoyer')")  # not confirmed: refused, as typed
    assert OneOffMessage.objects.count() == 0
    page.check("#id_confirm")
    page.click("button:has-text('Envoyer')")
    page.wait_for_url("**/rappels/messages/*/")
    e2e.axe(page)
    screenshot(page, "messages-detail")
    message = OneOffMessage.objects.get()
    rows = SentNotification.objects.filter(kind="message", key=message.key)
    assert sorted(rows.values_list("member__name", "status")) == [("Durand Paul", "to_call"), ("Martin Jeanne", "sent")]
    page.goto(f"{e2e.server.url}/rappels/messages/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    e2e.axe(page)
    screenshot(page, "messages-list")
    assert page.is_visible("text=Le camion aura 40 minutes")
