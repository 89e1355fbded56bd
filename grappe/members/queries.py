"""The one way to members and referrals for the pages and the API (404 outside the user's scope)."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Member, Referral


def members_for(scope) -> QuerySet[Member]:
    """The members staff may see: those of their groups (admins: the association's). Volunteers never
    reach a household on the waiting list: only solidarity households wait, so its mere status tells
    the category, which volunteers do not see."""
    if scope.association is None or not scope.is_staff:
        return Member.objects.none()
    members = Member.objects.filter(association=scope.association, group__in=scope.groups())
    if not scope.is_coordinator:
        members = members.exclude(status=Member.Status.WAITING)
    return members


def member_for(scope, pk, *, write: bool = False) -> Member:
    """A member of one of the user's groups, or 404. `write` (change, category, access, leave, erase,
    account entries): coordinators and admins of the member's group only."""
    if write and not scope.is_coordinator:
        raise Http404
    try:
        return (members_for(scope).select_related("group", "association", "commune", "basis_partner", "stop")
                .get(pk=pk))
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def referrals_for(scope) -> QuerySet[Referral]:
    """A referrer sees their partner's referrals; coordinators those to their groups (admins: all)."""
    if scope.association is None:
        return Referral.objects.none()
    referrals = Referral.objects.filter(association=scope.association).select_related("partner", "group")
    if scope.is_coordinator:
        return referrals if scope.is_admin else referrals.filter(group__in=scope.groups())
    if scope.is_referrer:
        return referrals.filter(partner_id=scope.partner_id)
    return Referral.objects.none()


def referral_for(scope, pk) -> Referral:
    try:
        return referrals_for(scope).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
