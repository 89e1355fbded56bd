"""Importing commune indicators: INSEE layouts, missing values, rows in error, nothing written on error."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from grappe.tours import indicators, services
from grappe.tours.models import Indicator, IndicatorValue

from .planner_fixtures import *  # noqa: F403  (fixtures)


def test_insee_counts_give_the_share_aged_75_and_secret_values_stay_missing():
    parsed = indicators.parse("CODGEO;LIBGEO;P21_POP75P;P21_POP;TP6021\n"
                              "26113;Die;968;4844;19,5\n26017;Aucelon;s;17;s\n")
    assert parsed.ok
    assert [c.key for c in parsed.columns] == ["aged_75_share", "poverty_rate"]
    die, aucelon = parsed.rows
    assert die.values["aged_75_share"] == pytest.approx(100 * 968 / 4844, abs=1e-4)
    assert die.values["poverty_rate"] == 19.5
    assert aucelon.values == {"poverty_rate": None, "aged_75_share": None}


def test_our_layout_with_a_named_indicator_and_a_dropped_leading_zero():
    parsed = indicators.parse("insee,nom,part_75,orientations,Médecins pour 1000 hab.\n1001,Abergement,12.5,nd,0.8\n")
    assert parsed.ok
    row = parsed.rows[0]
    assert row.code == "01001"
    assert row.values == {"aged_75_share": 12.5, "referrals": None, "medecins_pour_1000_hab": 0.8}
    assert parsed.columns[2].header == "Médecins pour 1000 hab." and not parsed.columns[2].known


def test_rows_in_error_say_why_in_french():
    parsed = indicators.parse("code_insee;part_75;taux_pauvrete\n26113;douze;12\n261;10;12\n26086;10;140\n"
                              "26167;-3;\n")
    with translation.override("fr"):
        reasons = {row.line: [services.describe_issue(i) for i in row.issues] for row in parsed.rows}
    assert "n'est pas un nombre" in reasons[2][0] and "douze" in reasons[2][0]
    assert "code commune INSEE" in reasons[3][0]
    assert "au-dessus de 100" in reasons[4][0] or "supérieure à 100" in reasons[4][0]
    assert "négati" in reasons[5][0]


def test_a_file_without_a_code_column_is_refused():
    parsed = indicators.parse("nom;part_75\nDie;12\n")
    assert [i.code for i in parsed.issues] == ["no_code_column"]


def test_nothing_is_written_when_a_row_has_an_error(world, diois):
    text = "insee;part_75\n26113;12,5\n26167;beaucoup\n26999;10\n"
    parsed = services.preview_indicators(text)
    assert [row.ok for row in parsed.rows] == [True, False, False]
    assert parsed.rows[2].issues[0].code == "unknown_commune"
    with pytest.raises(services.PlannerError):
        services.import_indicators(association=world.association, text=text, by=world.admin)
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()


def test_keeping_only_the_valid_rows_writes_them_and_a_second_import_updates(world, diois):
    text = "insee;part_75;distance_commerce\n26113;12,5;0\n26167;beaucoup;8\n26086;s;12\n"
    result = services.import_indicators(association=world.association, text=text, by=world.admin, keep_valid=True)
    assert (result.rows, result.skipped) == (2, 1)
    share = Indicator.objects.get(association=world.association, key="aged_75_share")
    assert dict(share.values.values_list("commune_id", "value")) == {"26113": Decimal("12.5"), "26086": None}
    services.import_indicators(association=world.association, text="insee;part_75\n26086;20\n", by=world.admin)
    assert share.values.get(commune_id="26086").value == 20


def test_the_import_page_previews_then_imports(world, diois, client_for):
    client = client_for(world.coordinator)
    upload = SimpleUploadedFile("ind.csv", b"CODGEO;P21_POP75P;P21_POP\n26113;968;4844\n26167;x;614\n")
    response = client.post("/mobile/indicateurs/", {"file": upload, "source": "INSEE RP 2021"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "26113" in body and "26167" in body and "row-error" in body
    assert not IndicatorValue.objects.exists()
    text = response.context["confirm"].initial["text"]
    response = client.post("/mobile/indicateurs/", {"text": text, "source": "INSEE RP 2021"})
    assert not IndicatorValue.objects.exists()
    response = client.post("/mobile/indicateurs/", {"text": text, "source": "INSEE RP 2021", "keep_valid": "on"})
    assert response.status_code == 302
    assert float(IndicatorValue.objects.get(commune_id="26113").value) == pytest.approx(19.9835, abs=1e-3)
