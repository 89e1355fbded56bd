"""A van group with an adopted tour, built without the solver: three stops of the Diois on a known
four-week schedule (the villages' page, the posters, the route sheet, and the pages of other apps'
tests that need one). Not a fixture: tests call `make_van(...)`."""

from datetime import date, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

from grappe.network.models import BuyingGroup, Commune, Site
from grappe.tours import services
from grappe.tours.models import RunDay, RunStop, RunVisit, Scenario, ScenarioRun

# name, (insee, commune, lat, lon), address, contact, slots (week, weekday, arrival, departure), pause
STOPS = [
    ("Luc-en-Diois, place de la Mairie", ("26167", "Luc-en-Diois", "44.615600", "5.449700"),
     "Place de la Mairie, 26310 Luc-en-Diois", "Secrétariat de mairie, 04 75 00 00 01",
     [(week, 1, 9 * 60 + 30, 11 * 60) for week in range(4)], None),
    ("Châtillon-en-Diois", ("26086", "Châtillon-en-Diois", "44.727580", "5.527780"),
     "Place du Reclos", "",
     [(0, 1, 11 * 60 + 45, 13 * 60), (2, 1, 11 * 60 + 45, 13 * 60)], None),
    ("Lus-la-Croix-Haute", ("26168", "Lus-la-Croix-Haute", "44.682460", "5.723250"),
     "", "Salle des fêtes prêtée par la mairie",
     [(1, 3, 14 * 60, 15 * 60 + 30), (3, 3, 14 * 60, 15 * 60 + 30)], ((12, 15), (3, 15))),
]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def make_van(association, *, period_start: date, name="VRAC mobile Diois", status=BuyingGroup.Status.ACTIVE):
    """The group, its tour and its sites (`sites[stop name]`); the adopted run has the STOPS above."""
    group = BuyingGroup.objects.create(association=association, name=name, kind=BuyingGroup.Kind.MOBILE,
                                       status=status)
    communes = {}
    for _name, (insee, commune, lat, lon), *_rest in STOPS:
        communes[insee], _created = Commune.objects.get_or_create(
            insee=insee, defaults={"name": commune, "latitude": D(lat), "longitude": D(lon), "population": 500})
    die, _created = Commune.objects.get_or_create(
        insee="26113", defaults={"name": "Die", "latitude": D("44.748070"), "longitude": D("5.376900"),
                                 "population": 4844})
    scenario = Scenario.objects.create(association=association, group=group, name=f"Camion {name}", depot=die)
    run = ScenarioRun.objects.create(scenario=scenario)
    positions: dict = {}
    for stop_name, (insee, _commune, lat, lon), address, contact, slots, pause in STOPS:
        pause_dates = (date(2026, *pause[0]), date(2027, *pause[1])) if pause else (None, None)
        stop = RunStop.objects.create(run=run, name=stop_name, commune=communes[insee], latitude=D(lat),
                                      longitude=D(lon), address=address, contact=contact, frequency="weekly",
                                      service_minutes=90, pause_start=pause_dates[0], pause_end=pause_dates[1])
        for week, weekday, arrival, departure in slots:
            day, _created = RunDay.objects.get_or_create(run=run, week=week, weekday=weekday,
                                                         defaults={"km": D("80"), "minutes": 480})
            positions[day.pk] = positions.get(day.pk, 0) + 1
            RunVisit.objects.create(day=day, stop=stop, position=positions[day.pk], arrival=arrival,
                                    departure=departure)
    tour = services.adopt_run(run=run, group=group, period_start=period_start, by=None)
    sites = {site.name: site for site in Site.objects.filter(group=group, is_stop=True)}
    return SimpleNamespace(group=group, tour=tour, run=run, sites=sites, scenario=scenario)
