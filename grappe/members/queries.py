"""The one way to members and referrals for the pages and the API (404 outside the user's scope)."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.core.money import format_euros

from .models import Member, Referral
from .personal_data import Section, iso


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


def unused_referral(code: str) -> Referral | None:
    """The referral of an unused code (normalised: services.normalise_code), for the join page (the
    group, the association's fee suggestions and rule); None for an unknown or used code, which the
    page tells only when the form is sent."""
    if not code:
        return None
    return (Referral.objects.filter(code=code, joined_at__isnull=True).select_related("group__association")
            .first())


# "My data" on screen and in its PDF: the same facts as services.member_data (the JSON export, machine
# keys), each under the label the forms use, with choices, dates, yes/no and euros written for people.
DATA_FIELDS = ("number", "group", "kind", "name", "adults", "children", "phone", "email", "preferred_channel",
               "commune", "category", "priority_basis", "basis_partner", "basis_date", "review_date", "status",
               "joined_on", "reminders_opt_out", "billing_address")


def readable(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def readable_member_data(member: Member) -> list[tuple[str, str]]:
    """(label, value) for each fact Grappe keeps about this member, in plain words."""
    rows = [(capfirst(str(_("association"))), member.association.name)]
    for name in DATA_FIELDS:
        if name == "reminders_opt_out":  # "Pas de rappels : non" reads as a riddle
            rows.append((pgettext("my data", "Reminders"),
                         pgettext("reminders", "off") if member.reminders_opt_out else pgettext("reminders", "on")))
            continue
        field = Member._meta.get_field(name)
        value = getattr(member, f"get_{name}_display")() if field.choices else getattr(member, name)
        rows.append((capfirst(str(field.verbose_name)), readable(value)))
    return rows


def membership_sections(member: Member) -> list[Section]:
    """"Mes données": the member's memberships (grappe.members.personal_data)."""
    memberships = list(member.memberships.order_by("-year"))
    return [Section(key="memberships", title=_("Memberships"), order=10,
                    columns=(_("Year"), _("Fee"), _("Paid on"), _("Means of payment")),
                    rows=[(str(m.year), format_euros(m.fee), readable(m.paid_on),
                           m.get_means_display() if m.means else "—") for m in memberships],
                    data=[{"year": m.year, "fee": str(m.fee), "paid_on": iso(m.paid_on), "means": m.means}
                          for m in memberships])]
