"""Reads reused by the pages, the API and the reminders."""

from django.db.models import Count, Q
from django.http import Http404

from .models import Event, Registration


def _for_groups(groups) -> Q:
    """Events for any of `groups` (a queryset of pks or a list), as a subquery: no duplicate rows, so
    the registration counts of `with_counts` stay right."""
    return Q(pk__in=Event.groups.through.objects.filter(buyinggroup__in=groups).values("event_id"))


def events_for(scope):
    """The events a user may see: a member those for their group, staff those for any of their groups."""
    if scope.association is None:
        return Event.objects.none()
    events = Event.objects.filter(association=scope.association)
    if scope.is_staff:
        groups = scope.groups().values("pk")
        if scope.is_member:
            return events.filter(_for_groups(groups) | _for_groups([scope.member.group_id]))
        return events.filter(_for_groups(groups))
    if scope.is_member:
        return events.filter(_for_groups([scope.member.group_id]), status=Event.Status.PUBLISHED)
    return Event.objects.none()


def may_manage(scope, event) -> bool:
    """Staff (coordinator, volunteer, admin) of any of the event's groups."""
    return scope.is_staff and any(scope.has_group(pk) for pk in event.group_ids)


def is_for_member(scope, event) -> bool:
    """The signed-in member's group is one of the event's: they may register."""
    return scope.is_member and scope.member.group_id in event.group_ids


def with_counts(events):
    return events.select_related("group", "site").prefetch_related("groups").annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
    )


def event_for(scope, pk, *, write: bool = False) -> Event:
    """An event the user sees (`events_for`), or 404. `write` (edit, cancel, register a household):
    staff of any of the event's groups (`may_manage`)."""
    try:
        event = with_counts(events_for(scope)).get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not may_manage(scope, event):
        raise Http404
    return event


def registration_for(scope, pk) -> Registration:
    """A registration to an event the user may change (staff of any of its groups), or 404."""
    if not scope.is_staff:
        raise Http404
    try:
        return (Registration.objects.select_related("event")
                .filter(event__in=Event.objects.filter(_for_groups(scope.groups().values("pk"))))
                .get(pk=pk, event__association=scope.association))
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
