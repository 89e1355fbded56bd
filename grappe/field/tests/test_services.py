"""Applying what a device sends: in order, exactly once; refusals kept with their reason in French."""

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from django.utils import timezone

from grappe.accounts import services as account_services
from grappe.accounts.models import AccountSettings, Entry
from grappe.accounts.tests.factories import issuer
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, BasketLine, Distribution
from grappe.field import queries, services
from grappe.field.models import FieldDevice, FieldEntry
from grappe.field.tests.factories import make_tour_day
from grappe.network.access import scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def tour(world, now):
    return make_tour_day(world, now=now)


def prepare(world, tour, now, label="Tablette du camion"):
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label=label, by=world.volunteer, now=now)
    return device, services.hand_bundle(device=device, now=now)


def row_of(bundle, basket):
    return next(b for stop in bundle["stops"] for b in stop["baskets"] if b["id"] == basket.pk)


def entry(bundle, basket, kind, payload=None, at=None):
    return {"id": str(uuid.uuid4()), "kind": kind, "basket": basket.pk, "stamp": row_of(bundle, basket)["stamp"],
            "at": at, "payload": payload or {}}


def weights(basket, **by_name):
    return {"lines": {str(line.pk): by_name[line.product.reference.replace("-", "_")]
                      for line in basket.lines.select_related("product")
                      if line.product.reference.replace("-", "_") in by_name}}


def statuses(results):
    return [r["status"] for r in results]


def test_entries_are_applied_in_order_and_a_second_copy_changes_nothing(world, tour, now):
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[0]  # Étienne: 2 kg of lentils, 1 oil
    sent = [entry(bundle, basket, "served", weights(basket, T_LV="1.950")),
            entry(bundle, basket, "collected", {"lines": {}}),
            entry(bundle, basket, "payment", {"amount": "5.00", "means": "cash"})]
    results = services.apply_entries(device=device, entries=sent, now=now)
    assert statuses(results) == ["applied", "applied", "applied"]
    basket.refresh_from_db()
    assert basket.status == Basket.Status.COLLECTED
    lentils = BasketLine.objects.get(basket=basket, product=tour.lentils)
    assert lentils.served == D("1.950")
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.CHARGE).count() == 1
    assert Entry.objects.get(member=basket.member, kind=Entry.Kind.PAYMENT).idempotency_key == uuid.UUID(sent[2]["id"])
    assert results[2]["basket"]["status"] == "collected"
    before = (Entry.objects.count(), FieldEntry.objects.count(), BasketLine.objects.filter(basket=basket).count())
    again = services.apply_entries(device=device, entries=sent, now=now + dt.timedelta(minutes=5))
    assert statuses(again) == ["duplicate", "duplicate", "duplicate"]
    assert [r["first"] for r in again] == ["applied"] * 3
    assert "rien n’a changé" in again[0]["message"] or "rien n'a changé" in again[0]["message"]
    assert (Entry.objects.count(), FieldEntry.objects.count(),
            BasketLine.objects.filter(basket=basket).count()) == before


def test_a_payment_split_in_three_means_including_a_voucher(world, tour, now):
    issuer(world.association, "CCAS de Die")
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[1]
    results = services.apply_entries(device=device, entries=[
        entry(bundle, basket, "collected", {"lines": {}}),
        entry(bundle, basket, "payment", {"amount": "5.00", "means": "cash"}),
        entry(bundle, basket, "payment", {"amount": "4.00", "means": "cheque", "reference": "0012345"}),
        entry(bundle, basket, "payment", {"amount": "3.00", "means": "voucher", "issuer": "ccas de  die",
                                          "reference": "BA-2026-118"}),
    ], now=now)
    assert statuses(results) == ["applied"] * 4
    payments = Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).order_by("amount")
    assert [(p.means, p.amount) for p in payments] == [("voucher", D("3.00")), ("cheque", D("4.00")),
                                                       ("cash", D("5.00"))]
    voucher = payments[0]
    assert (voucher.issuer, voucher.reference, voucher.voucher_value) == ("CCAS de Die", "BA-2026-118", D("3.00"))
    assert all(p.distribution_id == basket.distribution_id for p in payments)
    assert (voucher.voucher.issuer.name, voucher.voucher.distribution_id) == ("CCAS de Die", basket.distribution_id)


