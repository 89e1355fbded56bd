"""Adopting a new run retires the group's old van stops: kept in the history, never a stop without a date,
their events moved or flagged, their members told when asked (how many, by which channel, first)."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from grappe.events.models import Event
from grappe.members.tests.factories import MemberFactory
from grappe.network.models import Site
from grappe.notify.models import OneOffMessage
from grappe.tours import services
from grappe.tours.models import RunStop, Tour

from .planner_fixtures import *  # noqa: F403  (fixtures)

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
START = date(2026, 4, 6)


def run_with(scenario, world, *insee):
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.update(excluded=False)
    scenario.candidates.exclude(commune_id__in=insee).update(excluded=True)
    return services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)


@pytest.fixture
def adopted(scenario, world, mobile_group):
    """The group runs a tour with two stops, Menglon and Lus-la-Croix-Haute; a member at each, an event at each."""
    scenario.max_stops = 2
    scenario.save()
    run = run_with(scenario, world, "26178", "26168")
    services.adopt_run(run=run, group=mobile_group, period_start=START, by=world.admin, now=NOW)
    sites = {s.name: s for s in Site.objects.filter(group=mobile_group, is_stop=True)}
    assert set(sites) == {"Menglon", "Lus-la-Croix-Haute"}
    for site in sites.values():
        MemberFactory(association=world.association, group=mobile_group, stop=site, phone="", email="a@example.org")
        Event.objects.create(association=world.association, group=mobile_group, site=site, title=f"Café {site.name}",
                             starts_at=datetime(2026, 4, 20, 10, tzinfo=UTC))
    return sites


def test_adopting_retires_the_old_stops_moves_or_flags_their_events_and_tells_their_members(
        scenario, world, mobile_group, adopted, django_capture_on_commit_callbacks):
    # The new study keeps Menglon and puts a stop at a new place in Lus-la-Croix-Haute (same commune: obvious).
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.filter(name="Lus-la-Croix-Haute").update(name="Lus, place du marché")
    run = run_with(scenario, world, "26178", "26168")
    adoption = services.adoption_of(run=run, group=mobile_group)
    assert [(r.site.name, r.replacement_name) for r in adoption.retirements] == [
        ("Lus-la-Croix-Haute", "Lus, place du marché")]
    with translation.override("fr"):
        notes = services.retiring.preview_notes(mobile_group, adoption.retirements)
    assert "Lus-la-Croix-Haute\u00a0: 1 adhérent recevra le message\u00a0: 0 par SMS, 1 par e-mail, 0 à appeler." in notes
    with django_capture_on_commit_callbacks(execute=False):
        tour = services.adopt_run(run=run, group=mobile_group, period_start=START, by=world.admin, now=NOW,
                                  send_message=True)
    old = Site.objects.get(pk=adopted["Lus-la-Croix-Haute"].pk)
    assert old.retired_at == NOW and old.is_stop  # kept in the history
    new = Site.objects.get(group=mobile_group, name="Lus, place du marché")
    assert Event.objects.get(title="Café Lus-la-Croix-Haute").site == new
    assert Event.objects.get(title="Café Menglon").site == adopted["Menglon"]
    message = OneOffMessage.objects.get()
    assert message.site == old and "Lus, place du marché" in message.text
    assert tour.notes == []


def test_an_event_with_no_obvious_new_stop_is_flagged_and_no_message_without_the_tick(
        scenario, world, mobile_group, adopted):
    run = run_with(scenario, world, "26178")
    tour = services.adopt_run(run=run, group=mobile_group, period_start=START, by=world.admin, now=NOW)
    assert [r.site.name for r in tour.retired] == ["Lus-la-Croix-Haute"]
    assert Event.objects.get(title="Café Lus-la-Croix-Haute").site == adopted["Lus-la-Croix-Haute"]
    assert len(tour.notes) == 1 and "Café Lus-la-Croix-Haute" in tour.notes[0]
    assert not OneOffMessage.objects.exists()
    # Adopting the old run again brings the retired stop back (the same site, no duplicate).
    first = Tour.objects.get(group=mobile_group).run.scenario.runs.last()
    services.adopt_run(run=first, group=mobile_group, period_start=START, by=world.admin, now=NOW)
    assert Site.objects.filter(group=mobile_group, name="Lus-la-Croix-Haute").count() == 1
    assert Site.objects.get(pk=adopted["Lus-la-Croix-Haute"].pk).retired_at is None


def test_a_stop_without_a_date_never_becomes_a_van_stop(scenario, world, mobile_group):
    from datetime import time
    scenario.max_stops = 2
    scenario.save()
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.filter(commune_id="26168").update(window_start=time(19, 0), window_end=time(20, 0))
    run = run_with(scenario, world, "26178", "26168")
    assert RunStop.objects.filter(run=run, name="Lus-la-Croix-Haute").exists()
    services.adopt_run(run=run, group=mobile_group, period_start=START, by=world.admin, now=NOW)
    assert list(Site.objects.filter(group=mobile_group, is_stop=True).values_list("name", flat=True)) == ["Menglon"]


def test_the_confirmation_page_says_which_stops_are_retired(scenario, world, mobile_group, adopted, client_for):
    run_with(scenario, world, "26178")
    client = client_for(world.admin)
    page = client.post(f"/mobile/scenarios/{scenario.pk}/adopter/",
                       {"group": mobile_group.pk, "period_start": "2026-04-06"}).content.decode()
    assert "Lus-la-Croix-Haute" in page and 'name="confirm"' in page and 'name="send_message"' in page
    assert "1 par e-mail" in page
    assert Site.objects.get(pk=adopted["Lus-la-Croix-Haute"].pk).retired_at is None  # nothing done yet
