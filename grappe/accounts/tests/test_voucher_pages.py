"""The food-voucher pages: issuers, vouchers received, claims and their documents; the till's warning."""

import datetime as dt
import io
import uuid
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from grappe.accounts import services, vouchers
from grappe.accounts.models import Entry, Means, Voucher, VoucherClaim, VoucherIssuer
from grappe.accounts.tests.factories import issuer
from grappe.distribution.tests.factories import make_day
from grappe.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def at(day, month=11):
    return dt.datetime(2026, month, day, 17, 0, tzinfo=dt.UTC)


def pay(member, number, name="CCAS de Romans", value="5.00", now=None):
    return services.record_payment(member=member, amount=D(value), means=Means.VOUCHER, reference=number, issuer=name,
                                   by=None, key=uuid.uuid4(), now=now or at(10))


def test_a_coordinator_adds_an_issuer_and_a_folded_twin_comes_back_as_typed(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("accounts:voucher_issuers")
    response = client.post(url, {"name": "CCAS de Romans", "kind": "ccas", "address": "Place Jules Nadi",
                                 "active": "on"})
    assert response.status_code == 302
    response = client.post(url, {"name": "ccas  de ROMANS", "kind": "other", "contact": "Mme Roux"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "déjà dans la liste" in page and 'value="ccas  de ROMANS"' in page and 'value="Mme Roux"' in page
    assert list(VoucherIssuer.objects.values_list("name", flat=True)) == ["CCAS de Romans"]
    ccas = VoucherIssuer.objects.get()
    response = client.post(reverse("accounts:voucher_issuer", args=[ccas.pk]),
                           {"name": "CCAS de Romans-sur-Isère", "kind": "ccas"})  # "active" unticked
    assert response.status_code == 302
    ccas.refresh_from_db()
    assert (ccas.name, ccas.active) == ("CCAS de Romans-sur-Isère", False)
    assert client_for(world.volunteer).get(url).status_code == 404


def test_the_checkout_offers_the_active_issuers_and_warns_of_a_number_seen_twice(world, client_for):
    day = make_day(world)
    ccas = issuer(world.association, "CCAS de Romans")
    issuer(world.association, "Ancien dispositif", active=False)
    issuer(world.elsewhere, "CCAS lointain")
    pay(day.paul, "BA-118")
    client = client_for(world.volunteer)
    services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    page = client.get(reverse("accounts:checkout", args=[day.jeanne_basket.pk])).content.decode()
    assert "CCAS de Romans" in page and "Ancien dispositif" not in page and "CCAS lointain" not in page
    response = client.post(reverse("accounts:pay", args=[day.jeanne_basket.pk]),
                           {"key": str(uuid.uuid4()), "means": "voucher", "amount": "5,00", "reference": "ba 118",
                            "issuer": ccas.pk}, follow=True)
    page = response.content.decode()
    assert "déjà été reçu" in page and f"adhérent n°\u00a0{day.paul.number}" in page
    entry = Entry.objects.get(member=day.jeanne, means=Means.VOUCHER)
    assert entry.voucher.issuer == ccas and entry.issuer == "CCAS de Romans"


def test_the_vouchers_page_flags_duplicates_and_a_coordinator_sees_only_her_groups(world, client_for):
    issuer(world.association, "CCAS de Romans")
    die_member = MemberFactory(association=world.association, group=world.other_group)
    pay(world.member, "A-1")
    pay(die_member, "a1")
    pay(world.member, "A-2", now=at(20))
    admin_page = client_for(world.admin).get(reverse("accounts:vouchers")).content.decode()
    assert admin_page.count("numéro déjà vu") == 2 and "3 bons" in admin_page
    coordinator = client_for(world.coordinator)
    page = coordinator.get(reverse("accounts:vouchers"), {"debut": "2026-11-01", "fin": "2026-11-15"}).content.decode()
    assert "A-1" in page and "A-2" not in page and f"<td>{die_member.number}</td>" not in page
    assert coordinator.get(reverse("accounts:voucher_claims")).status_code == 404


def test_prepare_a_claim_shows_what_it_takes_then_confirms(world, client_for):
    ccas = issuer(world.association, "CCAS de Romans")
    pay(world.member, "A-1", now=at(3))
    pay(world.member, "A-2", value="10.00", now=at(12))
    client = client_for(world.admin)
    url = reverse("accounts:voucher_claim_new")
    period = {"emetteur": ccas.pk, "debut": "2026-11-01", "fin": "2026-11-30"}
    preview = client.get(url, period)
    assert preview.status_code == 200 and "2 bons à réclamer" in preview.content.decode()
    assert not VoucherClaim.objects.exists()
    response = client.post(url, period)
    claim = VoucherClaim.objects.get()
    assert response.status_code == 302 and response.url == reverse("accounts:voucher_claim", args=[claim.pk])
    assert (claim.count, claim.total, claim.issued_by) == (2, D("15.00"), world.admin)
    again = client.post(url, period)  # nothing left to claim: refused, the form as typed
    assert again.status_code == 422 and "été réclamé" in again.content.decode()
    assert 'value="2026-11-01"' in again.content.decode()
    assert VoucherClaim.objects.count() == 1


def test_mark_reimbursed_refused_comes_back_as_typed_then_accepted(world, client_for):
    ccas = issuer(world.association, "CCAS de Romans")
    pay(world.member, "A-1", now=at(3))
    claim = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=None,
                                now=at(20))
    client = client_for(world.admin)
    url = reverse("accounts:voucher_claim_reimbursed", args=[claim.pk])
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"on": future, "bank_reference": "VIR CCAS 77"})
    assert response.status_code == 422
    assert "futur" in response.content.decode() and 'value="VIR CCAS 77"' in response.content.decode()
    response = client.post(url, {"on": timezone.localdate().isoformat(), "bank_reference": "VIR CCAS 77"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.bank_reference) == ("reimbursed", "VIR CCAS 77")
    assert client.post(reverse("accounts:voucher_claim_reopen", args=[claim.pk]), {"reopen-reason": ""}
                       ).status_code == 422
    assert client.post(reverse("accounts:voucher_claim_reopen", args=[claim.pk]),
                       {"reopen-reason": "virement d'un autre dispositif"}).status_code == 302
    assert client.post(reverse("accounts:voucher_claim_cancel", args=[claim.pk]), {"cancel-reason": "erreur"}
                       ).status_code == 302
    assert Voucher.objects.get().status == "received"


def test_the_claim_documents_list_the_vouchers_by_member_number_with_the_total(world, client_for):
    world.association.siret = "12345678900012"
    world.association.address = "1 rue des Halles\n26100 Romans-sur-Isère"
    world.association.save()
    ccas = issuer(world.association, "CCAS de Romans", address="Place Jules Nadi", scheme_reference="Convention 2026")
    pay(world.member, "=1+2", now=at(3))  # a number that looks like a formula
    pay(world.member, "BA-7", value="10.00", now=at(4))
    claim = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=None,
                                now=at(20))
    client = client_for(world.admin)
    response = client.get(reverse("accounts:voucher_claim_pdf", args=[claim.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("BR-2026-001", "12345678900012", "CCAS de Romans", "Convention 2026", "BA-7", "=1+2",
                     "15,00", "2 bons", str(world.member.number)):
        assert expected in text, expected
    assert world.member.name not in text  # the issuer gets member numbers, never names
    response = client.get(reverse("accounts:voucher_claim_xlsx", args=[claim.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    header = rows.index(("N° du bon", "Reçu le", "Numéro d’adhérent", "Valeur (€)"))
    body = rows[header + 1:]
    assert body[0][0] == "'=1+2" and body[0][2] == world.member.number and body[0][3] == 5
    assert body[1][0] == "BA-7" and body[1][3] == 10
    assert body[-1][0] == "Total" and body[-1][1] == "2 bons" and body[-1][3] == 15
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert not any(world.member.name in str(value) for row in rows for value in row)


def test_the_api_takes_an_issuer_by_its_folded_name_and_refuses_another_in_french(world, api):
    day = make_day(world)
    issuer(world.association, "CCAS de Romans")
    services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    path = f"/baskets/{day.jeanne_basket.pk}/payments"
    refused = api(world.volunteer, "post", path, {"key": str(uuid.uuid4()), "means": "voucher", "amount": "5.00",
                                                  "reference": "B-1", "issuer": "Secours populaire"})
    assert refused.status_code == 422 and "Secours populaire" in refused.json()["detail"]
    done = api(world.volunteer, "post", path, {"key": str(uuid.uuid4()), "means": "voucher", "amount": "5.00",
                                               "reference": "B-1", "issuer": "ccas DE romans"})
    assert done.status_code == 201 and done.json()["issuer"] == "CCAS de Romans"
    assert Voucher.objects.get().issuer.name == "CCAS de Romans"


def test_the_vouchers_and_claims_pages_cost_the_same_queries_for_more_rows(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ccas = issuer(world.association, "CCAS de Romans")
    client = client_for(world.admin)

    def cost(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pay(world.member, "A-1", now=at(1))
    first = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 1), by=None,
                                now=at(20))
    few = [cost(reverse("accounts:vouchers")), cost(reverse("accounts:voucher_claims")),
           cost(reverse("accounts:voucher_claim", args=[first.pk]))]
    for day in range(2, 8):
        pay(MemberFactory(association=world.association, group=world.group), f"A-{day}", now=at(day))
        pay(world.member, f"A-{day}", now=at(day))  # each number twice
        vouchers.open_claim(world.association, ccas, dt.date(2026, 11, day), dt.date(2026, 11, day), by=None,
                            now=at(20))
    many = [cost(reverse("accounts:vouchers")), cost(reverse("accounts:voucher_claims")),
            cost(reverse("accounts:voucher_claim", args=[VoucherClaim.objects.order_by("pk").last().pk]))]
    assert many == few
