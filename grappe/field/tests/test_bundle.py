"""The day's bundle: what the van needs, and nothing a volunteer may not see."""

import json

import pytest
from django.utils import timezone

from grappe.field import services
from grappe.field.tests.factories import make_tour_day
from grappe.members.models import Member, Referral

pytestmark = pytest.mark.django_db

SECRET_KEYS = {"category", "priority_basis", "basis", "basis_date", "basis_partner", "income", "referral",
               "review_date", "referrer", "partner"}


def keys_of(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


@pytest.fixture
def bundle(world):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    priority = tour.members[1]
    Member.objects.filter(pk=priority.pk).update(priority_basis=Member.PriorityBasis.REFERRAL,
                                                 basis_partner=world.partner)
    Referral.objects.create(association=world.association, partner=world.partner, group=tour.group,
                            household_name="H. F.", persons=2, code="SECRET42", member=priority)
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="Tablette du camion",
                                           by=world.volunteer, now=now)
    return tour, services.hand_bundle(device=device, now=now)


def test_the_bundle_never_names_a_category_its_basis_income_or_referral(world, bundle):
    _tour, data = bundle
    text = json.dumps(data, ensure_ascii=False)
    assert not SECRET_KEYS & set(keys_of(data))
    for value in [*Member.Category.values, *Member.PriorityBasis.values, "SECRET42", world.partner.name,
                  "prioritaire", "solidaire"]:
        assert f'"{value}"' not in text and value not in text.lower().split('"'), value


def test_the_bundle_holds_the_stops_in_order_with_their_baskets_and_the_vans_stock(bundle):
    tour, data = bundle
    assert data["day"] == tour.day.isoformat() and data["group"]["name"] == "VRAC mobile Test"
    assert [s["name"] for s in data["stops"]] == [site.name for site in tour.sites]
    assert [s["time"] for s in data["stops"]] == ["9 h 30 – 11 h", "11 h 30 – 12 h 30", "14 h – 15 h"]
    assert [len(s["baskets"]) for s in data["stops"]] == [2, 2, 2]
    first = data["stops"][0]["baskets"][0]
    assert first["member"] == {"number": tour.members[0].number, "name": "Étienne Müller",
                               "search": f"etienne muller {tour.members[0].number}", "phone_or_paper": True}
    assert first["status"] == "waiting" and len(first["stamp"]) == 64 and first["balance"] == "0.00"
    lentils = next(line for line in first["lines"] if line["name"] == "Lentilles vertes")
    assert lentils["allotted"] == "2.000" and lentils["served"] is None and lentils["weighed"] is True
    assert set(first["stock_prices"]) == {str(tour.apples.pk), str(tour.lentils.pk)}
    assert [m["code"] for m in data["means"]] == ["cash", "cheque", "voucher"]
    assert data["means"][0]["label"] == "Espèces"
    assert data["voucher_issuers"] == []  # none in the list yet
    assert {s["name"] for s in data["stock"]} == {"Pommes", "Lentilles vertes"}
    assert data["tolerance_percent"] == "10.00"


def test_the_bundle_reads_a_fixed_number_of_queries_whatever_the_baskets(world, django_assert_max_num_queries):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="T", by=world.volunteer, now=now)
    with django_assert_max_num_queries(26):  # 6 baskets; one query per basket would pass 30
        data = services.hand_bundle(device=device, now=now)
    assert sum(len(stop["baskets"]) for stop in data["stops"]) == 6
