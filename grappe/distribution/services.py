"""The only write path for distributions: sessions, rota, baskets, served quantities, closing.

Locking: every change of a basket first takes a key-share lock on its distribution row, then
`select_for_update()` on the basket row only (see `_locked_basket`); closing a distribution locks
the distribution row FOR UPDATE. State changes are conditional updates touching one row.
Stock moves (what was not served goes back to the group's stock, instant sales come out of it) are
written when the distribution closes, one move per product, through the orders app's stock ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import plain_number, round_quantity, to_decimal
from grappe.orders.models import (
    CycleEvent,
    CycleGroup,
    CyclePrice,
    MemberOrder,
    OrderCycle,
    OrderLine,
    StockItem,
    StockMove,
    unit_label,
    unit_word,
)
from grappe.orders.services import apply_stock_moves, ensure_not_settled, lock_cycle, record_event

from .models import Basket, BasketLine, Distribution, DistributionSettings, DocumentJob, RotaSlot

ZERO = Decimal("0")
HUNDRED = Decimal("100")
MAX_QUANTITY = Decimal("1000000")  # far above any basket, far below the columns' 12 digits
CycleStatus = OrderCycle.Status
READY = (CycleStatus.ORDERED, CycleStatus.RECEIVED, CycleStatus.DISTRIBUTED)


class DistributionError(DomainError):
    line_id: int | None = None  # the basket line a refusal is about: the form shows it beside the box


class OutOfTolerance(DistributionError):
    pass


# --- Sessions and baskets -------------------------------------------------------------------------


@transaction.atomic
def create_distributions(*, cycle, by, now=None) -> list[Distribution]:
    """One distribution per group of the cycle (one per stop for a mobile group), with its baskets.

    Idempotent: a second call creates nothing new but brings the allotted quantities of baskets
    not handed out up to date (a receipt does it already, see `follow_allotment`), and the date and
    place of upcoming distributions (after the coordinator moved them on the cycle's schedule page).
    """
    cycle = OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
    ensure_not_settled(cycle)
    if cycle.status not in READY:
        raise DistributionError(_("Baskets can be prepared once the purchase orders are confirmed."))
    made = []
    for cg in CycleGroup.objects.filter(cycle=cycle).select_related("group", "site").prefetch_related("stops__site"):
        stops = list(cg.stops.all())
        if stops:
            for stop in stops:
                d, _created = Distribution.objects.get_or_create(
                    cycle_group=cg, cycle_stop=stop,
                    defaults={"association_id": cycle.association_id, "cycle": cycle, "group": cg.group,
                              "site": stop.site, "date": stop.distribution_date, "place": stop.site.name})
                made.append(d)
        else:
            d, _created = Distribution.objects.get_or_create(
                cycle_group=cg, cycle_stop=None,
                defaults={"association_id": cycle.association_id, "cycle": cycle, "group": cg.group,
                          "site": cg.site, "date": cg.distribution_date, "place": cg.place_label})
            made.append(d)
    for d in made:
        _follow_schedule(d)
        _build_baskets(d)
    record_event(cycle, CycleEvent.Kind.PREPARED, by=by, now=now)
    return made


def follow_schedule(*, cycle, **_signal):
    """Upcoming distributions of `cycle` take their group's (or stop's) new date and place at once
    (connected to orders.signals.schedule_changed)."""
    for distribution in (Distribution.objects.filter(cycle=cycle, status=Distribution.Status.PLANNED)
                         .select_related("cycle_group__site", "cycle_stop__site")):
        _follow_schedule(distribution)


def follow_allotment(*, cycle, **_signal) -> list[str]:
    """A receipt re-shared the cycle's products: every basket not handed out takes its members' new
    allotted quantities at once, in the receipt's transaction (connected to
    orders.signals.allotment_changed). Returns the warnings for what could not follow: baskets
    already handed out keep what they were charged, and the coordinator is told which ones."""
    kept = []
    for distribution in (Distribution.objects.filter(cycle_id=cycle.pk).select_related("cycle_group")
                         .order_by("date", "pk")):
        kept.extend(_build_baskets(distribution))
    if not kept:
        return []
    members = ", ".join(f"{b.member.name} (n° {b.member.number})"
                        for b in sorted(kept, key=lambda b: b.member.number))
    return [str(_("These baskets were already handed out and keep their former quantities; check them: "
                  "%(members)s.") % {"members": members})]


def _follow_schedule(distribution):
    """An upcoming distribution takes the date and place its group (or stop) has in the cycle now."""
    if distribution.status != Distribution.Status.PLANNED:
        return
    stop, cg = distribution.cycle_stop, distribution.cycle_group
    if stop is not None:
        wanted = {"date": stop.distribution_date, "site": stop.site, "place": stop.site.name}
    else:
        wanted = {"date": cg.distribution_date, "site": cg.site, "place": cg.place_label}
    if (distribution.date, distribution.site_id, distribution.place) != (
            wanted["date"], getattr(wanted["site"], "pk", None), wanted["place"]):
        for name, value in wanted.items():
            setattr(distribution, name, value)
        distribution.save(update_fields=["date", "site", "place"])


def _orders_for(distribution) -> list[MemberOrder]:
    orders = MemberOrder.objects.filter(cycle_id=distribution.cycle_id, group_id=distribution.group_id)
    if distribution.cycle_stop_id is None:
        return list(orders)
    stops = list(distribution.cycle_group.stops.order_by("distribution_date", "site__position").values_list(
        "site_id", flat=True))
    first = stops[0] if stops else None
    mine = distribution.site_id
    return [o for o in orders if o.stop_id == mine or (mine == first and o.stop_id not in stops)]


# Baskets whose lines follow the allotted quantities: nothing of them has been charged. A collected
# basket keeps what it was charged for (a change would silently differ from the member's account).
FOLLOWING = (Basket.Status.WAITING, Basket.Status.NOT_COLLECTED)


def _build_baskets(distribution) -> list[Basket]:
    """Baskets and lines from the allotted order lines; lines of baskets not handed out follow the
    allotted quantities (a weight already typed stays, and is checked again at handing over).
    Returns the baskets that could not follow (handed out, or in a closed distribution)."""
    planned = distribution.status == Distribution.Status.PLANNED
    orders = _orders_for(distribution)
    costs = dict(CyclePrice.objects.filter(cycle_id=distribution.cycle_id).values_list("product_id", "unit_cost"))
    bulk = dict(CyclePrice.objects.filter(cycle_id=distribution.cycle_id).values_list("product_id", "is_bulk"))
    if planned:
        # a basket with nothing allotted is nothing to collect: none is made for it
        with_goods = set(OrderLine.objects.filter(order_id__in=[o.pk for o in orders], allotted__gt=0)
                         .values_list("order_id", flat=True))
        existing = set(Basket.objects.filter(distribution=distribution).values_list("order_id", flat=True))
        Basket.objects.bulk_create([Basket(distribution=distribution, member_id=o.member_id, order=o)
                                    for o in orders if o.pk not in existing and o.pk in with_goods])
    baskets = {b.order_id: b for b in Basket.objects.filter(distribution=distribution).select_related("member")}
    lines = OrderLine.objects.filter(order_id__in=[o.pk for o in orders])
    have = {bl.order_line_id: bl for bl in BasketLine.objects.filter(basket__distribution=distribution,
                                                                      order_line__isnull=False)}
    create, update, kept = [], [], {}
    for line in lines:
        allotted = line.allotted or ZERO
        basket = baskets.get(line.order_id)
        if basket is None:
            continue
        current = have.get(line.pk)
        if (current is None and allotted <= 0) or (current is not None and current.allotted == allotted):
            continue
        if not planned or basket.status not in FOLLOWING:
            kept[basket.pk] = basket
        elif current is None:
            create.append(BasketLine(basket=basket, order_line=line, product_id=line.product_id, name=line.name,
                                     unit=line.unit, is_bulk=bulk.get(line.product_id, False),
                                     unit_price=line.unit_price, unit_cost=costs.get(line.product_id, ZERO),
                                     allotted=allotted))
        else:
            current.allotted = allotted
            update.append(current)
    BasketLine.objects.bulk_create(create)
    BasketLine.objects.bulk_update(update, ["allotted"])
    if planned:
        _drop_empty_baskets(distribution)
    return list(kept.values())


def _drop_empty_baskets(distribution) -> None:
    """Baskets still to collect that a re-sharing left with nothing (no goods allotted, nothing from
    stock, nothing weighed, no payment or fee booked on them) are not listed to collect."""
    (Basket.objects.filter(distribution=distribution, status=Basket.Status.WAITING)
     .exclude(lines__allotted__gt=0).exclude(lines__from_stock=True).exclude(lines__served__isnull=False)
     .filter(entries__isnull=True, checkout_fee__isnull=True).delete())


def _locked_basket(basket) -> Basket:
    """The basket row locked FOR UPDATE, after its distribution row FOR KEY SHARE.

    Only the basket row: a plain `select_for_update()` with `select_related` also locked the
    distribution and member rows FOR UPDATE, which serialised every basket of a distribution and
    deadlocked with a payment (the payment holds the member, then its foreign key to the
    distribution needs a key-share lock at commit). The key-share lock on the distribution lets
    volunteers work on different baskets at once while `close_distribution` (FOR UPDATE) waits
    for them, and they wait for it and then see it closed. Order: distribution, basket, member.
    """
    if connection.vendor == "postgresql":  # SQLite has no row locks (and writes one at a time)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Distribution._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                           [basket.distribution_id])
    basket = (Basket.objects.select_for_update(of=("self",)).select_related("distribution__cycle", "member")
              .get(pk=basket.pk))
    ensure_not_settled(basket.distribution.cycle)  # (its distributions are closed: this says why, in words)
    if basket.distribution.status != Distribution.Status.PLANNED:
        raise DistributionError(_("This distribution is closed."))
    return basket


def check_served(line: BasketLine, served: Decimal, tolerance_percent: Decimal):
    """The rule for one served quantity (raises OutOfTolerance with a French message)."""
    if served < 0:
        raise OutOfTolerance(_("%(product)s: a quantity cannot be negative."), product=line.name)
    if line.from_stock:
        return
    if line.is_bulk:
        gap = abs(served - line.allotted)
        limit = line.allotted * tolerance_percent / HUNDRED
        if gap > limit:
            raise OutOfTolerance(
                _("%(product)s: %(served)s %(unit)s is too far from the %(allotted)s %(unit)s allotted "
                  "(tolerance %(percent)s %%)."),
                product=line.name, served=plain_number(served), allotted=plain_number(line.allotted), unit=unit_label(line.unit),
                percent=plain_number(tolerance_percent))
    elif served > line.allotted:
        raise OutOfTolerance(_("%(product)s: at most %(allotted)s %(unit)s (what was allotted)."),
                             product=line.name, allotted=plain_number(line.allotted),
                             unit=unit_word(line.unit, line.allotted))


@transaction.atomic
def record_served(*, basket, served: dict, by, now=None) -> Basket:
    """The quantities actually served, per basket line id (all or nothing). Saved at once."""
    basket = _locked_basket(basket)
    if basket.status != Basket.Status.WAITING:
        raise DistributionError(_("This basket has already been handed out; reopen it to change it."))
    tolerance = DistributionSettings.for_association(basket.distribution.association_id).weighing_tolerance_percent
    lines = {line.pk: line for line in basket.lines.all()}
    now = now or timezone.now()
    changed = []
    for line_id, value in served.items():
        line = lines.get(int(line_id))
        if line is None:
            raise DistributionError(_("This line is not part of this basket."))
        try:
            quantity = to_decimal(value)
        except ValueError:
            quantity = None
        if quantity is None or abs(quantity) >= MAX_QUANTITY:
            refusal = DistributionError(_("%(product)s: enter a number."), product=line.name)
            refusal.line_id = line.pk
            raise refusal
        quantity = round_quantity(quantity)
        try:
            check_served(line, quantity, tolerance)
        except OutOfTolerance as refusal:
            refusal.line_id = line.pk  # the form shows it beside the box
            raise
        if line.served != quantity:
            line.served, line.served_at, line.served_by = quantity, now, by
            changed.append(line)
    BasketLine.objects.bulk_update(changed, ["served", "served_at", "served_by"])
    return basket


def _pending_moves(group_id, product_ids=None) -> dict[int, tuple[Decimal, Decimal]]:
    """Per product, what the group's open distributions will move in or out of its stock when they
    close, as (net move, what goes out): a line gives back `allotted - given`, where `given` is
    nothing for a basket not collected, else the quantity served (the allotted one until typed).
    A weight above the allotted quantity and an instant sale take out of the stock."""
    lines = BasketLine.objects.filter(basket__distribution__group_id=group_id,
                                      basket__distribution__status=Distribution.Status.PLANNED)
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    out: defaultdict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
    for product_id, status, allotted, served in lines.values_list("product_id", "basket__status", "allotted",
                                                                  "served"):
        if status == Basket.Status.NOT_COLLECTED:
            given = ZERO
        else:
            given = allotted if served is None else served
        net, taken = out[product_id]
        back = allotted - given
        out[product_id] = (net + back, taken + min(back, ZERO))
    return out


def stock_available(distribution, product_id) -> Decimal:
    """What the group has of a product, less what its open distributions already take out of it
    (instant sales, weights above the allotted quantity)."""
    item = StockItem.objects.filter(group_id=distribution.group_id, product_id=product_id).first()
    held = item.quantity if item else ZERO
    return held + _pending_moves(distribution.group_id, [product_id])[product_id][1]


@dataclass(frozen=True)
class Shortfall:
    """A product whose stock in the group goes below zero once the open distributions close."""

    product_id: int
    name: str
    unit: str
    quantity: Decimal

    @property
    def message(self) -> str:
        return str(_("%(product)s: more was weighed than was allotted, and the group's stock goes below zero "
                     "(%(quantity)s %(unit)s) when the distribution closes. Check the stock.") % {
            "product": self.name, "quantity": plain_number(self.quantity), "unit": unit_label(self.unit)})


def stock_shortfalls(distribution) -> list[Shortfall]:
    """The products of `distribution` whose group stock is, or will be once its open distributions
    close, below zero (weighing above the allotted quantity is allowed, but never silently)."""
    names = {pid: (name, unit) for pid, name, unit in BasketLine.objects.filter(
        basket__distribution=distribution).values_list("product_id", "name", "unit").order_by("name")}
    pending = _pending_moves(distribution.group_id, names)
    held = dict(StockItem.objects.filter(group_id=distribution.group_id, product_id__in=list(names))
                .values_list("product_id", "quantity"))
    out = []
    for pid, (name, unit) in names.items():
        projected = held.get(pid, ZERO) + pending[pid][0]
        if projected < 0:
            out.append(Shortfall(pid, name, unit, projected))
    return sorted(out, key=lambda s: s.name)


@transaction.atomic
def add_from_stock(*, basket, product_id, quantity, by, now=None) -> BasketLine:
    """An instant sale from the group's stock, at the member's price of the cycle."""
    basket = _locked_basket(basket)
    if basket.status != Basket.Status.WAITING:
        raise DistributionError(_("This basket has already been handed out; reopen it to change it."))
    try:
        quantity = to_decimal(quantity)
    except ValueError:
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY:
        raise DistributionError(_("Enter a quantity above zero."))
    quantity = round_quantity(quantity)
    price = CyclePrice.objects.filter(cycle_id=basket.distribution.cycle_id, product_id=product_id).first()
    if price is None:
        raise DistributionError(_("This product is not part of this cycle."))
    # lock the stock row so two volunteers cannot sell the same last kilo
    (StockItem.objects.select_for_update(of=("self",)).filter(group_id=basket.distribution.group_id, product_id=product_id)
     .order_by("pk").first())
    if quantity > stock_available(basket.distribution, product_id):
        raise DistributionError(_("%(product)s: not enough in stock."), product=price.name)
    return BasketLine.objects.create(
        basket=basket, product_id=product_id, name=price.name, unit=price.unit, is_bulk=price.is_bulk,
        unit_price=price.price_for(basket.member.category), unit_cost=price.unit_cost, allotted=ZERO,
        served=quantity, from_stock=True, served_at=now or timezone.now(), served_by=by)


@transaction.atomic
def remove_stock_line(*, line) -> None:
    basket = _locked_basket(line.basket)
    if basket.status != Basket.Status.WAITING or not line.from_stock:
        raise DistributionError(_("This line cannot be removed."))
    BasketLine.objects.filter(pk=line.pk, from_stock=True).delete()


def _set_status(basket, to, by, now=None, allowed=(Basket.Status.WAITING,)) -> Basket:
    basket = _locked_basket(basket)
    if Basket.objects.filter(pk=basket.pk, status__in=allowed).update(
            status=to, changed_at=now or timezone.now(), changed_by=by) != 1:
        raise DistributionError(_("This basket has already been handed out (perhaps by another volunteer)."))
    basket.status = to
    return basket


@transaction.atomic
def mark_collected(*, basket, by, now=None) -> Basket:
    """Waiting -> collected. The accounts app then charges what was served."""
    return _set_status(basket, Basket.Status.COLLECTED, by, now)


@transaction.atomic
def mark_not_collected(*, basket, by, now=None) -> Basket:
    return _set_status(basket, Basket.Status.NOT_COLLECTED, by, now)


@transaction.atomic
def reopen_basket(*, basket, by, now=None) -> Basket:
    """Collected or not collected -> waiting (accounts reverses the charge)."""
    return _set_status(basket, Basket.Status.WAITING, by, now,
                       allowed=(Basket.Status.COLLECTED, Basket.Status.NOT_COLLECTED))


@transaction.atomic
def close_distribution(*, distribution, by, now=None, early=False) -> Distribution:
    """Planned -> closed. Every basket must be collected or marked not collected.

    What was not served goes back to the group's stock (and instant sales come out of it), one
    stock move per product, valued at the cycle's cost; when every distribution of the cycle is
    closed, the cycle becomes "distributed". Before the distribution's day, only with `early` (the
    coordinator's explicit choice): a distribution closed too soon cannot be reopened.
    """
    now = now or timezone.now()
    if distribution.date > timezone.localdate(now) and not early:
        raise DistributionError(_("This distribution is on %(date)s: to close it before its day, tick the box "
                                  "that says so."), date=date_format(distribution.date, "l j F"))
    # The cycle row first, as every orders service does (docs/architecture.md "Orders: locking"): taken
    # after the stock rows, it deadlocked with a receipt (cycle, then stock) when the last one closed.
    lock_cycle(OrderCycle(pk=distribution.cycle_id))
    distribution = Distribution.objects.select_for_update(of=("self",)).get(pk=distribution.pk)
    if distribution.status != Distribution.Status.PLANNED:
        raise DistributionError(_("This distribution is already closed."))
    if Basket.objects.filter(distribution=distribution, status=Basket.Status.WAITING).exists():
        raise DistributionError(_("Some baskets are still waiting: mark them collected or not collected first."))
    back: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    cost = {}
    for product_id, status, allotted, served, unit_cost in BasketLine.objects.filter(
            basket__distribution=distribution).values_list("product_id", "basket__status", "allotted", "served",
                                                           "unit_cost"):
        cost[product_id] = unit_cost
        if status == Basket.Status.NOT_COLLECTED:
            given = ZERO
        else:
            given = allotted if served is None else served
        back[product_id] += allotted - given
    moves = [StockMove(group_id=distribution.group_id, product_id=pid, cycle_id=distribution.cycle_id,
                       kind=StockMove.Kind.CORRECTION, quantity=qty, unit_cost=cost[pid], by=by, at=now,
                       reason=str(_("distribution of %(date)s") % {"date": distribution.date.strftime("%d/%m/%Y")}))
             for pid, qty in sorted(back.items()) if qty != 0]
    apply_stock_moves(moves)
    if Distribution.objects.filter(pk=distribution.pk, status=Distribution.Status.PLANNED).update(
            status=Distribution.Status.CLOSED, closed_at=now, closed_by=by) != 1:
        raise DistributionError(_("This distribution is already closed."))
    distribution.status = Distribution.Status.CLOSED
    if not Distribution.objects.filter(cycle_id=distribution.cycle_id, status=Distribution.Status.PLANNED).exists() \
            and OrderCycle.objects.filter(pk=distribution.cycle_id, status__in=(CycleStatus.ORDERED,
                                                                               CycleStatus.RECEIVED)
                                          ).update(status=CycleStatus.DISTRIBUTED) == 1:
        record_event(distribution.cycle, CycleEvent.Kind.DISTRIBUTED, by=by, now=now)
    return distribution


# --- Rota -----------------------------------------------------------------------------------------


def _check_slot(task, starts_at, ends_at) -> str:
    if not task.strip():
        raise DistributionError(_("Say what the task is."))
    if ends_at is not None and starts_at is None:
        raise DistributionError(_("Give the start time too."))
    if ends_at is not None and ends_at <= starts_at:
        raise DistributionError(_("The slot must end after it starts."))
    return task.strip()


@transaction.atomic
def add_slot(*, distribution, task, starts_at=None, ends_at=None) -> RotaSlot:
    """A place on the rota, from `starts_at` to `ends_at` (times of day on the distribution's date)."""
    task = _check_slot(task, starts_at, ends_at)
    return RotaSlot.objects.create(distribution=distribution, task=task, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def change_slot(*, slot, task, starts_at=None, ends_at=None) -> RotaSlot:
    """Change a slot's task or times (its volunteer, if any, stays on it)."""
    task = _check_slot(task, starts_at, ends_at)
    if RotaSlot.objects.filter(pk=slot.pk).update(task=task, starts_at=starts_at, ends_at=ends_at) != 1:
        raise DistributionError(_("This slot no longer exists."))
    slot.task, slot.starts_at, slot.ends_at = task, starts_at, ends_at
    return slot


@transaction.atomic
def sign_up(*, slot, by) -> RotaSlot:
    """A volunteer takes an empty slot (conditional update: two at once, one wins)."""
    if RotaSlot.objects.filter(pk=slot.pk, volunteer__isnull=True).update(volunteer=by) != 1:
        raise DistributionError(_("Someone has already taken this slot."))
    slot.volunteer = by
    return slot


@transaction.atomic
def withdraw(*, slot, by) -> RotaSlot:
    if RotaSlot.objects.filter(pk=slot.pk, volunteer=by).update(volunteer=None) != 1:
        raise DistributionError(_("This slot is not yours."))
    slot.volunteer = None
    return slot


@transaction.atomic
def set_tolerance(*, association, percent) -> DistributionSettings:
    percent = to_decimal(percent)
    if percent < 0 or percent > 100:
        raise DistributionError(_("The tolerance is a percentage between 0 and 100."))
    found, _created = DistributionSettings.objects.update_or_create(
        association=association, defaults={"weighing_tolerance_percent": percent})
    return found


# A distribution's documents on the job queue (jobs.prepare_documents)

def start_document_job(*, distribution, kinds, by, language="", now=None) -> DocumentJob:
    """Queue the rendering of `kinds` for `distribution`; refused while another one waits or runs."""
    with transaction.atomic():
        Distribution.objects.select_for_update(of=("self",)).filter(pk=distribution.pk).first()
        if DocumentJob.objects.filter(distribution=distribution, status__in=DocumentJob.ACTIVE).exists():
            raise DomainError(_("The documents of this distribution are already being prepared: wait for them."))
        job = DocumentJob.objects.create(distribution=distribution, kinds=list(kinds), total=len(kinds),
                                         language=language[:10], created_by=by, created_at=now or timezone.now())
        transaction.on_commit(partial(_enqueue_documents, job.pk))
    return job


def _enqueue_documents(job_id: int) -> None:
    # Imported here: jobs.py imports this module to register its task.
    from .jobs import prepare_documents as task

    task.enqueue(job_id)


def run_document_job(*, job_id: int, now=None) -> bool:
    """Render each document of a queued job into the PDF cache, counting them (called by the worker).
    Idempotent: a second run renders from the cache. True if this run finished the job."""
    from .documents import document_pdf  # the view's code path, so the same cache key

    claimed = DocumentJob.objects.filter(pk=job_id, status__in=DocumentJob.ACTIVE).update(
        status=DocumentJob.Status.RUNNING, started_at=now or timezone.now(), done=0)
    if not claimed:
        return False  # done, failed or deleted: a job completes once
    job = DocumentJob.objects.select_related("distribution__association", "distribution__group").get(pk=job_id)
    try:
        for count, kind in enumerate(job.kinds, start=1):
            document_pdf(job.distribution, kind)
            DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.RUNNING).update(done=count)
    except Exception:
        _fail_documents(job_id, str(_("The documents could not be prepared. Try again; if it fails again, tell "
                                      "the person who runs Grappe.")), now=now)
        raise
    return bool(DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.RUNNING).update(
        status=DocumentJob.Status.DONE, finished_at=now or timezone.now()))


def abandon_document_job(job_id: int, **_kwargs) -> None:
    """The job queue gave up on this job (its worker was stopped three times)."""
    _fail_documents(job_id, str(_("The preparation was interrupted three times and was given up. Try again.")))


def _fail_documents(job_id: int, message: str, *, now=None) -> None:
    DocumentJob.objects.filter(pk=job_id, status__in=DocumentJob.ACTIVE).update(
        status=DocumentJob.Status.FAILED, error=message[:500], finished_at=now or timezone.now())