def test_a_voucher_of_an_issuer_not_in_the_list_is_refused_and_kept_for_the_coordinators(world, tour, now):
    issuer(world.association, "CCAS de Die")
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[1]
    results = services.apply_entries(device=device, entries=[
        entry(bundle, basket, "collected", {"lines": {}}),
        entry(bundle, basket, "payment", {"amount": "3.00", "means": "voucher", "issuer": "Secours populaire",
                                          "reference": "SP-1"}),
    ], now=now)
    assert statuses(results) == ["applied", "refused"]
    assert "Secours populaire" in results[1]["message"]
    assert not Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).exists()


def test_a_voucher_without_its_issuer_is_refused_in_french_and_kept_for_the_coordinators(world, tour, now):
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[1]
    results = services.apply_entries(device=device, entries=[
        entry(bundle, basket, "collected", {"lines": {}}),
        entry(bundle, basket, "payment", {"amount": "3.00", "means": "voucher", "reference": "BA-1"}),
    ], now=now)
    assert statuses(results) == ["applied", "refused"]
    assert "émetteur" in results[1]["message"]
    refused = queries.refused_for(scope_for(world.coordinator))
    assert [str(e.pk) for e in refused] == [results[1]["id"]]
    assert refused[0].reason == results[1]["message"]
    assert not Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).exists()


def test_two_devices_on_one_basket_never_charge_it_twice(world, tour, now):
    first, bundle_a = prepare(world, tour, now, "Tablette")
    second, bundle_b = prepare(world, tour, now, "Téléphone de Léa")
    basket = tour.baskets[2]
    a = services.apply_entries(device=first, entries=[
        entry(bundle_a, basket, "collected", {"lines": {}}),
        entry(bundle_a, basket, "payment", {"amount": "4.00", "means": "cash"})], now=now)
    b = services.apply_entries(device=second, entries=[
        entry(bundle_b, basket, "collected", {"lines": {}}),
        entry(bundle_b, basket, "payment", {"amount": "4.00", "means": "cash"})], now=now)
    assert statuses(a) == ["applied", "applied"]
    assert statuses(b) == ["refused", "refused"]
    assert "modifié" in b[0]["message"]
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.CHARGE).count() == 1
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).count() == 1
    listed = queries.refused_for(scope_for(world.coordinator))
    assert {e.device_id for e in listed} == {second.pk} and listed.count() == 2
    assert b[1]["basket"]["status"] == "collected"  # the device learns what the basket is now


def test_a_basket_reopened_on_the_server_meanwhile_goes_to_the_coordinators(world, tour, now):
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[3]
    account_services.collect_basket(basket=basket, by=world.coordinator, now=now)
    account_services.reopen_basket(basket=Basket.objects.get(pk=basket.pk), by=world.coordinator, now=now)
    results = services.apply_entries(device=device, entries=[
        entry(bundle, basket, "served", weights(basket, T_LV="3.5")),
        entry(bundle, basket, "collected", {"lines": {}})], now=now)
    assert statuses(results) == ["refused", "refused"]
    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.WAITING
    assert queries.refused_for(scope_for(world.coordinator)).count() == 2


def test_an_entry_made_before_the_bundle_was_fetched_again_stays_stale(world, tour, now):
    device, old = prepare(world, tour, now)
    basket = tour.baskets[3]
    distribution_services.record_served(basket=basket, served={str(basket.lines.first().pk): "1"},
                                        by=world.coordinator, now=now)
    fresh = services.hand_bundle(device=device, now=now)
    results = services.apply_entries(device=device, entries=[
        entry(old, basket, "not_collected"), entry(fresh, basket, "not_collected")], now=now)
    assert statuses(results) == ["refused", "applied"]


