"""Proof (issue 11): any sequence of refused submissions on the distribution day, through the test
client, leaves the stored data exactly as it was, and each one shows its page again (no redirect)."""

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grappe.accounts import services
from grappe.accounts.models import AccountSettings, CashCount, Entry
from grappe.distribution.models import Basket, BasketLine
from grappe.distribution.tests.factories import make_day
from grappe.orders.models import StockItem, StockMove

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)
NOT_NUMBERS = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e30", "abc", "٣", "5,2,1", "--1", "1..2", "½"]


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values_list())
            for model in (Entry, CashCount, Basket, BasketLine, StockItem, StockMove)}


@pytest.fixture
def scene(world):
    day = make_day(world)
    services.collect_basket(basket=day.jeanne_basket, by=world.volunteer, now=NOW)  # something to pay
    AccountSettings.objects.create(association=world.association, negative_limit=D("0.00"))
    StockItem.objects.create(group=world.group, product=day.shop.lentils, quantity=D("2"))
    lines = {line.name.split()[0]: line for line in BasketLine.objects.filter(basket=day.paul_basket)}
    return day, lines, -services.balance(day.jeanne)


def _bad_weights(lines):
    lentils, oil = lines["Lentilles"], lines["Huile"]  # bulk (tolerance 10 % of what is allotted), 4 pieces
    # out of tolerance on either side of what the allocation gave (10 kg of the 20 ordered: packs of 25)
    high, low = lentils.allotted * D("1.1") + D("0.01"), lentils.allotted * D("0.9") - D("0.01")
    bad_lentils = st.one_of(
        st.decimals(min_value=high, max_value=D("99999"), places=2).map(lambda d: str(d).replace(".", ",")),
        st.decimals(min_value=D("0"), max_value=low, places=2).map(str),
        st.decimals(min_value=D("-1000"), max_value=D("-0.001"), places=3).map(str),
        st.sampled_from(NOT_NUMBERS + ["2.0000000001", "99999999999999999999"]))
    ok_oil = st.sampled_from(["", "3", "4", "2,0"])
    return st.builds(lambda bad, good, target: (target, {f"served-{lentils.pk}": bad, f"served-{oil.pk}": good}),
                     bad_lentils, ok_oil, st.sampled_from(["distribution:basket", "accounts:collect"])).map(
        lambda pair: (reverse(pair[0], args=[lentils.basket_id]), pair[1]))


def _bad_payments(basket, due):
    pay = reverse("accounts:pay", args=[basket.pk])
    amount = st.decimals(min_value=D("0.01"), max_value=due, places=2).map(str)
    over = st.decimals(min_value=due + D("0.01"), max_value=due + D("500"), places=2).map(str)
    key = st.uuids().map(str)
    voucher_without_number = st.builds(lambda a, k: {"key": k, "means": "voucher", "amount": a, "issuer": "CCAS",
                                                     "reference": ""}, amount, key)
    cheque_without_number = st.builds(lambda a, k: {"key": k, "means": "cheque", "amount": a}, amount, key)
    not_an_amount = st.builds(lambda a, m, k: {"key": k, "means": m, "amount": a, "reference": "1", "issuer": "x"},
                              st.sampled_from(NOT_NUMBERS + ["-5", "0", "0,00", "-0,01", "100000"]),
                              st.sampled_from(["cash", "cheque", "card"]), key)
    above_due = st.builds(lambda a, k: {"key": k, "means": "cash", "amount": a}, over, key)
    no_means = st.builds(lambda a, k: {"key": k, "means": "pigeon", "amount": a}, amount, key)
    payments = st.one_of(voucher_without_number, cheque_without_number, not_an_amount, above_due, no_means)
    on_account = st.just((reverse("accounts:on_account", args=[basket.pk]), {}))  # beyond the limit, no tick
    return st.one_of(payments.map(lambda data: (pay, data)), on_account)


def _bad_counts(distribution):
    url = reverse("accounts:cash_count", args=[distribution.pk])
    return st.one_of(
        st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2).map(
            lambda d: (url, {"counted-cash": str(d)})),  # differs from the records, no reason given
        st.sampled_from(NOT_NUMBERS + ["-3"]).map(lambda t: (url, {"counted-cash": t, "reason-cash": "x"})))


def _bad_member_payments(member, product_id, basket):
    """On the member's account page (coordinators), a sale from stock, and buttons refused by a rule."""
    url = reverse("accounts:member_payment", args=[member.pk])
    key = st.uuids().map(str)
    payments = st.builds(lambda a, m, k: (url, {"key": k, "means": m, "amount": a, "issuer": ""}),
                         st.sampled_from(NOT_NUMBERS + ["-1", "0"]), st.sampled_from(["cash", "transfer"]), key)
    voucher = st.builds(lambda k: (url, {"key": k, "means": "voucher", "amount": "5", "issuer": "CCAS"}), key)
    refund = st.builds(lambda a, k: (reverse("accounts:member_refund", args=[member.pk]),
                                     {"key": k, "means": "cash", "amount": a}),
                       st.sampled_from(NOT_NUMBERS + ["5", "1000"]), key)  # more than the credit: none
    stock = st.builds(lambda q: (reverse("distribution:add_from_stock", args=[basket.pk]),
                                 {"product": product_id, "quantity": q}),
                      st.sampled_from(NOT_NUMBERS + ["-1", "0", "3", "1000"]))  # the group has 2
    buttons = st.sampled_from([
        (reverse("distribution:close", args=[basket.distribution_id]), {"confirmed": "1", "early": "1"}),  # waiting
        (reverse("accounts:reopen", args=[basket.pk]), {}),  # still waiting: nothing to reopen
    ])
    return st.one_of(payments, voucher, refund, stock, buttons)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_refused_submissions_change_nothing(world, scene, client, data):
    day, lines, due = scene
    client.force_login(world.coordinator)
    before = snapshot()
    submissions = data.draw(st.lists(st.one_of(
        _bad_weights(lines), _bad_payments(day.jeanne_basket, due), _bad_counts(day.day),
        _bad_member_payments(day.jeanne, day.shop.lentils.pk, day.paul_basket)), min_size=1, max_size=5))
    for url, payload in submissions:
        response = client.post(url, payload)
        assert response.status_code == 422, (url, payload, response.status_code)
        if "amount" in payload and payload.get("means") in ("cash", "cheque", "card", "voucher"):
            assert payload["amount"] in response.content.decode()  # what was typed is on the page again
        assert snapshot() == before, (url, payload)
    assert snapshot() == before


def test_the_proof_can_fail_a_valid_payment_changes_the_snapshot(world, scene, client):
    day, _lines, due = scene
    client.force_login(world.coordinator)
    before = snapshot()
    response = client.post(reverse("accounts:pay", args=[day.jeanne_basket.pk]),
                           {"key": str(uuid.uuid4()), "means": "cash", "amount": str(due)})
    assert response.status_code == 302 and snapshot() != before
