"""The checkout on distribution day (issue 11): a refused payment shows again what was typed, a paid
basket takes no second payment, paying more needs "avance sur compte", leaving a basket unpaid
above the limit needs a tick, and a cash count says when a payment it counted was reversed."""

import datetime as dt
import re
import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse

from grappe.accounts import services
from grappe.accounts.models import AccountSettings, CashCount, Entry, Means
from grappe.accounts.tests.factories import issuer
from grappe.distribution.tests.factories import make_day
from grappe.members.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def day(world):
    made = make_day(world)
    services.collect_basket(basket=made.jeanne_basket, by=world.volunteer, now=NOW)
    return made


def _due(member):
    return -services.balance(member)


def _checked(page, value):
    return re.search(rf'<input[^>]*value="{value}"[^>]*checked', page) is not None


def _pay(client, basket, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return client.post(reverse("accounts:pay", args=[basket.pk]), data)


def test_a_voucher_refused_for_its_missing_number_comes_back_as_typed(world, day, client_for):
    ccas = issuer(world.association, "CCAS de Romans")
    response = _pay(client_for(world.volunteer), day.jeanne_basket, means="voucher", amount="10,00",
                    issuer=ccas.pk, reference="")
    assert response.status_code == 422
    page = response.content.decode()
    assert "numéro" in page
    assert _checked(page, "voucher") and not _checked(page, "cash")
    assert re.search(r'name="amount"[^>]*value="10,00"', page)
    assert re.search(rf'<option value="{ccas.pk}" selected>CCAS de Romans</option>', page)
    assert not Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).exists()


def test_the_voucher_corrected_is_recorded_as_a_voucher(world, day, client_for):
    client = client_for(world.volunteer)
    ccas = issuer(world.association, "CCAS")
    _pay(client, day.jeanne_basket, means="voucher", amount="10.00", issuer=ccas.pk, reference="")
    response = _pay(client, day.jeanne_basket, means="voucher", amount="10.00", issuer=ccas.pk, reference="B-17")
    assert response.status_code == 302
    entry = Entry.objects.get(member=day.jeanne, kind=Entry.Kind.PAYMENT)
    assert (entry.means, entry.amount, entry.reference) == (Means.VOUCHER, D("10.00"), "B-17")


def test_once_paid_the_checkout_has_no_payment_form_and_a_resubmission_is_refused(world, day, client_for):
    client = client_for(world.volunteer)
    due = _due(day.jeanne)
    assert _pay(client, day.jeanne_basket, means="cash", amount=str(due)).status_code == 302
    page = client.get(reverse("accounts:checkout", args=[day.jeanne_basket.pk])).content.decode()
    assert reverse("accounts:pay", args=[day.jeanne_basket.pk]) not in page
    again = _pay(client, day.jeanne_basket, means="cash", amount=str(due))  # back, then submit again
    assert again.status_code == 422 and "déjà payé" in again.content.decode()
    assert Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).count() == 1


def test_the_service_refuses_a_payment_on_a_paid_basket_unless_it_is_an_advance(world, day):
    due = _due(day.jeanne)
    services.record_payment(member=day.jeanne, amount=due, means=Means.CASH, by=world.volunteer,
                            basket=day.jeanne_basket, distribution=day.day, now=NOW)
    with pytest.raises(services.AccountError):
        services.record_payment(member=day.jeanne, amount=due, means=Means.CASH, by=world.volunteer,
                                basket=day.jeanne_basket, distribution=day.day, now=NOW)
    services.record_payment(member=day.jeanne, amount=D("5"), means=Means.CASH, by=world.volunteer,
                            basket=day.jeanne_basket, distribution=day.day, advance=True, now=NOW)
    assert services.balance(day.jeanne) == D("5.00")


