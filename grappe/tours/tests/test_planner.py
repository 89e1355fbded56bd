"""Scenarios end to end: need table, run (covering then four weeks of routes), pages, scoping, API."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from pypdf import PdfReader

from grappe.core.models import ApiToken
from grappe.members.tests.factories import MemberFactory
from grappe.network.models import Site
from grappe.tours import demo, queries, services
from grappe.tours.models import CandidateStop, Scenario, ScenarioRun, Tour

from .planner_fixtures import *  # noqa: F403  (fixtures)


def test_the_need_table_puts_the_farthest_communes_first(scenario):
    table = queries.need_table(scenario, weights={"distribution_km": 1})
    names = [row.commune.name for row in table.rows]
    assert names[0] == "Lus-la-Croix-Haute" and names[-1] == "Die"
    assert table.by_insee["26113"].values["distribution_km"] == 0
    assert table.by_insee["26113"].score.score == 0


def test_running_a_scenario_chooses_stops_and_plans_four_weeks(scenario, world):
    services.add_commune_candidates(scenario=scenario)
    run = services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    assert run.optimal and run.gap == pytest.approx(0)
    assert 1 <= run.stops.count() <= 3
    assert run.covered_weight <= run.total_weight + 1e-9
    assert run.households == (Decimal(run.covered_population) / Decimal("2.1")).quantize(Decimal("0.1"))
    days = list(run.days.all())
    assert days and all(d.week in range(4) and d.weekday in (1, 3) for d in days)
    for day in days:
        arrivals = [v.arrival for v in day.visits.all()]
        assert arrivals == sorted(arrivals) and arrivals[0] >= 8 * 60 and arrivals[-1] <= 17 * 60 + 30
    weekly = sum(1 for d in days for v in d.visits.all())
    assert weekly == 4 * run.stops.count()  # every stop weekly in this scenario
    assert run.km_month == sum(d.km for d in days)
    assert run.cost_month == (run.km_month * Decimal("0.45") + Decimal(sum(d.minutes for d in days)) / 60
                              * Decimal("24")).quantize(Decimal("0.01"))


def test_a_budget_of_van_hours_limits_the_stops(scenario, world):
    scenario.goal = Scenario.Goal.BUDGET
    scenario.hours_budget = Decimal("8")  # a weekly 90-minute stop costs 4 x (90 min + the drive from Die) >= 6 h
    scenario.save()
    run = services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    assert run.stops.count() == 1


def test_excluded_candidates_are_never_chosen(scenario, world):
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.exclude(commune_id="26178").update(excluded=True)
    run = services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    assert [s.name for s in run.stops.all()] == ["Menglon"]


def test_a_coordinator_creates_and_runs_a_scenario_through_the_pages(world, diois, client_for,
                                                                      django_capture_on_commit_callbacks):
    client = client_for(world.coordinator)
    response = client.post("/mobile/scenarios/nouveau/", {
        "name": "Essai", "epci": "CC du Diois", "other_communes": "", "reach_mode": "km", "reach": "10",
        "detour_factor": "1.4", "speed_kmh": "50", "goal": "stops", "max_stops": "2", "hours_budget": "60",
        "depot": "26113", "working_weekdays": ["1", "3"], "day_start": "08:00", "day_end": "17:30",
        "break_minutes": "45", "service_minutes": "90", "default_frequency": "fortnightly_odd", "capacity_kg": "800",
        "capacity_m3": "12", "basket_kg": "8", "uptake_percent": "5", "cost_per_km": "0.45", "cost_per_hour": "24",
        "household_size": "2.1", "period_start": "2026-04-06",
    })
    assert response.status_code == 302, response.context["form"].errors
    scenario = Scenario.objects.get(name="Essai")
    assert scenario.association == world.association and scenario.candidates.count() == 6
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once the request commits
        response = client.post(f"/mobile/scenarios/{scenario.pk}/calculer/")
    assert response.status_code == 302
    run = ScenarioRun.objects.get(scenario=scenario)
    page = client.get(f"/mobile/scenarios/{scenario.pk}/").content.decode()
    for stop in run.stops.all():
        assert stop.name in page
    assert 'id="planner-map-data"' in page
    assert client.get(f"/mobile/scenarios/{scenario.pk}/besoin/").status_code == 200


def test_weights_are_saved_and_shown(scenario, world, client_for):
    client = client_for(world.admin)
    response = client.post(f"/mobile/scenarios/{scenario.pk}/besoin/", {"distribution_km": "2.5"})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.weights["distribution_km"] == 2.5
    assert "2,5" in client.get(f"/mobile/scenarios/{scenario.pk}/besoin/").content.decode()


def test_a_stop_entered_by_hand_has_its_contact_and_opening_hours(scenario, world, client_for):
    client = client_for(world.admin)
    response = client.post(f"/mobile/scenarios/{scenario.pk}/arrets/", {
        "name": "Place de la mairie", "commune": "26167", "contact": "Mairie, 04 75 00 00 01",
        "service_minutes": "120", "frequency": "monthly", "window_start": "09:00", "window_end": "12:00"})
    assert response.status_code == 302
    stop = CandidateStop.objects.get(name="Place de la mairie")
    assert not stop.is_commune_centre and stop.latitude == Decimal("44.610350")


def test_adopting_a_run_makes_the_group_stops_and_prints_the_route_sheet(scenario, world, mobile_group, client_for):
    run = services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    client = client_for(world.admin)
    fields = {"group": mobile_group.pk, "period_start": "2026-04-06"}
    response = client.post(f"/mobile/scenarios/{scenario.pk}/adopter/", fields)
    assert response.status_code == 200 and not Tour.objects.filter(group=mobile_group).exists()  # asks first
    response = client.post(f"/mobile/scenarios/{scenario.pk}/adopter/", fields | {"step": "confirm"})
    assert response.status_code == 422 and not Tour.objects.filter(group=mobile_group).exists()  # no tick
    response = client.post(f"/mobile/scenarios/{scenario.pk}/adopter/", fields | {"step": "confirm", "confirm": "on"})
    assert response.status_code == 302
    tour = Tour.objects.get(group=mobile_group)
    sites = list(Site.objects.filter(group=mobile_group, is_stop=True))
    assert len(sites) == run.stops.count()
    MemberFactory(association=world.association, group=mobile_group, stop=sites[0])
    MemberFactory(association=world.association, group=mobile_group, stop=sites[0])
    assert queries.site_dates(sites[0], date(2026, 4, 6), date(2026, 4, 12))
    day = next(d for d in tour.run.days.all() if d.week == 0)
    when = date(2026, 4, 6 + day.weekday)
    response = client.get(f"/mobile/tournees/{mobile_group.pk}/{when.isoformat()}/feuille.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", re.sub(r"-\s+", "-", text))
    for visit in day.visits.all():
        assert visit.stop.name in text
        assert f"{visit.arrival // 60} h {visit.arrival % 60:02d}" in text
    assert "Feuille de route" in text
    assert client.get(f"/mobile/tournees/{mobile_group.pk}/").status_code == 200
    # no tour on a Sunday
    assert client.get(f"/mobile/tournees/{mobile_group.pk}/2026-04-12/feuille.pdf").status_code == 404


def test_outsiders_get_404_everywhere(scenario, world, mobile_group, client_for):
    run = services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    services.adopt_run(run=run, group=mobile_group, period_start=date(2026, 4, 6), by=world.admin)
    candidate = scenario.candidates.first()
    pk = scenario.pk
    pages = ["/mobile/", "/mobile/indicateurs/", "/mobile/comparer/", "/mobile/scenarios/nouveau/",
             f"/mobile/scenarios/{pk}/", f"/mobile/scenarios/{pk}/modifier/", f"/mobile/scenarios/{pk}/besoin/",
             f"/mobile/scenarios/{pk}/arrets/", f"/mobile/scenarios/{pk}/arrets/{candidate.pk}/",
             f"/mobile/tournees/{mobile_group.pk}/", f"/mobile/tournees/{mobile_group.pk}/2026-04-07/feuille.pdf"]
    posts = [f"/mobile/scenarios/{pk}/calculer/", f"/mobile/scenarios/{pk}/adopter/"]
    own_pages = pages[:4]  # an outsider sees their own association's planner, empty
    client = client_for(world.outsider)
    for url in pages[4:]:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert "Petit Diois" not in client.get(own_pages[0]).content.decode()
    for user in (world.member_user, world.referrer):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url).status_code == 404, (user, url)
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 1
    # a volunteer may print route sheets of their groups only, and never plans
    client = client_for(world.volunteer)
    assert client.get("/mobile/").status_code == 404
    assert client.get(f"/mobile/tournees/{mobile_group.pk}/").status_code == 404


def test_the_api_lists_scenarios_communes_and_runs_for_coordinators_only(scenario, world, client,
                                                                          django_capture_on_commit_callbacks):
    _token, key = ApiToken.create_for(world.admin, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/tours/scenarios", **auth).json()[0]["name"] == "Petit Diois"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/tours/scenarios/{scenario.pk}/run", **auth)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    job = client.get(f"/api/v1/tours/scenarios/{scenario.pk}/jobs/{response.json()['id']}", **auth).json()
    assert job["status"] == "done" and job["run_id"] == scenario.runs.get().pk
    assert client.get(f"/api/v1/tours/scenarios/{scenario.pk}", **auth).json()["latest_run"]["optimal"] is True
    detail = client.get(f"/api/v1/tours/scenarios/{scenario.pk}", **auth).json()
    assert detail["days"] and detail["days"][0]["visits"][0]["arrival"].count(":") == 1
    communes = client.get(f"/api/v1/tours/scenarios/{scenario.pk}/communes", **auth).json()
    assert {c["insee"] for c in communes} == {"26113", "26167", "26086", "26215", "26168", "26178"}
    _token, outsider_key = ApiToken.create_for(world.outsider, "x")
    other = {"HTTP_AUTHORIZATION": f"Bearer {outsider_key}"}
    assert client.get("/api/v1/tours/scenarios", **other).json() == []
    for url in (f"/api/v1/tours/scenarios/{scenario.pk}", f"/api/v1/tours/scenarios/{scenario.pk}/communes"):
        assert client.get(url, **other).status_code == 404
    assert client.post(f"/api/v1/tours/scenarios/{scenario.pk}/run", **other).status_code == 404
    assert client.get(f"/api/v1/tours/scenarios/{scenario.pk}/jobs/{job['id']}", **other).status_code == 404
    _token, volunteer_key = ApiToken.create_for(world.volunteer, "v")
    assert client.get("/api/v1/tours/scenarios", HTTP_AUTHORIZATION=f"Bearer {volunteer_key}").status_code == 404


def test_the_demo_is_idempotent(db):
    demo.load(StringIO())
    counts = (Scenario.objects.count(), ScenarioRun.objects.count(), CandidateStop.objects.count())
    demo.load(StringIO())
    assert counts == (Scenario.objects.count(), ScenarioRun.objects.count(), CandidateStop.objects.count())
    assert counts[0] == 2 and counts[1] == 2
    assert Scenario.objects.get(name__contains="6 arrêts").candidates.filter(is_commune_centre=True).count() == 50
