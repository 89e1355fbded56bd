"""An event for several groups of the association (issue 17): members and staff of any of its groups
see it and may register; a third group's people do not; the data migration fills the groups."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from grappe.core.errors import REFUSED
from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.events import services
from grappe.events.models import Event, Registration
from grappe.events.queries import event_for, events_for, with_counts
from grappe.members.tests.factories import MemberFactory
from grappe.members.tests.personas import person
from grappe.network.access import scope_for
from grappe.network.models import Role
from grappe.network.tests.factories import BuyingGroupFactory

from .factories import EventFactory


@pytest.fixture
def shared(world):
    """Hosted by Die (other_group), also for Romans (group); Crest, a third group, is left out."""
    event = EventFactory(group=world.other_group, title="Atelier partagé", capacity=5)
    event.groups.add(world.group)
    crest = BuyingGroupFactory(association=world.association, name="Crest")
    return event, crest


def test_members_and_staff_of_both_groups_see_it_a_third_group_does_not(world, client_for, shared):
    event, crest = shared
    die_coordinator = person("coord-die", world.association, Role.Kind.COORDINATOR, groups=[world.other_group])
    die_member = MemberFactory(association=world.association, group=world.other_group, user=person("m-die"))
    crest_coordinator = person("coord-crest", world.association, Role.Kind.COORDINATOR, groups=[crest])
    crest_member = MemberFactory(association=world.association, group=crest, user=person("m-crest"))
    for user in (world.member_user, die_member.user, world.coordinator, world.volunteer, die_coordinator,
                 world.admin):
        assert "Atelier partagé" in client_for(user).get(reverse("events:list")).content.decode(), user
        assert client_for(user).get(reverse("events:detail", args=[event.pk])).status_code == 200, user
    for user in (world.coordinator, die_coordinator, world.admin):
        assert client_for(user).get(reverse("events:edit", args=[event.pk])).status_code == 200, user
        assert event_for(scope_for(user), event.pk, write=True) == event
    for user in (crest_coordinator, crest_member.user):
        assert "Atelier partagé" not in client_for(user).get(reverse("events:list")).content.decode(), user
        assert client_for(user).get(reverse("events:detail", args=[event.pk])).status_code == 404, user
        with pytest.raises(Http404):
            event_for(scope_for(user), event.pk)
    assert client_for(crest_coordinator).get(reverse("events:edit", args=[event.pk])).status_code == 404
    assert client_for(crest_coordinator).get(reverse("notify:event_cancel", args=[event.pk])).status_code == 404
    with pytest.raises(services.EventError):
        services.register(by=None, event=event, member=crest_member)


def test_members_of_both_groups_register_page_and_api(world, client_for, api, shared):
    event, _crest = shared
    die_member = MemberFactory(association=world.association, group=world.other_group, user=person("m-die"))
    page = client_for(world.member_user).get(reverse("events:detail", args=[event.pk]))
    assert reverse("events:register", args=[event.pk]) in page.content.decode()
    client_for(world.member_user).post(reverse("events:register", args=[event.pk]))
    assert api(die_member.user, "post", f"/events/{event.pk}/registration").json()["status"] == "confirmed"
    assert set(Registration.objects.filter(event=event, status="confirmed").values_list("member", flat=True)) == {
        world.member.pk, die_member.pk}
    body = api(world.member_user, "get", f"/events/{event.pk}").json()
    assert (body["group_id"], body["group_ids"], body["registered"]) == (
        world.other_group.pk, [world.other_group.pk, world.group.pk], 2)


def test_staff_registers_a_household_of_the_other_group(world, client_for, shared):
    event, _crest = shared
    die_member = MemberFactory(association=world.association, group=world.other_group)
    # the admin sees every member; the Romans coordinator registers one of Romans
    client_for(world.admin).post(reverse("events:staff_register", args=[event.pk]),
                                 {"member_number": die_member.number})
    client_for(world.coordinator).post(reverse("events:staff_register", args=[event.pk]),
                                       {"member_number": world.member.number})
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2


def test_counts_and_lists_count_the_event_once(world, shared):
    event, _crest = shared
    Registration.objects.create(event=event, member=world.member, status=Registration.Status.CONFIRMED)
    for user in (world.admin, world.coordinator):
        found = list(with_counts(events_for(scope_for(user))))
        assert [(e.pk, e.confirmed) for e in found] == [(event.pk, 1)]


@pytest.mark.usefixtures("daytime")
def test_coordinator_creates_an_event_for_two_groups_and_is_refused_a_group_not_theirs(world, client_for):
    both = person("coord-both", world.association, Role.Kind.COORDINATOR, groups=[world.group, world.other_group])
    starts = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    form = {"group": world.group.pk, "other_groups": [world.other_group.pk], "kind": "tasting",
            "title": "Dégustation commune", "place": "Salle", "starts_at": starts}
    page = client_for(both).get(reverse("events:create")).content.decode()
    assert 'type="checkbox" name="other_groups"' in page
    response = client_for(both).post(reverse("events:create"), form)
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.group, set(event.groups.all())) == (world.group, {world.group, world.other_group})
    refused = client_for(world.coordinator).post(reverse("events:create"), form | {"title": "Tapé à la main"})
    assert refused.status_code == REFUSED
    assert "Tapé à la main" in refused.content.decode()
    assert Event.objects.count() == 1


def test_editing_keeps_a_group_the_coordinator_does_not_manage(world, client_for, shared):
    event, crest = shared
    event.groups.add(crest)
    starts = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.coordinator).post(reverse("events:edit", args=[event.pk]), {
        "group": world.other_group.pk, "other_groups": [], "kind": event.kind, "title": "Renommé",
        "place": event.place, "starts_at": starts, "capacity": 5})
    assert response.status_code == 302
    event.refresh_from_db()
    # Romans unticked by its coordinator; Crest, not theirs to choose, stays; the host stays
    assert (event.title, set(event.groups.all())) == ("Renommé", {world.other_group, crest})


def test_the_event_is_for_its_host_group_whatever_the_path(db):
    event = EventFactory()
    assert list(event.groups.all()) == [event.group]


def test_data_migration_puts_each_old_event_in_its_group(world):
    old = [EventFactory(group=world.group), EventFactory(group=world.other_group)]
    Event.groups.through.objects.all().delete()  # as before the migration
    migration = importlib.import_module("grappe.events.migrations.0002_event_groups")
    migration.fill_groups(apps, None)
    migration.fill_groups(apps, None)  # twice: no duplicate
    assert {(e.pk, tuple(e.groups.values_list("pk", flat=True))) for e in old} == {
        (old[0].pk, (world.group.pk,)), (old[1].pk, (world.other_group.pk,))}
