"""The one way to the notification log for the pages (404 outside the user's scope)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import SentNotification


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
