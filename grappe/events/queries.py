"""Reads reused by the pages, the API and the reminders."""

from django.db.models import Count, Q
from django.http import Http404

from .models import Event, Registration


def events_for(scope):
    """The events a user may see: a member those of their group, staff those of their groups."""
    if scope.association is None:
        return Event.objects.none()
    events = Event.objects.filter(association=scope.association)
    if scope.is_staff:
        groups = scope.groups().values("pk")
        if scope.is_member:
            return events.filter(Q(group__in=groups) | Q(group=scope.member.group_id))
        return events.filter(group__in=groups)
    if scope.is_member:
        return events.filter(group=scope.member.group_id, status=Event.Status.PUBLISHED)
    return Event.objects.none()


def with_counts(events):
    return events.select_related("group", "site").annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
    )


def event_for(scope, pk, *, write: bool = False) -> Event:
    """An event the user sees (`events_for`), or 404. `write` (edit, cancel, register a household):
    staff of the event's group."""
    try:
        event = with_counts(events_for(scope)).get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not (scope.is_staff and scope.has_group(event.group_id)):
        raise Http404
    return event


def registration_for(scope, pk) -> Registration:
    """A registration to an event the user may change (staff of its group), or 404."""
    if not scope.is_staff:
        raise Http404
    try:
        return (Registration.objects.select_related("event")
                .get(pk=pk, event__association=scope.association, event__group__in=scope.groups()))
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
