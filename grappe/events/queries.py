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


def event_for(scope, pk: int) -> Event:
    try:
        return with_counts(events_for(scope)).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def staff_event_for(scope, pk: int) -> Event:
    if not scope.is_staff:
        raise Http404
    try:
        return with_counts(Event.objects.filter(association=scope.association, group__in=scope.groups())).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None
