"""Who a coordinator's one-off message reaches, and by which channel: reads only, nothing is sent here.

An audience is found through the user's scope (404 outside it): a coordinator reaches the groups of
their coordinator roles, an admin all the association's groups. Volunteers send no messages.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from grappe.distribution.models import Distribution, RotaSlot
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Site
from grappe.orders.models import CycleGroup, CycleStop, OrderCycle

from . import sms as sms_gateway
from .engine import Channel, Route
from .gsm import encoding, parts, sms_text
from .models import OneOffMessage
from .phones import is_mobile, to_e164
from .reminders import Recipient

Kind = OneOffMessage.Audience


def messaging_groups(scope) -> QuerySet[BuyingGroup]:
    """The groups whose people this user may write to: an admin's association's, a coordinator's own."""
    if scope.association is None or not scope.is_coordinator:
        return BuyingGroup.objects.none()
    groups = scope.groups()
    return groups if scope.is_admin else groups.filter(pk__in=scope.coordinated_ids)


@dataclass
class Audience:
    kind: str
    association: Association
    group: BuyingGroup | None = None
    site: Site | None = None
    cycle: OrderCycle | None = None
    distribution: Distribution | None = None
    group_ids: list = field(default_factory=list)
    about_date: date | None = None  # the distribution the message is about, when there is one
    about_time: str = ""


def group_audience(scope, group_pk) -> Audience:
    group = get_object_or_404(messaging_groups(scope), pk=group_pk)
    return Audience(Kind.GROUP, group.association, group=group, group_ids=[group.pk])


def stop_audience(scope, site_pk) -> Audience:
    site = get_object_or_404(Site.objects.select_related("group__association"),
                             group__in=messaging_groups(scope), pk=site_pk)
    return Audience(Kind.STOP, site.group.association, group=site.group, site=site, group_ids=[site.group_id])


def cycle_audience(scope, cycle_pk, *, group_pk=None, site_pk=None) -> Audience:
    """A cycle's members who ordered, in the user's groups; or only those of one group, or of one stop
    (then the message is about that group's or stop's distribution date)."""
    cycle = get_object_or_404(OrderCycle, association=scope.association, pk=cycle_pk)
    groups = messaging_groups(scope).filter(cycle_groups__cycle=cycle)
    audience = Audience(Kind.CYCLE, cycle.association, cycle=cycle)
    if site_pk is not None:
        stop = get_object_or_404(CycleStop.objects.select_related("site", "cycle_group__group"),
                                 cycle_group__cycle=cycle, cycle_group__group__in=groups, site_id=site_pk)
        audience.site, audience.group = stop.site, stop.cycle_group.group
        audience.about_date, audience.about_time = stop.distribution_date, stop.time
    elif group_pk is not None:
        cg = get_object_or_404(CycleGroup.objects.select_related("group"), cycle=cycle, group__in=groups,
                               group_id=group_pk)
        audience.group, audience.about_date, audience.about_time = cg.group, cg.distribution_date, cg.time
    audience.group_ids = [audience.group.pk] if audience.group else sorted(groups.values_list("pk", flat=True))
    if not audience.group_ids:
        raise Http404
    return audience


def distribution_audience(scope, distribution_pk, *, volunteers=False) -> Audience:
    distribution = get_object_or_404(Distribution.objects.select_related("group", "association", "site"),
                                     group__in=messaging_groups(scope), pk=distribution_pk)
    return Audience(Kind.VOLUNTEERS if volunteers else Kind.DISTRIBUTION, distribution.association,
                    group=distribution.group, site=distribution.site, cycle=distribution.cycle,
                    distribution=distribution, group_ids=[distribution.group_id], about_date=distribution.date)


def audience_of(message: OneOffMessage) -> Audience:
    """The audience a message was written for (found again when it is sent, maybe later)."""
    return Audience(message.audience, message.association, group=message.group, site=message.site,
                    cycle=message.cycle, distribution=message.distribution, group_ids=list(message.group_ids),
                    about_date=message.about_date)


