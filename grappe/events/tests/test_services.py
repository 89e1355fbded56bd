from datetime import timedelta

import pytest
from django.utils import timezone

from grappe.events import services
from grappe.events.models import Registration
from grappe.events.services import EventError
from grappe.members.tests.factories import MemberFactory

from .factories import EventFactory

CONFIRMED, WAITING, CANCELLED = (Registration.Status.CONFIRMED, Registration.Status.WAITING,
                                 Registration.Status.CANCELLED)


@pytest.fixture
def event(world):
    return EventFactory(group=world.group, capacity=2)


def household(world):
    return MemberFactory(association=world.association, group=world.group)


def test_registrations_are_confirmed_until_full_then_wait(world, event):
    statuses = [services.register(by=None, event=event, member=household(world)).status for _ in range(4)]
    assert statuses == [CONFIRMED, CONFIRMED, WAITING, WAITING]


def test_a_cancelled_place_goes_to_the_first_household_waiting(world, event):
    first, second, third, fourth = (household(world) for _ in range(4))
    regs = [services.register(by=None, event=event, member=m) for m in (first, second, third, fourth)]
    promoted = services.unregister(registration=regs[0])
    assert [r.member for r in promoted] == [third]
    assert Registration.objects.get(member=third).status == CONFIRMED
    assert Registration.objects.get(member=third).promoted_at is not None
    assert Registration.objects.get(member=fourth).status == WAITING
    assert Registration.objects.get(member=first).status == CANCELLED


def test_cancelling_while_waiting_promotes_nobody(world, event):
    regs = [services.register(by=None, event=event, member=household(world)) for _ in range(3)]
    assert services.unregister(registration=regs[2]) == []
    assert Registration.objects.filter(status=CONFIRMED).count() == 2


def test_a_household_cannot_register_twice_but_can_come_back(world, event):
    member = household(world)
    registration = services.register(by=None, event=event, member=member)
    with pytest.raises(EventError):
        services.register(by=None, event=event, member=member)
    services.unregister(registration=registration)
    assert services.register(by=None, event=event, member=member).status == CONFIRMED


def test_no_limit_means_everyone_is_confirmed(world):
    event = EventFactory(group=world.group, capacity=None)
    assert {services.register(by=None, event=event, member=household(world)).status for _ in range(5)} == {CONFIRMED}


def test_members_of_another_group_cannot_register(world, event):
    stranger = MemberFactory(association=world.association, group=world.other_group)
    with pytest.raises(EventError):
        services.register(by=None, event=event, member=stranger)


def test_past_and_cancelled_events_refuse_registrations(world, event):
    past = EventFactory(group=world.group, starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(EventError):
        services.register(by=None, event=past, member=household(world))
    assert services.cancel_event(event=event)
    assert not services.cancel_event(event=event)
    with pytest.raises(EventError):
        services.register(by=None, event=event, member=household(world))


def test_raising_the_capacity_moves_the_waiting_list(world, event):
    for _ in range(4):
        services.register(by=None, event=event, member=household(world))
    promoted = services.update_event(event=event, capacity=3)
    assert len(promoted) == 1
    assert Registration.objects.filter(status=CONFIRMED).count() == 3


def test_capacity_cannot_drop_below_those_registered(world, event):
    for _ in range(2):
        services.register(by=None, event=event, member=household(world))
    with pytest.raises(EventError):
        services.update_event(event=event, capacity=1)


def test_a_site_of_another_group_is_refused(world):
    from grappe.network.tests.factories import SiteFactory

    with pytest.raises(EventError):
        services.create_event(by=None, association=world.association, group=world.group,
                              site=SiteFactory(group=world.other_group), title="Café",
                              starts_at=timezone.now() + timedelta(days=1))
