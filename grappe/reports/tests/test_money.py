"""The money of the funder report: membership fees per means of payment and the solidarity fund month
by month, in the page, the PDF and the XLSX, and the fund consistent with the cycles' settlements."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from grappe.accounts.queries import settlement_report
from grappe.accounts.simulation import simulate
from grappe.members.models import Member
from grappe.members.services import record_membership
from grappe.network.models import Association
from grappe.orders.models import OrderCycle
from grappe.orders.tests.factories import make_member
from grappe.reports import queries
from grappe.reports.indicators import Period

pytestmark = pytest.mark.django_db


def figures_of(slug, period):
    association = Association.objects.get(slug=slug)
    return queries.figures(association=association, group_ids=list(association.groups.values_list("pk", flat=True)),
                           period=period)


@pytest.mark.parametrize("seed", [0, 5, 9])  # seeds whose association draws both tiers (+5 or +10 %, -10 %)
def test_the_funds_movements_over_a_period_are_the_settlements_tier_adjustments(seed):
    """A whole cycle run through the real services (priced with the association's tiers), settled: what
    the report counts into and out of the fund over the period is what the settlement page says."""
    result = simulate(groups=2, households=14, products=4, seed=seed)
    cycle = OrderCycle.objects.get(pk=result["cycle"])
    assert cycle.status == OrderCycle.Status.SETTLED
    settled = settlement_report(cycle).tier_adjustments
    assert f"{settled:.2f}" == result["tier_adjustments"]
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=40), today + dt.timedelta(days=40))
    figures = figures_of(result["association"], period)
    fund = figures["solidarity_fund"]
    assert fund["opening"] == D("0.00")  # nothing before the association's first cycle
    assert fund["in"] > 0 and fund["out"] < 0  # money really moved both ways
    assert fund["in"] + fund["out"] == fund["closing"] == settled
    assert sum(m["in"] + m["out"] for m in fund["months"]) == settled
    assert fund["months"][-1]["balance"] == settled
    assert (figures["turnover"]["solidarity_in"], -figures["turnover"]["solidarity_out"]) == (fund["in"], fund["out"])
    # the next period starts from that balance, with no movement of its own
    later = figures_of(result["association"], Period(period.end + dt.timedelta(days=1),
                                                      period.end + dt.timedelta(days=60)))["solidarity_fund"]
    assert later["opening"] == later["closing"] == settled and later["in"] == later["out"] == D("0.00")
    # split the period on the distribution's day: the first part ends where the second begins
    day = today + dt.timedelta(days=3)
    before = figures_of(result["association"], Period(period.start, day - dt.timedelta(days=1)))["solidarity_fund"]
    after = figures_of(result["association"], Period(day, period.end))["solidarity_fund"]
    assert before["closing"] == after["opening"] == D("0.00") and after["closing"] == settled


def test_fees_taken_at_the_checkout_count_by_their_means(world):
    """simulate_cycle --deferred-fees: the first fees are taken in cash at the checkout."""
    result = simulate(groups=1, households=8, products=3, seed=5, deferred_fees=3)
    today = timezone.localdate()
    fees = figures_of(result["association"], Period(today - dt.timedelta(days=5),
                                                    today + dt.timedelta(days=10)))["fees"]
    by_means = {row["means"]: (row["count"], row["amount"]) for row in fees["by_means"]}
    assert by_means["cash"] == (result["counts"]["fees"], D("1.00") * result["counts"]["fees"])
    assert by_means[""] == (5, D("5.00"))  # the simulation's other memberships are stored without their means
    assert fees["count"] == 5 + result["counts"]["fees"]


@pytest.fixture
def fees(world):
    """Memberships of the year paid by each means: 6 in cash (2 € each), 2 by cheque (10 €), 1 by transfer."""
    today = timezone.localdate()
    year = today.year
    for member in Member.objects.filter(association=world.association):
        member.memberships.all().delete()
    members = [make_member(world, name=f"Foyer Cotisant {i}") for i in range(9)]
    for member, (fee, means) in zip(members, [(D("2"), "cash")] * 6 + [(D("10"), "cheque")] * 2
                                    + [(D("5"), "transfer")], strict=True):
        record_membership(member=member, by=world.admin, year=year, fee=fee, paid_on=today, means=means)
    return today


def period_query(today):
    return {"periode": "custom", "debut": (today - dt.timedelta(days=30)).isoformat(),
            "fin": (today + dt.timedelta(days=30)).isoformat()}


def test_the_funder_page_pdf_and_xlsx_show_fees_by_means_and_the_fund(world, client_for, fees):
    client = client_for(world.admin)
    query = period_query(fees)
    page = client.get(reverse("reports:funder"), query)
    html = page.content.decode()
    assert "Cotisations par moyen de paiement" in html and "Caisse de solidarité mois par mois" in html
    table = next(t for t in page.context["report"].tables if t.title == "Cotisations par moyen de paiement")
    rows = {row[0]: [str(cell) for cell in row[1:]] for row in table.rows}  # as the page prints them
    assert rows["espèces"] == ["6", "12,00\u00a0€"]
    assert rows["chèque"] == ["< 5", "20,00\u00a0€"]  # two households: masked for outside readers
    assert rows["virement"] == ["< 5", "5,00\u00a0€"] and rows["carte bancaire"] == ["0", "0,00\u00a0€"]
    assert rows["Total"] == ["9", "37,00\u00a0€"]
    assert "Les foyers solidaires paient un peu plus que le prix coûtant" in html  # how it is computed

    pdf = client.get(reverse("reports:funder_pdf"), query)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Cotisations par moyen de paiement" in text and "Caisse de solidarité mois par mois" in text
    assert "Solde au début de la période" in text

    book = load_workbook(io.BytesIO(client.get(reverse("reports:funder_xlsx"), query).content))
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    fee_rows = sheets["Cotisations par moyen"]
    assert fee_rows[0] == ("Moyen de paiement", "Nombre", "Montant")
    assert ("espèces", 6, 12) in fee_rows and ("chèque", "< 5", 20) in fee_rows  # numbers, a masked count as text
    fund_rows = sheets["Caisse de solidarité"]
    assert fund_rows[1][0] == "Solde au début de la période"
    assert fund_rows[-1][0].startswith("Les foyers solidaires")  # the sentence saying how, under the table