def recipients(audience: Audience) -> list[Recipient]:
    """Each person once, by name. Members (any status: those who left are skipped and counted later), or
    for the volunteers, their logins (a volunteer who is also a member is reached through her member
    record's channel, see `route`)."""
    if audience.kind == Kind.VOLUNTEERS:
        user_ids = (RotaSlot.objects.filter(distribution=audience.distribution, volunteer__isnull=False)
                    .values("volunteer_id"))
        users = get_user_model().objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "pk")
        return [Recipient(user=user) for user in users]
    members = Member.objects.filter(association=audience.association)
    if audience.kind == Kind.GROUP:
        members = members.filter(group=audience.group)
    elif audience.kind == Kind.STOP:
        members = members.filter(stop=audience.site)
    elif audience.kind == Kind.CYCLE:
        orders = {"cycle": audience.cycle, "group_id__in": audience.group_ids}
        if audience.site is not None:
            orders["stop"] = audience.site
        members = members.filter(pk__in=audience.cycle.orders.filter(**orders).values("member_id"))
    elif audience.kind == Kind.DISTRIBUTION:
        members = members.filter(pk__in=audience.distribution.baskets.values("member_id"))
    else:
        return []
    return [Recipient(member=member) for member in members.select_related("user").order_by("name", "pk")]


def member_of(recipient: Recipient):
    if recipient.member is not None:
        return recipient.member
    return getattr(recipient.user, "member", None) if hasattr(recipient.user, "member") else None


SKIP_OPT_OUT, SKIP_GONE = "opt_out", "gone"


def skipped(recipient: Recipient) -> str:
    """Why this person gets nothing ('' when they get it): no messages wanted, or left or erased."""
    member = member_of(recipient)
    if member is None:
        return ""
    if member.erased_at or member.status == Member.Status.LEFT:
        return SKIP_GONE
    if member.reminders_opt_out:
        return SKIP_OPT_OUT
    return ""


def route(recipient: Recipient) -> Route:
    """Like the receipt's route: the preferred channel (SMS to a mobile, or e-mail), else the other one they
    have; those who prefer a call or paper, or have neither, go to the volunteers' call list."""
    member = member_of(recipient)
    user = recipient.user or (member.user if member is not None else None)
    if member is None:
        return Route(Channel.EMAIL, user.email) if user is not None and user.email else Route(Channel.CALL, "")
    phone = to_e164(member.phone) or ""
    if member.preferred_channel in (Channel.CALL, Channel.PAPER):
        return Route(member.preferred_channel, phone or member.phone)
    mobile = phone if phone and is_mobile(phone) and sms_gateway.enabled() else ""  # a landline gets no SMS
    email = member.email or (user.email if user is not None else "")
    routes = [Route(Channel.SMS, mobile), Route(Channel.EMAIL, email)]
    if member.preferred_channel == Channel.EMAIL:
        routes.reverse()
    for candidate in routes:
        if candidate.address:
            return candidate
    return Route(Channel.CALL, phone or member.phone)


@dataclass
class Line:
    recipient: Recipient
    route: Route | None
    skipped: str = ""

    @property
    def name(self) -> str:
        member = member_of(self.recipient)
        if member is not None:
            return str(member) if not member.erased_at else "—"
        user = self.recipient.user
        return user.get_full_name() or user.username


@dataclass
class Plan:
    """What sending would do: each person's channel or why they are skipped, the SMS text and its cost."""

    lines: list
    sms_text: str
    sms_parts: int
    sms_encoding: str
    price_per_part: Decimal

    def count(self, channel: str) -> int:
        return sum(1 for line in self.lines if line.route is not None and line.route.channel == channel)

    @property
    def sms(self) -> int:
        return self.count(Channel.SMS)

    @property
    def email(self) -> int:
        return self.count(Channel.EMAIL)

    @property
    def to_call(self) -> int:
        return self.count(Channel.CALL) + self.count(Channel.PAPER)

    @property
    def opted_out(self) -> int:
        return sum(1 for line in self.lines if line.skipped == SKIP_OPT_OUT)

    @property
    def gone(self) -> int:
        return sum(1 for line in self.lines if line.skipped == SKIP_GONE)

    @property
    def reached(self) -> int:
        return self.sms + self.email + self.to_call

    @property
    def sms_cost(self) -> Decimal:
        return self.sms * self.sms_parts * self.price_per_part

    @property
    def sms_length(self) -> int:
        return len(self.sms_text)

    @property
    def call_lines(self) -> list:
        return [line for line in self.lines if line.route is not None
                and line.route.channel in (Channel.CALL, Channel.PAPER)]


def price_per_part() -> Decimal:
    return Decimal(str(getattr(settings, "SMS_PRICE_PER_PART", "0.07")))


def plan(audience: Audience, text: str) -> Plan:
    lines = []
    for recipient in recipients(audience):
        reason = skipped(recipient)
        lines.append(Line(recipient, None if reason else route(recipient), reason))
    sms = sms_text(text)
    return Plan(lines=lines, sms_text=sms, sms_parts=parts(sms) if sms else 0, sms_encoding=encoding(sms),
                price_per_part=price_per_part())
