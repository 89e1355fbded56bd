"""Reminders over order cycles (grappe.orders): a cycle opens; it closes tomorrow; the distribution
is tomorrow (day, place, and for a van stop its time).

Recipients are the active members of the cycle's groups. "Closes tomorrow" goes only to those who
have not ordered yet; "distribution tomorrow" only to those who have something to collect.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.members.models import Member
from grappe.notify.gsm import fit
from grappe.notify.reminders import Due, Recipient, reminder_kind
from grappe.notify.wording import day, email_footer, greeting, hour
from grappe.orders.models import CycleGroup, CycleStop, MemberOrder, OrderCycle, OrderLine

# A cycle that opened longer ago than this is not announced (e.g. when reminders are switched on).
ANNOUNCE_WITHIN = timedelta(days=2)
MEMBER_RELATED = ("association", "group", "user")


def _ordered(cycle_ref):
    return Exists(OrderLine.objects.filter(order__member=OuterRef("pk"), cycle=cycle_ref, quantity__gt=0))


def _members(group_ids):
    return Member.objects.filter(group__in=group_ids, status=Member.Status.ACTIVE,
                                 erased_at__isnull=True).select_related(*MEMBER_RELATED)


# --- a cycle opens -----------------------------------------------------------------------------

def _open_sms(ctx):
    return fit(lambda closes: _("Your group's order is open until %(closes)s. Order online, or call your group.")
               % {"closes": closes}, {"closes": f"{day(ctx['closes_at'])} {hour(ctx['closes_at'])}"}, [])


def _open_email(ctx):
    subject = _("The order is open until %(day)s") % {"day": day(ctx["closes_at"])}
    body = greeting(ctx) + _("The order \"%(name)s\" of your group is open until %(day)s at %(time)s.\nYou can order "
             "online on Grappe, or ask your group to take your order by phone or on paper.\n") % {
        "name": ctx["name"], "day": day(ctx["closes_at"]), "time": hour(ctx["closes_at"])}
    return subject, body + "\n" + email_footer()


@reminder_kind("cycle_open", label=gettext_lazy("order open"), sms=_open_sms, email=_open_email)
def cycle_open(now):
    cycles = OrderCycle.objects.filter(status=OrderCycle.Status.OPEN, opens_at__lte=now, closes_at__gt=now,
                                       opens_at__gte=now - ANNOUNCE_WITHIN).select_related("association")
    for cycle in cycles:
        group_ids = list(cycle.cycle_groups.values_list("group_id", flat=True))
        for member in _members(group_ids):
            yield Due(kind="cycle_open", key=f"cycle:{cycle.pk}", recipient=Recipient(member=member),
                      context={"name": cycle.name, "closes_at": cycle.closes_at}, association=cycle.association,
                      group=member.group)


# --- it closes tomorrow ------------------------------------------------------------------------

def _closes_sms(ctx):
    return fit(lambda time: _("Last day: the order of your group closes tomorrow at %(time)s. Order online, "
                              "or call your group.") % {"time": time}, {"time": hour(ctx["closes_at"])}, [])


def _closes_email(ctx):
    subject = _("The order closes tomorrow at %(time)s") % {"time": hour(ctx["closes_at"])}
    body = greeting(ctx) + _("The order \"%(name)s\" of your group closes tomorrow, %(day)s, at %(time)s, and you have "
             "not ordered yet.\nYou can order online on Grappe, or ask your group.\n") % {
        "name": ctx["name"], "day": day(ctx["closes_at"]), "time": hour(ctx["closes_at"])}
    return subject, body + "\n" + email_footer()


@reminder_kind("cycle_closes_tomorrow", label=gettext_lazy("order closes tomorrow"), sms=_closes_sms,
               email=_closes_email)
def cycle_closes_tomorrow(now):
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    cycles = OrderCycle.objects.filter(status=OrderCycle.Status.OPEN, opens_at__lte=now,
                                       closes_at__date=tomorrow).select_related("association")
    for cycle in cycles:
        group_ids = list(cycle.cycle_groups.values_list("group_id", flat=True))
        for member in _members(group_ids).exclude(_ordered(cycle.pk)):
            yield Due(kind="cycle_closes_tomorrow", key=f"cycle:{cycle.pk}:closes:{tomorrow.isoformat()}",
                      recipient=Recipient(member=member), context={"name": cycle.name, "closes_at": cycle.closes_at},
                      association=cycle.association, group=member.group)


# --- the distribution is tomorrow --------------------------------------------------------------

def _distribution_sms(ctx):
    if ctx.get("time"):
        return fit(lambda place, time: _("Reminder: your basket is handed out tomorrow at %(time)s, %(place)s. "
                                         "Bring your bags and containers.") % {"place": place, "time": time},
                   {"place": ctx["place"], "time": ctx["time"]}, ["place"])
    return fit(lambda place: _("Reminder: your basket is handed out tomorrow, %(place)s. Bring your bags and "
                               "containers.") % {"place": place}, {"place": ctx["place"]}, ["place"])


def _distribution_email(ctx):
    subject = _("Your basket tomorrow, %(day)s") % {"day": day(ctx["date"])}
    when = _(" at %(time)s") % {"time": ctx["time"]} if ctx.get("time") else ""
    body = greeting(ctx) + _("Your basket of the order \"%(name)s\" is handed out tomorrow, %(day)s%(when)s.\n"
             "Place: %(place)s.\n\nBring your bags and containers for the bulk goods.\n") % {
        "name": ctx["name"], "day": day(ctx["date"]), "when": when, "place": ctx["place"]}
    return subject, body + "\n" + email_footer()


def _arrivals(group, day) -> dict[int, str]:
    """The van's planned arrival time at each site on that day, from the adopted tour (grappe.tours)."""
    from grappe.tours.queries import route_sheet, tour_for_group

    tour = tour_for_group(group)
    if tour is None:
        return {}
    _run_day, stops = route_sheet(tour, day)
    return {stop.site.pk: f"{stop.visit.arrival // 60}h{stop.visit.arrival % 60:02d}" for stop in stops if stop.site}


