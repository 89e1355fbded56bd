"""A planner that cannot mislead: a stop it cannot place counts in no figure and is explained; a commune a
fixed site already serves is not counted again."""

from datetime import time

import pytest
from django.utils import translation

from grappe.tours import services
from grappe.tours.models import ScenarioRun, unplaced_reason

from .planner_fixtures import *  # noqa: F403  (fixtures)

HEADLINE = ("covered_weight", "total_weight", "covered_population", "total_population", "households", "km_month",
            "hours_month", "cost_month", "cost_per_household", "covered_communes")


def only(scenario, *insee):
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.update(excluded=False)
    scenario.candidates.exclude(commune_id__in=insee).update(excluded=True)


def run(scenario, world) -> ScenarioRun:
    return services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)


def test_an_unplaced_stop_never_enters_the_headline_figures(scenario, world):
    """Reference: the same scenario in which the unplaced stop was never a candidate."""
    scenario.max_stops = 2
    scenario.save()
    only(scenario, "26178")  # Menglon alone
    alone = run(scenario, world)
    assert [s.name for s in alone.stops.all()] == ["Menglon"] and alone.unassigned == []

    only(scenario, "26178", "26168")  # and Lus-la-Croix-Haute, open only in the evening: never placed
    scenario.candidates.filter(commune_id="26168").update(window_start=time(19, 0), window_end=time(20, 0))
    both = run(scenario, world)
    assert sorted(s.name for s in both.stops.all()) == ["Lus-la-Croix-Haute", "Menglon"]
    assert both.unassigned == [{"name": "Lus-la-Croix-Haute", "code": "window"}]
    assert "26168" not in both.covered_communes
    for figure in HEADLINE:
        assert getattr(both, figure) == getattr(alone, figure), figure
    assert both.placed_stop_count == 1 and not both.feasible
    lus = both.stops.get(name="Lus-la-Croix-Haute")
    assert not lus.visits.exists() and lus.covered_population == 0


def test_the_reason_of_an_unplaced_stop_is_said_in_french():
    row = {"name": "Col", "code": "no_room", "week": 2, "weekday": 1}
    with translation.override("fr"):
        assert unplaced_reason(row) == "pas de place un jour ouvré\u00a0: conflit la semaine 2, le mardi"
        assert unplaced_reason({"name": "Col", "code": "window"}) == (
            "ses horaires ne tiennent pas dans la journée de travail")


@pytest.mark.parametrize("code", ["capacity", "day_length", "window", "no_room", "paused"])
def test_every_reason_code_has_words(code):
    with translation.override("fr"):
        assert unplaced_reason({"name": "x", "code": code}) != code


def test_a_commune_a_fixed_site_serves_is_not_counted_again(scenario, world):
    """The fixture's room in Die belongs to a fixed group: a van stop in Die covers only its neighbours."""
    only(scenario, "26113")
    result = run(scenario, world)
    assert "26113" not in result.covered_communes
    assert result.fixed_served == ["Die"]
    assert result.total_population == sum(c.population for c in scenario.depot.__class__.objects.exclude(
        insee="26113"))


def test_the_route_sheet_gives_each_stop_its_address_coordinates_and_map_link(scenario, world, mobile_group,
                                                                              client_for):
    import re
    from datetime import date
    from io import BytesIO

    from pypdf import PdfReader

    from grappe.tours.models import Tour

    only(scenario, "26168")
    result = run(scenario, world)
    services.adopt_run(run=result, group=mobile_group, period_start=date(2026, 4, 6), by=world.admin)
    site = mobile_group.sites.get()
    site.address = "Place de la Mairie"
    site.save()
    day = next(d for d in Tour.objects.get(group=mobile_group).run.days.all() if d.week == 0)
    response = client_for(world.admin).get(
        f"/mobile/tournees/{mobile_group.pk}/{date(2026, 4, 6 + day.weekday).isoformat()}/feuille.pdf")
    text = re.sub(r"\s+", " ", "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages))
    assert "Place de la Mairie, Lus-la-Croix-Haute" in text
    assert "GPS 44.68246, 5.72325" in text
    assert "openstreetmap.org/?mlat=44.68246&mlon=5.72325" in text.replace(" ", "")
