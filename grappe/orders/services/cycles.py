"""A cycle's life: created, opened (prices frozen), its deadline extended, its distributions scheduled;
its history (`record_event`) and the guard of a settled cycle's figures (`ensure_not_settled`).

Closing and confirming are in closing.py; every write to a cycle starts with `lock_cycle`.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grappe.catalogue.models import Product
from grappe.catalogue.queries import current_prices
from grappe.members.models import Member
from grappe.network.models import Site

from ..models import CycleEvent, CycleGroup, CyclePrice, CycleStop, OrderCycle, PurchaseOrder, StockItem
from ..signals import schedule_changed
from .errors import CycleSettled, CycleStateError

ZERO = Decimal("0")
logger = logging.getLogger(__name__)
Status = OrderCycle.Status


def ensure_not_settled(cycle) -> None:
    """The one guard of every write that touches a cycle's money (charges and their reversals,
    invoices, passed-on costs, explained differences, weighings and baskets, deliveries): a settled
    cycle stays settled until someone reopens its settlement, with a reason (accounts.services).

    `cycle`: an OrderCycle read inside the caller's transaction, after the lock that serialises the
    write with `settle_cycle` (the cycle row; for baskets, their distribution, which is closed
    before a cycle can be settled)."""
    if cycle.status == Status.SETTLED:
        raise CycleSettled(_("This cycle is settled: its figures can no longer change. To correct it, reopen "
                             "the settlement on its settlement page, saying why."))


def record_event(cycle, kind, *, by, now=None, reason="") -> CycleEvent:
    """One line of the cycle's history: who made it change, when, and why when asked."""
    return CycleEvent.objects.create(cycle_id=cycle.pk, kind=kind, by=by, at=now or timezone.now(),
                                     reason=reason)


@dataclass
class GroupPlan:
    group: object
    distribution_date: object
    site: object = None
    place: str = ""
    stops: tuple = ()  # (site, date) pairs for a mobile group


@transaction.atomic
def create_cycle(*, association, name, opens_at, closes_at, groups, by, strategy="fair", rounding="fill",
                 priority_first=None, stock_group=None) -> OrderCycle:
    """A draft cycle covering `groups` (GroupPlan list), each with its date and place (and stops)."""
    if closes_at <= opens_at:
        raise CycleStateError(_("The cycle must close after it opens."))
    if not groups:
        raise CycleStateError(_("Choose at least one group."))
    for plan in groups:
        if plan.group.association_id != association.pk:
            raise CycleStateError(_("This group belongs to another association."))
    cycle = OrderCycle.objects.create(
        association=association, name=name, opens_at=opens_at, closes_at=closes_at, strategy=strategy,
        rounding=rounding, created_by=by, stock_group=stock_group,
        priority_first=association.priority_first_in_shortage if priority_first is None else priority_first,
    )
    for plan in groups:
        cg = CycleGroup.objects.create(cycle=cycle, group=plan.group, distribution_date=plan.distribution_date,
                                       site=plan.site, place=plan.place)
        for site, day in plan.stops:
            CycleStop.objects.create(cycle_group=cg, site=site, distribution_date=day)
    record_event(cycle, CycleEvent.Kind.CREATED, by=by, now=cycle.created_at)
    return cycle