@reminder_kind("distribution_tomorrow", label=gettext_lazy("distribution tomorrow"), sms=_distribution_sms,
               email=_distribution_email)
def distribution_tomorrow(now):
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    live = [OrderCycle.Status.OPEN, OrderCycle.Status.CLOSED, OrderCycle.Status.ORDERED, OrderCycle.Status.RECEIVED]
    # A fixed group: one date and place for the whole group (members ordering without a stop).
    for cycle_group in (CycleGroup.objects.filter(distribution_date=tomorrow, cycle__status__in=live)
                        .select_related("cycle__association", "site", "group")):
        if cycle_group.stops.exists():
            continue
        members = _members([cycle_group.group_id]).filter(_ordered(cycle_group.cycle_id))
        for member in members:
            yield Due(kind="distribution_tomorrow", key=f"cycle:{cycle_group.cycle_id}:group:{cycle_group.group_id}:"
                                                        f"{tomorrow.isoformat()}",
                      recipient=Recipient(member=member),
                      context={"name": cycle_group.cycle.name, "date": tomorrow,
                               "place": cycle_group.place_label or cycle_group.group.name, "time": cycle_group.time},
                      association=cycle_group.cycle.association, group=cycle_group.group)
    # A van: each stop has its own date and arrival time (the cycle's, else the tour's plan).
    arrivals: dict = {}
    for stop in (CycleStop.objects.filter(distribution_date=tomorrow, cycle_group__cycle__status__in=live)
                 .select_related("cycle_group__cycle__association", "cycle_group__group", "site")):
        cycle = stop.cycle_group.cycle
        time = stop.time
        if not time:
            group = stop.cycle_group.group
            if group.pk not in arrivals:
                arrivals[group.pk] = _arrivals(group, tomorrow)
            time = arrivals[group.pk].get(stop.site_id, "")
        orders = MemberOrder.objects.filter(cycle=cycle, member=OuterRef("pk"))
        at_this_stop = Exists(orders.filter(stop=stop.site_id)) | (
            Q(stop=stop.site_id) & Exists(orders.filter(stop__isnull=True)))
        members = _members([stop.cycle_group.group_id]).filter(_ordered(cycle.pk)).filter(at_this_stop)
        for member in members:
            yield Due(kind="distribution_tomorrow", key=f"cycle:{cycle.pk}:stop:{stop.site_id}:{tomorrow.isoformat()}",
                      recipient=Recipient(member=member),
                      context={"name": cycle.name, "date": tomorrow, "place": stop.site.name, "time": time},
                      association=cycle.association, group=stop.cycle_group.group)
