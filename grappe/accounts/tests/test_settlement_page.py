"""The settlement page: amounts in French euros (never "-2.250000000 €"), who settled it and when,
a refused entry shown again with what was typed, and the explicit "Rouvrir le solde" (issue 11)."""

import datetime
import re
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from grappe.accounts import services
from grappe.accounts.models import Entry, SupplierInvoice
from grappe.accounts.tests.factories import finish
from grappe.distribution.tests.factories import make_day
from grappe.orders.models import CycleEvent, OrderCycle, PurchaseOrder

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SETTLED_AT = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=PARIS)
RAW_DECIMAL = re.compile(r"\d\.\d{2,}")  # "2.25", "2.250000000": a Decimal printed as Python prints it


@pytest.fixture
def day(world):
    day = make_day(world)
    finish(world, day)
    return day


def page(client, cycle, data=None):
    url = reverse("accounts:settlement", args=[cycle.pk])
    return client.post(url, data) if data is not None else client.get(url)


def text(response):
    return response.content.decode()


def test_amounts_print_as_french_euros_and_a_gap_shows_in_unexplained(world, day, client_for):
    charge = Entry.objects.filter(cycle=day.cycle, kind=Entry.Kind.CHARGE, member=day.jeanne).get()
    services.reverse_entry(entry=charge, by=world.coordinator)
    body = text(page(client_for(world.admin), day.cycle))
    amount = f"{charge.amount:.2f}".replace(".", ",")  # e.g. -23,54
    unexplained = re.search(r"Inexpliqué</th><td class=\"num\"><strong>([^<]*)</strong>", body).group(1)
    assert unexplained == f"{amount}\u00a0€"
    assert "à expliquer" in body
    shown = re.sub(r"<[^>]*>", " ", body)  # what people read (not attributes such as step="0.01")
    assert not RAW_DECIMAL.search(shown), RAW_DECIMAL.search(shown).group(0)


def test_a_refused_settle_says_the_amount_in_french_euros(world, day, client_for):
    po = PurchaseOrder.objects.filter(cycle=day.cycle).first()
    services.record_invoice(purchase_order=po, number="F-extra", date=datetime.date(2026, 11, 2), amount=D("2.25"),
                            by=world.coordinator)
    response = page(client_for(world.admin), day.cycle, {"action": "settle"})
    assert response.status_code == 422
    assert "-2,25\u00a0€ restent inexpliqués" in text(response) and "2.25" not in text(response)
    assert OrderCycle.objects.get(pk=day.cycle.pk).status == OrderCycle.Status.DISTRIBUTED


def test_the_page_says_who_settled_it_and_when_in_french(world, day, client_for):
    world.coordinator.first_name, world.coordinator.last_name = "Claire", "Fabre"
    world.coordinator.save()
    services.settle_cycle(cycle=day.cycle, by=world.coordinator, now=SETTLED_AT)
    body = text(page(client_for(world.admin), day.cycle))
    assert "Soldée par Claire Fabre le 20 novembre 2026 14:05" in body
    assert 'value="invoice"' not in body and 'value="reopen"' in body  # no entry form, the reopen form


def test_an_invoice_posted_to_a_settled_cycle_is_refused_and_shown_again_as_typed(world, day, client_for):
    services.settle_cycle(cycle=day.cycle, by=world.coordinator, now=SETTLED_AT)
    po = PurchaseOrder.objects.filter(cycle=day.cycle).first()
    response = page(client_for(world.admin), day.cycle, {
        "action": "invoice", "invoice-purchase_order": po.pk, "invoice-number": "F-tardive",
        "invoice-date": "2026-11-25", "invoice-amount": "12.40", "invoice-due_date": "", "invoice-reason": ""})
    assert response.status_code == 422
    assert "Cette commande est soldée" in text(response)
    assert response.context["invoice_form"].data["invoice-number"] == "F-tardive"
    assert not SupplierInvoice.objects.filter(number="F-tardive").exists()


def test_reopening_from_the_page_needs_a_reason_and_records_it(world, day, client_for):
    services.settle_cycle(cycle=day.cycle, by=world.coordinator, now=SETTLED_AT)
    client = client_for(world.admin)
    response = page(client, day.cycle, {"action": "reopen", "reason": " "})
    assert response.status_code == 422
    assert OrderCycle.objects.get(pk=day.cycle.pk).status == OrderCycle.Status.SETTLED
    response = page(client, day.cycle, {"action": "reopen", "reason": "avoir du fournisseur"})
    assert response.status_code == 302
    assert OrderCycle.objects.get(pk=day.cycle.pk).status == OrderCycle.Status.DISTRIBUTED
    event = CycleEvent.objects.get(cycle=day.cycle, kind=CycleEvent.Kind.REOPENED)
    assert (event.by, event.reason) == (world.admin, "avoir du fournisseur")
    body = text(page(client, day.cycle))
    assert "Solde rouvert par admin le" in body and "avoir du fournisseur" in body


def test_explaining_the_gap_from_the_page_balances_it(world, day, client_for):
    charge = Entry.objects.filter(cycle=day.cycle, kind=Entry.Kind.CHARGE, member=day.jeanne).get()
    services.reverse_entry(entry=charge, by=world.coordinator)
    client = client_for(world.admin)
    assert 'value="explain_ledger"' in text(page(client, day.cycle))
    response = page(client, day.cycle, {"action": "explain_ledger", "reason": "panier offert"})
    assert response.status_code == 302
    body = text(page(client, day.cycle))
    assert "à expliquer" not in body and 'value="explain_ledger"' not in body
    assert re.search(r"Inexpliqué</th><td class=\"num\"><strong>0,00\u00a0€</strong>", body)
    assert page(client, day.cycle, {"action": "settle"}).status_code == 302
    assert OrderCycle.objects.get(pk=day.cycle.pk).status == OrderCycle.Status.SETTLED


def test_a_coordinator_who_only_reads_a_shared_cycle_sees_no_settlement_form(world, day, client_for):
    """The day's cycle covers Romans and Die; the coordinator of Romans reads its figures, and is not
    offered forms that her role cannot use (they answered 403); the admin is."""
    mine = text(page(client_for(world.coordinator), day.cycle))
    assert "Marge" in mine and "tous ses groupements" in mine
    assert not re.search(r'name="action" value="(settle|invoice|cost|difference|explain|explain_ledger)"', mine)
    admins = text(page(client_for(world.admin), day.cycle))
    assert 'name="action" value="settle"' in admins and 'name="action" value="invoice"' in admins
