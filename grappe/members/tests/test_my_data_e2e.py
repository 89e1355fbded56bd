"""On a phone: 'Mes données' with an order, a basket, a payment and a reminder, and 'Mes rappels', each
passes axe-core and fits the 360 px width (nothing wider than the screen)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import assert_accessible, browser_login
from grappe.accounts import services as account_services
from grappe.distribution.tests.factories import make_day
from grappe.notify.models import SentNotification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_my_data_and_my_reminders_on_a_phone(world, live_server, phone_page):
    day = make_day(world)
    account_services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    account_services.record_payment(member=world.member, amount=D("5.00"), means="cash", by=world.volunteer,
                                    advance=True)
    SentNotification.objects.create(
        association=world.association, group=world.group, member=world.member, kind="cycle_open", key="x",
        recipient=f"member:{world.member.pk}", channel="sms", address="+33612345678",
        status=SentNotification.Status.SENT, text="Les commandes sont ouvertes.", sent_at=timezone.now())
    page = phone_page
    browser_login(page, live_server, "member")
    for path, heading in ((reverse("members:my_data"), "Mes données"), (reverse("notify:preferences"), "Mes rappels")):
        page.goto(live_server.url + path)
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page)
    page.goto(live_server.url + reverse("members:my_data"))
    assert "Paiements" in page.content() and "Rappels envoyés" in page.content()