def test_paying_more_than_due_needs_the_advance_box(world, day, client_for):
    client = client_for(world.volunteer)
    more = str(_due(day.jeanne) + D("20"))
    refused = _pay(client, day.jeanne_basket, means="cash", amount=more)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "avance sur compte" in page.lower() and re.search(rf'name="amount"[^>]*value="{more}"', page)
    assert not Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).exists()
    assert _pay(client, day.jeanne_basket, means="cash", amount=more, advance="on").status_code == 302
    assert services.balance(day.jeanne) == D("20.00")


def test_leaving_unpaid_above_the_limit_needs_a_tick(world, day, client_for):
    AccountSettings.objects.create(association=world.association, negative_limit=D("1.00"))
    client = client_for(world.volunteer)
    page = client.get(reverse("accounts:checkout", args=[day.jeanne_basket.pk])).content.decode()
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="confirm"[^>]*required', page) or re.search(
        r'<input[^>]*name="confirm"[^>]*type="checkbox"[^>]*required', page)
    url = reverse("accounts:on_account", args=[day.jeanne_basket.pk])
    refused = client.post(url)
    assert refused.status_code == 422 and "limite" in refused.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.BEYOND_LIMIT).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    # who let the member owe more than the limit is kept (issue 11: every `by=` recorded or removed)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BEYOND_LIMIT)
    assert (entry.member, entry.actor) == (day.jeanne, world.volunteer) and "€" in entry.detail


def test_leaving_unpaid_within_the_limit_needs_no_tick(world, day, client_for):
    AccountSettings.objects.create(association=world.association, negative_limit=D("500.00"))
    client = client_for(world.volunteer)
    page = client.get(reverse("accounts:checkout", args=[day.jeanne_basket.pk])).content.decode()
    assert 'name="confirm"' not in page
    assert client.post(reverse("accounts:on_account", args=[day.jeanne_basket.pk])).status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.BEYOND_LIMIT).exists()


def test_a_cash_count_is_flagged_when_a_payment_it_counted_is_reversed(world, day, client_for):
    payment = services.record_payment(member=day.jeanne, amount=D("12.50"), means=Means.CASH, by=world.volunteer,
                                      distribution=day.day, now=NOW)
    services.record_cash_count(distribution=day.day, counted={"cash": "12.50"}, reasons={}, by=world.volunteer,
                               now=NOW + dt.timedelta(minutes=30))
    client = client_for(world.coordinator)
    assert "recompter" not in client.get(reverse("accounts:cash_count", args=[day.day.pk])).content.decode().lower()
    services.reverse_entry(entry=payment, by=world.coordinator, note="erreur de saisie")
    assert services.stale_cash_counts(day.day)[0].means == Means.CASH
    for url in (reverse("accounts:cash_count", args=[day.day.pk]), reverse("distribution:day", args=[day.day.pk])):
        page = client.get(url).content.decode()
        assert "annulé après le comptage" in page, url
    assert CashCount.objects.get(distribution=day.day, means="cash").counted == D("12.50")


def test_a_refused_cash_count_shows_what_was_typed(world, day, client_for):
    services.record_payment(member=day.jeanne, amount=D("12.50"), means=Means.CASH, by=world.volunteer,
                            distribution=day.day, now=NOW)
    response = client_for(world.volunteer).post(reverse("accounts:cash_count", args=[day.day.pk]),
                                                {"counted-cash": "12,00", "counted-cheque": "3", "reason-cheque": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="12,00"' in page and 'value="3"' in page and "indiquez pourquoi" in page.lower()
    assert not CashCount.objects.exists()


def test_a_refused_payment_on_the_member_page_shows_what_was_typed(world, day, client_for):
    url = reverse("accounts:member_payment", args=[day.jeanne.pk])
    response = client_for(world.coordinator).post(url, {"key": str(uuid.uuid4()), "means": "cheque",
                                                        "amount": "30", "reference": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert _checked(page, "cheque") and re.search(r'name="amount"[^>]*value="30"', page)
    assert not Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).exists()
