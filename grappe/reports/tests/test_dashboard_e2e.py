"""The dashboards in a real browser, with figures and charts: axe-core finds nothing serious."""

import datetime as dt
import zoneinfo
from decimal import Decimal as D

import pytest

from conftest import assert_accessible, browser_login, screenshot
from grappe.orders import services as order_services
from grappe.orders.models import OrderCycle
from grappe.orders.services import LineChange
from grappe.orders.tests.factories import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# A fixed cycle and a fixed period: with today's date and the default "this year", the distribution a
# week later fell in the next year during the last week of December, and the dashboard had no chart.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
YEAR_2026 = "?periode=custom&debut=2026-01-01&fin=2026-12-31"


def test_dashboards_are_accessible_on_phone_and_desktop(world, live_server, phone_page, desktop_page):
    shop = make_cycle(world, now=NOW)
    order_services.place_order(cycle=shop.cycle, member=world.member, by=world.volunteer, now=NOW,
                               lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(status=OrderCycle.Status.CLOSED)
    browser_login(desktop_page, live_server, "admin")
    desktop_page.goto(live_server.url + "/bilans/" + YEAR_2026)
    assert desktop_page.locator("main figure img").count() >= 2
    assert_accessible(desktop_page)
    screenshot(desktop_page, "reports-dashboard-1280")
    desktop_page.goto(live_server.url + "/bilans/financeurs/" + YEAR_2026)
    assert desktop_page.locator("textarea[name=text]").count() == 1  # an admin writes the context
    assert_accessible(desktop_page)
    screenshot(desktop_page, "reports-funder-1280")
    browser_login(phone_page, live_server, "coordinator")
    phone_page.goto(live_server.url + "/bilans/" + YEAR_2026)
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    # the funder report on a phone, with its tables of fees by means of payment and of the solidarity fund
    phone_page.goto(live_server.url + "/bilans/financeurs/" + YEAR_2026)
    assert phone_page.locator("textarea[name=text]").count() == 0  # a coordinator reads it only
    assert phone_page.locator("h2", has_text="Caisse de solidarité mois par mois").count() == 1
    assert phone_page.locator("h2", has_text="Cotisations par moyen de paiement").count() == 1
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "reports-funder-360")
