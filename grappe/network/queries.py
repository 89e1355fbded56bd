"""Reads of the team of an association, shared by the team pages."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, StaffAuditEntry


def team(association, group_ids=None):
    """The people holding a role in the association, with their roles there (groups, partner) and
    whether two-step sign-in is on. With `group_ids`: only people with a role in one of those groups."""
    roles = (Role.objects.filter(association=association).select_related("partner")
             .prefetch_related("groups").order_by("kind"))
    people = (get_user_model().objects.filter(roles__association=association)
              .annotate(totp_on=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
              .prefetch_related(Prefetch("roles", queryset=roles, to_attr="team_roles"))
              .order_by("-is_active", "last_name", "first_name", "username"))
    if group_ids is not None:
        people = people.filter(roles__groups__in=group_ids)
    return people.distinct()


def person_for(association, pk: int):
    """A person of the association's team, or 404 (people of other associations do not exist here)."""
    person = team(association).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def history(association, person, limit=20):
    return (StaffAuditEntry.objects.filter(association=association, subject=person)
            .select_related("actor")[:limit])
