"""A member's billing details (what invoices name as the buyer): a structure's SIRET checked as INSEE does,
a public body for Chorus Pro, a household with an address only; edited by coordinators on the member's
page, refused forms shown again as typed (422); erasure forgets the address."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from grappe.core.errors import DomainError
from grappe.members import services
from grappe.members.models import AuditEntry, Member
from grappe.members.siret import is_valid_siret, luhn_ok
from grappe.members.tests.factories import MemberFactory

VALID = "21260281900014"


@pytest.mark.parametrize(("value", "valid"), [
    (VALID, True), ("73282932000074", True), ("212 602 819 00014", True),
    ("21260281900016", False), ("2126028190001", False), ("212602819000140", False), ("2126028190001A", False),
    ("٢١٢٦٠٢٨١٩٠٠٠١٤", False),  # Arabic-Indic digits: Python reads them, nobody can check them
    ("35600000000048", True),  # La Poste: its digits add up to a multiple of 5, not Luhn
    ("35600000000049", False),
])
def test_a_siret_is_14_digits_passing_the_luhn_check(value, valid):
    assert is_valid_siret(value) is valid


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_exactly_one_last_digit_completes_any_13_digits(prefix):
    assert sum(luhn_ok(prefix + str(digit)) for digit in range(10)) == 1


def form(**fields):
    data = {"kind": "structure", "name": "CCAS de Romans", "first_name": "", "adults": 1, "children": 0,
            "phone": "0475000000", "email": "", "preferred_channel": "call", "commune": "", "stop": "",
            "billing_address": "Place Jean Jaurès\n26100 Romans", "siret": VALID, "chorus_service_code": "",
            **fields}
    return {f"m-{k}": v for k, v in data.items() if v is not False}


@pytest.fixture
def ccas(world):
    return MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE,
                         name="CCAS de Romans")


def test_a_coordinator_records_the_billing_details_of_a_public_body(world, ccas, client_for):
    response = client_for(world.coordinator).post(reverse("members:edit", args=[ccas.pk]), form(
        siret="212 602 819 00014", public_body="on", chorus_service_code="JEUNESSE"))
    assert response.status_code == 302
    ccas.refresh_from_db()
    assert (ccas.siret, ccas.public_body, ccas.chorus_service_code, ccas.billing_address) == (
        VALID, True, "JEUNESSE", "Place Jean Jaurès\n26100 Romans")
    audit = AuditEntry.objects.filter(member=ccas, action=AuditEntry.Action.CHANGED).get()
    assert {"siret", "public_body", "chorus_service_code", "billing_address"} <= set(audit.fields)
    page = client_for(world.coordinator).get(reverse("members:edit", args=[ccas.pk])).content.decode()
    assert "Facturation" in page and VALID in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"siret": "212 602 819 00016"}, "siret", "Ce SIRET n’est pas valable"),
    ({"siret": "", "public_body": "on"}, "siret", "Chorus Pro demande le SIRET"),
    ({"kind": "household", "siret": VALID}, "siret", "Un foyer n’a pas de SIRET"),
    ({"kind": "household", "siret": "", "public_body": "on"}, "public_body", "Seule une structure"),
])
def test_a_refused_billing_form_comes_back_as_typed(world, ccas, client_for, fields, field, message):
    response = client_for(world.coordinator).post(reverse("members:edit", args=[ccas.pk]),
                                                  form(chorus_service_code="", **fields))
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    page = response.content.decode()
    assert "Place Jean Jaurès\n26100 Romans" in page
    if fields.get("siret"):
        assert f'value="{fields["siret"]}"' in page
    ccas.refresh_from_db()
    assert ccas.siret == "" and ccas.billing_address == ""


def test_volunteers_do_not_edit_billing_details(world, ccas, client_for):
    assert client_for(world.volunteer).post(reverse("members:edit", args=[ccas.pk]), form()).status_code == 404


def test_the_service_has_the_last_word_and_the_database_a_constraint(world, ccas):
    with pytest.raises(DomainError):
        services.update_member(member=ccas, by=world.coordinator, siret="21260281900016")
    with pytest.raises(DomainError):
        services.update_member(member=world.member, by=world.coordinator, siret=VALID)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=world.member.pk).update(public_body=True)


def test_erasure_forgets_the_billing_address(world):
    services.update_member(member=world.member, by=world.coordinator, billing_address="2 rue Haute\n26100 Romans")
    services.erase_member(member=world.member, by=world.coordinator)
    world.member.refresh_from_db()
    assert world.member.billing_address == ""
