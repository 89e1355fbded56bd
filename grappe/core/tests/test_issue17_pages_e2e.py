"""The pages issue 17 added, in a real browser, each seen by the persona who uses it: at 360 px axe-core finds
nothing serious and nothing is wider than the screen; the pages reached by a plain link are read at 1280 px
too. The adoption confirmation of a van scenario and the comparison of two scenarios; a cycle's purchase
orders once one was sent (its send log, the tick to send it again); a price import whose preview flags a
price jump; the coordinator's form to register a household; a team member's details; the reminder settings;
the cancellation of an event."""

import datetime as dt
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import assert_accessible, browser_login, screenshot
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.events.models import Event, Registration
from grappe.events.tests.factories import EventFactory
from grappe.members.tests.factories import MemberFactory
from grappe.network.models import Site
from grappe.orders import services as orders
from grappe.orders.models import PurchaseOrder
from grappe.orders.tests.factories import make_cycle
from grappe.tours import services as tours
from grappe.tours.models import Scenario
from grappe.tours.tests.planner_fixtures import *  # noqa: F403  (fixtures: scenario, mobile_group, diois)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("daytime")]

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def seen(page, name, width=360):
    """axe-core finds nothing serious, the page does not scroll sideways; a screenshot when asked."""
    assert_accessible(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page scrolls sideways ({scroll}px at {width}px)"
    screenshot(page, f"{name}-{width}")


def run_with(scenario, world, *insee):
    tours.add_commune_candidates(scenario=scenario)
    scenario.candidates.update(excluded=False)
    scenario.candidates.exclude(commune_id__in=insee).update(excluded=True)
    return tours.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)


def test_the_tours_adoption_and_comparison_pages(scenario, world, mobile_group, live_server, phone_page,
                                                 desktop_page):
    # The group already runs two stops (a member and an event at each); the new study retires one.
    scenario.max_stops = 2
    scenario.save()
    first = run_with(scenario, world, "26178", "26168")
    tours.adopt_run(run=first, group=mobile_group, period_start=date(2026, 4, 6), by=world.admin, now=NOW)
    for site in Site.objects.filter(group=mobile_group, is_stop=True):
        MemberFactory(association=world.association, group=mobile_group, stop=site, phone="0611223344",
                      preferred_channel="sms")
        Event.objects.create(association=world.association, group=mobile_group, site=site,
                             title=f"Café {site.name}", starts_at=datetime(2026, 4, 20, 10, tzinfo=UTC))
    other = Scenario.objects.get(pk=scenario.pk)
    other.pk = None
    other.name = "Grand Diois, trois jours par semaine"
    other.max_stops = 3
    other.save()
    run_with(other, world, "26178", "26168", "26167")
    run_with(scenario, world, "26178")
    page = phone_page
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/mobile/scenarios/{scenario.pk}/")
    form = page.locator(f"form[action='/mobile/scenarios/{scenario.pk}/adopter/']")
    form.locator("select[name=group]").select_option(str(mobile_group.pk))
    form.locator("input[name=period_start]").fill("2026-05-04")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("input[name=confirm]")
    assert "Lus-la-Croix-Haute" in page.content()
    seen(page, "tours-adopt-confirm")
    compare = f"{live_server.url}/mobile/comparer/?a={scenario.pk}&b={other.pk}"
    for page, width in ((phone_page, 360), (desktop_page, 1280)):
        if width == 1280:
            browser_login(page, live_server, "admin")
        page.goto(compare)
        assert other.name in page.content()
        seen(page, "tours-compare", width)


def test_the_purchase_orders_page_with_a_send_log_and_the_resend_tick(world, live_server, phone_page, desktop_page):
    shop = make_cycle(world)
    orders.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"),
                    tolerance=D("5"), by=world.member_user)
    orders.close_cycle(cycle=shop.cycle, by=world.coordinator)
    orders.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    orders.send_purchase_order(purchase_order=po, by=world.admin, now=NOW)  # e-mailed at once (tasks run at once)
    po.refresh_from_db()
    assert po.status == "sent"
    url = live_server.url + reverse("orders:purchase_orders", args=[shop.cycle.pk])
    for page, width in ((phone_page, 360), (desktop_page, 1280)):
        browser_login(page, live_server, "admin")
        page.goto(url)
        assert "ferme@example.org" in page.content()
        assert page.locator("input[type=checkbox][name=again]").count() == 1
        seen(page, "orders-purchase-orders-sent", width)
    # Sent again without the tick (the browser's own check taken off, as an old browser would): refused, marked.
    page = phone_page
    page.goto(url)
    page.evaluate("document.querySelector('input[name=again]').removeAttribute('required')")
    page.locator("form.send-again button[type=submit]").click()
    page.wait_for_selector("input[name=again][aria-invalid=true]")
    seen(page, "orders-purchase-orders-resend-refused")


def test_the_price_import_preview_with_a_flagged_price_jump(world, live_server, phone_page):
    supplier = SupplierFactory(association=world.association, name="GAEC des Lentilles")
    make_product(supplier, name="Lentilles vertes", reference="LV25", origin_place="Eurre")
    make_product(supplier, name="Oranges", reference="OR10", family="fruit", pack_size=D("10"),
                 pack_price_excl_vat=D("17.00"))
    page = phone_page
    browser_login(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("catalogue:import_new", args=[supplier.pk]))
    seen(page, "catalogue-import-new")
    page.set_input_files("input[type=file]", files=[{
        "name": "tarif.csv", "mimeType": "text/csv",
        "buffer": "Référence;Désignation;Prix HT\nLV25;Lentilles vertes;1,10\nOR10;Oranges;17,50\n".encode()}])
    page.locator("form:has(input[type=file]) button[type=submit]").click()
    page.wait_for_selector("input[name=jumps_confirmed]")
    assert "⚠" in page.content()
    seen(page, "catalogue-import-preview-flagged")


def test_the_people_pages(world, live_server, phone_page, desktop_page):
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(14, 30)))
    event = EventFactory(group=world.group, title="Atelier soupe", place="Centre social", starts_at=starts,
                         capacity=10)
    for name, fields in (("Sms Un", {"phone": "0611223344", "preferred_channel": "sms"}),
                         ("Mail Deux", {"phone": "", "email": "deux@example.org", "preferred_channel": "email"}),
                         ("Papier Trois", {"phone": "0475000000", "preferred_channel": "paper"}),
                         ("Muet Quatre", {"phone": "0611223355", "reminders_opt_out": True})):
        member = MemberFactory(association=world.association, group=world.group, name=name, **fields)
        Registration.objects.create(event=event, member=member, status=Registration.Status.CONFIRMED)
    pages = [
        ("coordinator", reverse("members:register_household") + "?code=ABC", "members-register-household"),
        ("coordinator", reverse("notify:event_cancel", args=[event.pk]), "notify-event-cancel"),
        ("admin", reverse("network:person_edit", args=[world.volunteer.pk]), "network-person-edit"),
        ("admin", reverse("notify:settings"), "notify-settings"),
    ]
    for page, width in ((phone_page, 360), (desktop_page, 1280)):
        signed_in = None
        for who, path, name in pages:
            if who != signed_in:
                page.context.clear_cookies()
                browser_login(page, live_server, who)
                signed_in = who
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            if name == "notify-event-cancel":
                assert "L’annulation envoie 3\u00a0messages" in page.content() or \
                    "L’annulation envoie 3 messages" in page.content()
            seen(page, name, width)