@transaction.atomic
def update_draft_cycle(*, cycle, name, opens_at, closes_at, groups, by, strategy=None, rounding=None,
                       now=None) -> OrderCycle:
    """Change a draft: its name, times, sharing rule, packs rule and groups (GroupPlan list).

    A group kept keeps its distribution date, time, place and stops (its plan's date and place are
    applied only when they differ from what it had: the form shows one date and place for all);
    a group left out is removed; a new group is added with its plan. Refused once the cycle is opened.
    """
    cycle = lock_cycle(cycle)
    if cycle.status != Status.DRAFT:
        raise CycleStateError(_("Only a draft cycle can be changed: this one is already opened."))
    if closes_at <= opens_at:
        raise CycleStateError(_("The cycle must close after it opens."))
    if not groups:
        raise CycleStateError(_("Choose at least one group."))
    for plan in groups:
        if plan.group.association_id != cycle.association_id:
            raise CycleStateError(_("This group belongs to another association."))
    cycle.name, cycle.opens_at, cycle.closes_at = name, opens_at, closes_at
    cycle.strategy = strategy or cycle.strategy
    cycle.rounding = rounding or cycle.rounding
    cycle.save(update_fields=["name", "opens_at", "closes_at", "strategy", "rounding"])
    existing = {cg.group_id: cg for cg in CycleGroup.objects.filter(cycle=cycle)}
    wanted = {plan.group.pk: plan for plan in groups}
    CycleGroup.objects.filter(cycle=cycle).exclude(group_id__in=list(wanted)).delete()
    for group_id, plan in wanted.items():
        cg = existing.get(group_id)
        if cg is None:
            cg = CycleGroup.objects.create(cycle=cycle, group=plan.group, distribution_date=plan.distribution_date,
                                           site=plan.site, place=plan.place)
            for site, day in plan.stops:
                CycleStop.objects.create(cycle_group=cg, site=site, distribution_date=day)
            continue
        if plan.distribution_date != cg.distribution_date:
            cg.distribution_date = plan.distribution_date
            CycleStop.objects.filter(cycle_group=cg).update(distribution_date=plan.distribution_date)
        if plan.place != cg.place:
            cg.place = plan.place
        cg.save(update_fields=["distribution_date", "place"])
    record_event(cycle, CycleEvent.Kind.EDITED, by=by, now=now)
    return cycle


@transaction.atomic
def delete_draft_cycle(*, cycle, by) -> str:
    """Delete a draft cycle (nobody could order in it yet) with its groups and history; returns its
    name. Refused once the cycle is opened: an opened cycle's orders and prices are kept."""
    cycle = lock_cycle(cycle)
    if cycle.status != Status.DRAFT:
        raise CycleStateError(_("Only a draft cycle can be deleted: this one is already opened."))
    name = cycle.name
    logger.info("draft cycle %s (%s) deleted by %s", cycle.pk, name, getattr(by, "pk", None))
    cycle.delete()
    return name


def lock_cycle(cycle) -> OrderCycle:
    """The cycle row, read again FOR UPDATE (that row only): the first step of every write to a cycle."""
    return OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)


@transaction.atomic
def open_cycle(*, cycle, by, now=None) -> OrderCycle:
    """Draft -> open; freezes each offered product's prices (the catalogue's price at this moment)."""
    cycle = lock_cycle(cycle)
    now = now or timezone.now()
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.DRAFT).update(status=Status.OPEN, opened_at=now) != 1:
        raise CycleStateError(_("Only a draft cycle can be opened."))
    record_event(cycle, CycleEvent.Kind.OPENED, by=by, now=now)
    group_ids = list(cycle.cycle_groups.values_list("group_id", flat=True))
    products = list(Product.objects.filter(association=cycle.association, available=True,
                                           selections__group_id__in=group_ids).distinct()
                    .select_related("supplier"))
    ids = [p.pk for p in products]
    cost = current_prices(ids, None, now)
    priority = current_prices(ids, Member.Category.PRIORITY, now)
    solidarity = current_prices(ids, Member.Category.SOLIDARITY, now)
    stock: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for product_id, quantity in StockItem.objects.filter(group_id__in=group_ids, product_id__in=ids).values_list(
            "product_id", "quantity"):
        stock[product_id] += quantity
    CyclePrice.objects.bulk_create([
        CyclePrice(cycle=cycle, product=p, supplier_id=p.supplier_id, name=p.name, family=p.family, unit=p.unit,
                   order_step=p.order_step, is_bulk=p.is_bulk, pack_size=p.pack_size, minimum_packs=p.minimum_packs,
                   max_per_member=p.max_per_member, pack_price_excl_vat=cost[p.pk].pack_price_excl_vat,
                   vat_rate=cost[p.pk].vat_rate, unit_cost=cost[p.pk].price, price_priority=priority[p.pk].price,
                   price_solidarity=solidarity[p.pk].price, in_stock=max(stock[p.pk], ZERO))
        for p in products
    ])
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def extend_deadline(*, cycle, closes_at, by, now=None) -> OrderCycle:
    cycle = lock_cycle(cycle)
    if cycle.status != Status.OPEN:
        raise CycleStateError(_("The deadline can only be extended while the cycle is open."))
    if closes_at <= cycle.closes_at:
        raise CycleStateError(_("The new deadline must be later than the current one."))
    OrderCycle.objects.filter(pk=cycle.pk, status=Status.OPEN).update(closes_at=closes_at)
    record_event(cycle, CycleEvent.Kind.DEADLINE, by=by, now=now)
    cycle.closes_at = closes_at
    return cycle


