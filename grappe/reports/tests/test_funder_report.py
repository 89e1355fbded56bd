"""The funder report as a funder files it (issue 17): numbers in the XLSX, French dates and plurals, only the
van stops that were active, the association's context written by its admins, French ticks on the charts."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from grappe.network.tests.factories import CommuneFactory, SiteFactory
from grappe.orders.models import CycleGroup, CycleStop, OrderCycle
from grappe.reports import charts, indicators, queries, report
from grappe.reports.indicators import LineRow, MemberRow, Period
from grappe.reports.models import FunderText

from .test_views import period_query, shop  # noqa: F401 (a fixture)

NUMBER_TYPES = (int, float, D)


def query_string(query: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in query.items())


# --- the XLSX holds numbers --------------------------------------------------------------------

def test_the_funder_xlsx_holds_numbers_with_their_formats(world, client_for, shop):  # noqa: F811
    response = client_for(world.admin).get(reverse("reports:funder_xlsx"), period_query())
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0].value: row[1] for row in book.worksheets[0].iter_rows(min_row=2)}
    for label in ("Achats au prix coûtant", "Facturé aux foyers pour leurs paniers", "Cotisations reçues",
                  "Paniers non retirés", "Heures de bénévolat", "Part minimale demandée"):
        cell = summary[label]
        assert isinstance(cell.value, NUMBER_TYPES) and not isinstance(cell.value, bool), (label, cell.value)
        assert cell.data_type == "n" and cell.number_format != "General", (label, cell.number_format)
    assert summary["Achats au prix coûtant"].number_format == report.XLSX_EUROS
    assert summary["Part minimale demandée"].value == pytest.approx(0.70)  # 70 %, kept as a fraction
    assert summary["Part minimale demandée"].number_format == report.XLSX_PERCENT
    assert summary["Foyers adhérents (à la fin de la période)"].value == "< 5"  # a masked count stays text
    assert summary["Période"].value == report.period_label(Period(*(dt.date.fromisoformat(period_query()[k])
                                                                     for k in ("debut", "fin"))))
    fees = book["Cotisations par moyen"]
    totals = [row for row in fees.iter_rows(min_row=2) if row[0].value == "Total"][0]
    assert isinstance(totals[2].value, NUMBER_TYPES) and totals[2].number_format == report.XLSX_EUROS
    fund = book["Caisse de solidarité"]
    assert all(isinstance(row[3].value, NUMBER_TYPES) for row in fund.iter_rows(min_row=2, max_row=fund.max_row - 2))


def test_a_number_prints_its_french_text_and_keeps_its_value():
    with translation.override("fr"):
        amount, share, count = report.euros(D("12345.5")), report.pct(D("12.5")), report.num(1234)
        assert str(amount) == "12\u202f345,50\u00a0€" and amount.value == D("12345.5")
        assert f"{share}" == "12,5\u00a0%" and share.value == D("0.125")
        assert str(count) == "1\u202f234" and count.value == 1234
        assert report.num("< 5") == "< 5" and report.pct(None) == "—"
        assert str(report.signed_euros(D("-3.1"))) == "\u22123,10\u00a0€" and report.signed_euros(D("-3.1")).value < 0


# --- French dates and plurals --------------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "du 1er janvier au 31 décembre 2026"),
    (dt.date(2026, 3, 15), dt.date(2026, 4, 1), "du 15 mars au 1er avril 2026"),
    (dt.date(2025, 12, 1), dt.date(2026, 1, 31), "du 1er décembre 2025 au 31 janvier 2026"),
])
def test_the_period_is_written_in_french_with_1er(start, end, expected):
    with translation.override("fr"):
        assert report.period_label(Period(start, end)) == expected
    with translation.override("en"):
        assert report.period_label(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))) == \
            "from 1 January to 31 December 2026"


def test_the_pdf_says_the_year_in_french(world, client_for, shop):  # noqa: F811
    year = timezone.localdate().year
    response = client_for(world.admin).get(reverse("reports:funder_pdf"), {"periode": "this_year"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"du 1er janvier au 31 décembre {year}" in text


@pytest.mark.parametrize("count, expected", [
    (1, "1 créneau pourvu n'a pas d'horaires et n'est pas compté."),
    (3, "3 créneaux pourvus n'ont pas d'horaires et ne sont pas comptés."),
])
def test_plurals_follow_the_count(count, expected):
    with translation.override("fr"):
        assert report.volunteering_help({"slots_without_times": count}).endswith(expected)


def test_one_estimated_basket_is_singular():
    with translation.override("fr"):
        assert "Dont 1 compté d'après sa commande" in report.baskets_help({"estimated_baskets": 1})
        assert "Dont 2 comptés d'après les commandes" in report.baskets_help({"estimated_baskets": 2})


# --- only the van stops that were active ---------------------------------------------------------

def line(stop_id, day, member_id=1):
    return LineRow(member_id=member_id, cycle_id=1, day=day, family="fruit", unit="kg", quantity=D("1"),
                   unit_price=D("2.00"), unit_cost=D("2.00"), stop_id=stop_id)


def test_only_stops_visited_or_served_in_the_period_are_listed():
    period = Period.year(2026)
    names = {1: "Beaurières", 2: "Glandage", 3: "Lus-la-Croix-Haute", 4: "Jamais desservi"}
    members = [MemberRow(id=m, group_id=1, category="priority", persons=1, status="active",
                         joined_on=dt.date(2025, 1, 1), left_on=None, created_on=dt.date(2025, 1, 1), stop_id=stop)
               for m, stop in ((1, 1), (2, 2), (3, 4))]
    lines = [line(1, dt.date(2026, 5, 2)), line(3, dt.date(2026, 6, 1), member_id=2),
             line(4, dt.date(2025, 6, 1), member_id=3)]  # stop 4: served only before the period
    stops = indicators.van_stops(members, lines, period, names, visited={2})
    assert [s["stop"] for s in stops] == ["Beaurières", "Glandage", "Lus-la-Croix-Haute"]
    assert {s["stop"]: (s["households"], s["served"]) for s in stops} == {
        "Beaurières": (1, 1), "Glandage": (1, 0), "Lus-la-Croix-Haute": (0, 1)}
    figures = indicators.compute(members=members, referrals=[], fees=[], lines=lines, period=period,
                                 threshold=D("50"), stop_names=names, visited_stops={2},
                                 stop_communes={1: "Beaurières", 4: "Ailleurs"})
    assert figures["communes"]["names"] == ["Beaurières"]  # the never-served stop's commune is not reached


def test_visited_stops_come_from_final_cycles_in_the_period(world, shop):  # noqa: F811
    cycle_group = CycleGroup.objects.get(cycle=shop.cycle, group=world.group)
    commune = CommuneFactory(name="Beaurières")
    visited, later, unused = (SiteFactory(group=world.group, name=name, is_stop=True, commune=commune)
                              for name in ("Place de l'église", "Lavoir", "Parking"))
    day = cycle_group.distribution_date
    CycleStop.objects.create(cycle_group=cycle_group, site=visited, distribution_date=day)
    CycleStop.objects.create(cycle_group=cycle_group, site=later, distribution_date=day + dt.timedelta(days=90))
    period = Period(day - dt.timedelta(days=10), day + dt.timedelta(days=10))
    assert queries.visited_stops([world.group.pk], period) == {visited.pk}
    figures = queries.figures(association=world.association, group_ids=[world.group.pk], period=period)
    assert [s["stop"] for s in figures["van_stops"]] == ["Place de l'église"]
    assert unused.pk not in queries.visited_stops([world.group.pk], period)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(status=OrderCycle.Status.OPEN)  # orders not final yet
    assert queries.visited_stops([world.group.pk], period) == set()


# --- the association's context -------------------------------------------------------------------

def test_an_admin_writes_the_context_shown_first_in_the_pdf(world, client_for, shop):  # noqa: F811
    client = client_for(world.admin)
    query = period_query()
    page = client.get(reverse("reports:funder"), query)
    assert page.context["may_write"] and 'name="text"' in page.content.decode()
    response = client.post(reverse("reports:funder_text") + "?" + query_string(query),
                           {"text": "  Une année de lancement à Romans.\nAvec le CCAS.  "})
    assert response.status_code == 302
    assert FunderText.objects.get().text == "Une année de lancement à Romans.\nAvec le CCAS."
    pdf = client.get(reverse("reports:funder_pdf"), query)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert text.index("Contexte") < text.index("Une année de lancement") < text.index("Chiffres clés")


def test_a_context_too_long_is_refused_with_what_was_typed(world, client_for, shop):  # noqa: F811
    query = period_query()
    typed = "Trop long. " * 300
    response = client_for(world.admin).post(reverse("reports:funder_text") + "?" + query_string(query),
                                            {"text": typed})
    assert response.status_code == 422 and not FunderText.objects.exists()
    assert response.context["text_form"]["text"].value() == typed


def test_a_coordinator_reads_the_context_but_may_not_write_it(world, client_for, shop):  # noqa: F811
    query = period_query(perimetre=f"group:{world.group.pk}")
    start, end = (dt.date.fromisoformat(query[k]) for k in ("debut", "fin"))
    FunderText.objects.create(association=world.association, scope_key=f"group:{world.group.pk}", start=start,
                              end=end, text="Le mot du bureau.")
    client = client_for(world.coordinator)
    page = client.get(reverse("reports:funder"), query)
    html = page.content.decode()
    assert page.status_code == 200 and "Le mot du bureau." in html and 'name="text"' not in html
    refused = client.post(reverse("reports:funder_text") + "?" + query_string(query), {"text": "Autre chose"})
    assert refused.status_code == 404
    assert FunderText.objects.get().text == "Le mot du bureau."
    # "all my groups" is not the association-wide report the admins wrote for
    FunderText.objects.create(association=world.association, scope_key="all", start=start, end=end,
                              text="Pour toute l'association.")
    assert "Pour toute l'association." not in client.get(reverse("reports:funder"), period_query()).content.decode()


# --- charts: decimal commas on the axes ----------------------------------------------------------

def test_chart_axes_have_decimal_commas():
    svg = charts.bars(["janv.", "févr."], [D("1.5"), D("2.25")], title="Paniers")
    assert ">0,5<" in svg and ">1,5<" in svg and ">0.5<" not in svg
    assert charts._tick(1500.0) == "1\u202f500" and charts._tick(2.0) == "2"


def test_the_dashboard_notes_say_what_the_figures_count(world, client_for, shop):  # noqa: F811
    html = client_for(world.coordinator).get(reverse("reports:dashboard"), period_query()).content.decode()
    assert "Les heures de bénévolat ne sont pas comptées" not in html  # they are: each slot, start to end