def test_a_closed_distribution_takes_nothing_more(world, tour, now):
    device, bundle = prepare(world, tour, now)
    distribution = tour.distributions[2]
    for basket in Basket.objects.filter(distribution=distribution):
        distribution_services.mark_not_collected(basket=basket, by=world.coordinator, now=now)
    distribution_services.close_distribution(distribution=distribution, by=world.coordinator, now=now)
    basket = tour.baskets[4]
    assert basket.distribution_id == distribution.pk
    results = services.apply_entries(device=device, entries=[entry(bundle, basket, "payment",
                                                                   {"amount": "2", "means": "cash",
                                                                    "advance": True})], now=now)
    assert statuses(results) == ["refused"]
    assert "close" in results[0]["message"]


def test_stock_sold_out_by_an_earlier_sale_is_refused(world, tour, now):
    device, bundle = prepare(world, tour, now)
    assert {s["name"]: s["quantity"] for s in bundle["stock"]} == {"Lentilles vertes": "3.000", "Pommes": "5.000"}
    results = services.apply_entries(device=device, entries=[
        entry(bundle, tour.baskets[0], "stock_sale", {"product": tour.apples.pk, "quantity": "4.000"}),
        entry(bundle, tour.baskets[1], "stock_sale", {"product": tour.apples.pk, "quantity": "1.500"})], now=now)
    assert statuses(results) == ["applied", "refused"]
    assert "stock" in results[1]["message"]
    assert BasketLine.objects.filter(from_stock=True).count() == 1


def test_not_collected_and_on_account_within_the_limit(world, tour, now):
    AccountSettings.objects.update_or_create(association=world.association, defaults={"negative_limit": D("60.00")})
    device, bundle = prepare(world, tour, now)
    absent, owing = tour.baskets[0], tour.baskets[5]
    results = services.apply_entries(device=device, entries=[
        entry(bundle, absent, "not_collected"),
        entry(bundle, owing, "collected", {"lines": {}}), entry(bundle, owing, "on_account")], now=now)
    assert statuses(results) == ["applied"] * 3
    assert Basket.objects.get(pk=absent.pk).status == Basket.Status.NOT_COLLECTED
    assert not Entry.objects.filter(member=absent.member).exists()
    assert bundle["negative_limit"] == "60.00"


def test_on_account_beyond_the_limit_needs_the_volunteers_confirmation(world, tour, now):
    AccountSettings.objects.update_or_create(association=world.association, defaults={"negative_limit": D("1.00")})
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[5]
    results = services.apply_entries(device=device, entries=[
        entry(bundle, basket, "collected", {"lines": {}}), entry(bundle, basket, "on_account"),
        entry(bundle, basket, "on_account", {"confirmed": True})], now=now)
    assert statuses(results) == ["applied", "refused", "applied"]
    assert "limite" in results[1]["message"]


def test_unreadable_or_unbounded_input_is_refused_in_french_never_a_crash(world, tour, now):
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[0]
    bad = [
        entry(bundle, basket, "payment", {"amount": "NaN", "means": "cash"}),
        entry(bundle, basket, "payment", {"amount": "1e999", "means": "cash"}),
        entry(bundle, basket, "payment", {"amount": "-3", "means": "cash"}),
        entry(bundle, basket, "payment", {"amount": 12.5, "means": "cash"}),
        entry(bundle, basket, "payment", {"amount": "3", "means": "bitcoin"}),
        entry(bundle, basket, "served", {"lines": {"abc": "1"}}),
        entry(bundle, basket, "served", {"lines": {str(basket.lines.first().pk): "99999999"}}),
        entry(bundle, basket, "stock_sale", {"product": "12", "quantity": "1"}),
        entry(bundle, basket, "payment", {"amount": "3", "means": "cash", "reference": "x" * 500}),
        entry(bundle, basket, "teleport"),
        {**entry(bundle, basket, "not_collected"), "basket": 10**9},
        {**entry(bundle, basket, "not_collected"), "id": "not-a-uuid"},
        "just a string",
    ]
    results = services.apply_entries(device=device, entries=bad, now=now)
    assert statuses(results) == ["refused"] * len(bad)
    assert all(result["message"] for result in results)
    assert results[0]["message"] == "Le montant n’est pas un nombre supérieur à zéro." or "montant" in results[0]["message"]
    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.WAITING
    assert not Entry.objects.filter(member=basket.member).exists()
    # the ten with a readable id are kept for the coordinators (the last three cannot be keyed)
    assert FieldEntry.objects.filter(status="refused").count() == 11