@dataclass
class GroupSchedule:
    """A group's distribution in a cycle: date, time (free text, "14 h - 17 h") and place."""

    cycle_group_id: int
    distribution_date: datetime.date | None
    time: str = ""
    site_id: int | None = None  # one of the group's fixed sites
    place: str = ""  # free text, shown instead of the site when given


@dataclass
class StopSchedule:
    """A stop of a mobile group in a cycle: its date and time."""

    stop_id: int
    distribution_date: datetime.date | None
    time: str = ""


SCHEDULE_FROZEN = (Status.DISTRIBUTED, Status.SETTLED)


@transaction.atomic
def set_distribution_schedule(*, cycle, groups=(), stops=(), by, now=None) -> OrderCycle:
    """Change the distribution date, time and place of a cycle's groups, and the date and time of
    the stops of its mobile groups (GroupSchedule and StopSchedule lists). All or nothing.

    Purchase orders not sent yet take the new first distribution date as their delivery date (as
    when they were made); sent ones keep the date the supplier received.

    Allowed until the cycle is distributed. Refused (CycleStateError, in French): a missing date, a
    date before the closing of orders, a site of another group, a group or stop of another cycle.
    """
    cycle = lock_cycle(cycle)
    if cycle.status in SCHEDULE_FROZEN:
        raise CycleStateError(_("This cycle has been distributed: its distribution dates can no longer be changed."))
    closing_day = timezone.localdate(cycle.closes_at)
    cycle_groups = {cg.pk: cg for cg in CycleGroup.objects.filter(cycle=cycle).select_related("group")}
    cycle_stops = {stop.pk: stop for stop in CycleStop.objects.filter(cycle_group__cycle=cycle).select_related("site")}
    sites = {}
    for entry in groups:
        if entry.cycle_group_id not in cycle_groups:
            raise CycleStateError(_("This group is not part of this cycle."))
        if entry.site_id:
            sites[entry.site_id] = entry.cycle_group_id
    site_groups = dict(Site.objects.filter(pk__in=list(sites)).values_list("pk", "group_id"))

    def check_date(day, where):
        if day is None:
            raise CycleStateError(_("%(place)s: give a distribution date."), place=where)
        if day < closing_day:
            raise CycleStateError(
                _("%(place)s: the distribution (%(date)s) cannot be before the closing of orders (%(closing)s)."),
                place=where, date=date_format(day, "j F Y"), closing=date_format(closing_day, "j F Y"))

    group_rows = []
    for entry in groups:
        cg = cycle_groups[entry.cycle_group_id]
        check_date(entry.distribution_date, cg.group.name)
        if entry.site_id and site_groups.get(entry.site_id) != cg.group_id:
            raise CycleStateError(_("%(place)s: this distribution point belongs to another group."),
                                  place=cg.group.name)
        cg.distribution_date = entry.distribution_date
        cg.time = (entry.time or "").strip()[:40]
        cg.site_id = entry.site_id or None
        cg.place = (entry.place or "").strip()[:200]
        group_rows.append(cg)
    stop_rows = []
    for entry in stops:
        stop = cycle_stops.get(entry.stop_id)
        if stop is None:
            raise CycleStateError(_("This stop is not part of this cycle."))
        check_date(entry.distribution_date, stop.site.name)
        stop.distribution_date = entry.distribution_date
        stop.time = (entry.time or "").strip()[:40]
        stop_rows.append(stop)
    CycleGroup.objects.bulk_update(group_rows, ["distribution_date", "time", "site", "place"])
    CycleStop.objects.bulk_update(stop_rows, ["distribution_date", "time"])
    # purchase orders not sent yet are delivered for the first distribution, as at confirming
    first_date = min((cg.distribution_date for cg in cycle_groups.values()), default=None)
    PurchaseOrder.objects.filter(cycle=cycle, status=PurchaseOrder.Status.DRAFT).update(delivery_date=first_date)
    record_event(cycle, CycleEvent.Kind.SCHEDULE, by=by, now=now)
    schedule_changed.send(sender=OrderCycle, cycle=cycle)  # upcoming distributions follow (distribution app)
    return cycle
