"""The one way to the notification log for the pages (404 outside the user's scope)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404

from .audiences import messaging_groups
from .models import OneOffMessage, SentNotification


def notifications_for(scope) -> QuerySet[SentNotification]:
    """The log rows a user may see: their association, and only their groups unless admin (a row about
    a team member, with no group, only by that person)."""
    if scope.association is None or not scope.is_staff:
        return SentNotification.objects.none()
    rows = SentNotification.objects.filter(association=scope.association)
    if not scope.is_admin:
        rows = rows.filter(Q(group__in=scope.groups().values("pk")) | Q(group__isnull=True, user=scope.user))
    return rows


def notification_for(scope, pk) -> SentNotification:
    try:
        return notifications_for(scope).get(pk=pk)
    except (SentNotification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def messages_for(scope):
    """The coordinators' messages a user may read: an admin all of the association's; a coordinator those
    to the groups they coordinate, and their own."""
    if scope.association is None or not scope.is_coordinator:
        return OneOffMessage.objects.none()
    messages = OneOffMessage.objects.filter(association=scope.association)
    if not scope.is_admin:
        messages = messages.filter(Q(group__in=messaging_groups(scope).values("pk")) | Q(created_by=scope.user))
    return messages.select_related("group", "site", "cycle", "distribution", "created_by")


def message_for(scope, pk):
    try:
        return messages_for(scope).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