def test_a_basket_of_another_association_is_not_part_of_the_day(world, tour, now):
    device, bundle = prepare(world, tour, now)
    result = services.apply_entries(device=device, entries=[
        {"id": str(uuid.uuid4()), "kind": "not_collected", "basket": Basket.objects.exclude(
            distribution__group=tour.group).values_list("pk", flat=True).first() or 999999, "stamp": "x"}], now=now)
    assert statuses(result) == ["refused"]
    assert "tournée" in result[0]["message"]


def test_a_revoked_device_applies_nothing(world, tour, now):
    device, bundle = prepare(world, tour, now)
    services.revoke_device(device=device, by=world.coordinator, now=now)
    with pytest.raises(services.DeviceClosed):
        services.apply_entries(device=device, entries=[entry(bundle, tour.baskets[0], "not_collected")], now=now)
    assert not FieldEntry.objects.exists()
    with pytest.raises(services.FieldError):
        services.revoke_device(device=device, by=world.coordinator, now=now)


def test_finishing_the_day_stops_the_token(world, tour, now):
    device, _bundle = prepare(world, tour, now)
    services.finish_device(device=device, now=now)
    assert FieldDevice.objects.get(pk=device.pk).status == FieldDevice.Status.FINISHED
    with pytest.raises(services.DeviceClosed):
        services.finish_device(device=device, now=now)


def test_preparing_needs_a_van_day_and_a_name(world, tour, now):
    with pytest.raises(services.FieldError):
        services.prepare_device(group=tour.group, day=tour.day, label="  ", by=world.volunteer, now=now)
    with pytest.raises(services.FieldError):
        services.prepare_device(group=tour.group, day=tour.day + dt.timedelta(days=1), label="T",
                                by=world.volunteer, now=now)
    with pytest.raises(services.FieldError):
        services.prepare_device(group=world.group, day=tour.day, label="T", by=world.volunteer, now=now)
    device, key = services.prepare_device(group=tour.group, day=tour.day, label="T", by=world.volunteer, now=now)
    assert key.startswith("fld_") and key not in device.key_hash and device.key_hash == FieldDevice.hash_key(key)


def test_a_refused_entry_is_handled_once(world, tour, now):
    device, bundle = prepare(world, tour, now)
    result = services.apply_entries(device=device, entries=[
        entry(bundle, tour.baskets[0], "payment", {"amount": "3", "means": "bitcoin"})], now=now)
    found = FieldEntry.objects.get(pk=result[0]["id"])
    services.mark_handled(entry=found, by=world.coordinator, note="Rappelé Étienne", now=now)
    found.refresh_from_db()
    assert (found.handled_by, found.handled_note) == (world.coordinator, "Rappelé Étienne")
    assert not queries.refused_for(scope_for(world.coordinator)).exists()
    with pytest.raises(services.FieldError):
        services.mark_handled(entry=found, by=world.coordinator, now=now)


def test_entries_take_the_devices_time_when_plausible(world, tour, now):
    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[0]
    at = now + dt.timedelta(minutes=10)
    services.apply_entries(device=device, entries=[entry(bundle, basket, "not_collected", at=at.isoformat())],
                           now=now + dt.timedelta(hours=2))
    assert Basket.objects.get(pk=basket.pk).changed_at == at
    assert Distribution.objects.filter(group=tour.group).count() == 3


def test_erasing_a_member_forgets_what_the_devices_entered_for_her(world, tour, now):
    from grappe.members.services import erase_member

    device, bundle = prepare(world, tour, now)
    basket = tour.baskets[0]
    services.apply_entries(device=device, entries=[
        entry(bundle, basket, "payment", {"amount": "3", "means": "voucher", "issuer": "CCAS", "reference": "X"})],
        now=now)
    assert FieldEntry.objects.get().payload["reference"] == "X"
    erase_member(member=basket.member, by=world.admin)
    found = FieldEntry.objects.get()
    assert found.payload == {} and found.status == "refused" and found.reason
