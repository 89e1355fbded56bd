"""Pages of the orders app: a member's basket, orders on behalf and on paper, cycles, closing,
purchase orders, receipt and stock. Thin: fetch through the scope, parse, call a service, redirect."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.mail import EmailMessage
from django.db.models import Count, Exists, OuterRef, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from grappe.catalogue.models import Product
from grappe.core import numbers, tabular
from grappe.core.errors import DomainError
from grappe.core.fields import number_error_message
from grappe.core.money import line_total, plain_number
from grappe.core.pdf import pdf_response, render_pdf_bytes
from grappe.members.models import Member
from grappe.members.queries import member_for, members_for
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope

from . import queries, services
from .closing import compute_plan
from .models import (
    Channel,
    CycleGroup,
    MemberOrder,
    OrderCycle,
    OrderLine,
    PurchaseOrder,
    StockItem,
    StockMove,
    unit_word,
)
from .queries import cycle_for, purchase_order_for

ZERO = Decimal("0")
STAFF = (ADMIN, COORDINATOR, VOLUNTEER)


# --- lookups: orders.queries.cycle_for / purchase_order_for, members.queries.member_for ----------


def _decimal_or_none(text, *, min_value=ZERO):
    """A quantity typed in a form (blank is 0), bounded and finite; None when it is not one."""
    try:
        return numbers.parse_decimal(text or "", places=numbers.QUANTITY_PLACES, max_value=numbers.QUANTITY_MAX,
                                     min_value=min_value, blank=ZERO)
    except numbers.NumberError:
        return None


def _typed_quantity(text) -> tuple[Decimal | None, str | None]:
    """(quantity, None) for a typed quantity (blank is 0), or (None, the French reason it is refused)."""
    try:
        return numbers.parse_decimal(text or "", places=numbers.QUANTITY_PLACES, max_value=numbers.QUANTITY_MAX,
                                     blank=ZERO), None
    except numbers.NumberError as error:
        return None, number_error_message(error)


# --- member: my orders and my basket --------------------------------------------------------------


@require_scope(MEMBER)
def my_orders(request: HttpRequest) -> HttpResponse:
    member = request.scope.member
    if member is None:
        raise Http404
    open_cycles = list(queries.open_cycles_for_member(member))
    past = (OrderLine.objects.filter(order__member=member).exclude(order__cycle__status=OrderCycle.Status.OPEN)
            .values("order__cycle_id", "order__cycle__name", "order__cycle__status").distinct()
            .order_by("-order__cycle_id")[:10])
    return render(request, "orders/my_orders.html", {"open_cycles": open_cycles, "past": past})


def _orderable(quantity: Decimal, step: Decimal) -> Decimal:
    """What can be ordered of `quantity` in steps of `step` (weighing leaves 0.099 kg in stock:
    nobody can order that, so it is not offered)."""
    if not step or step <= 0:
        return quantity
    return (quantity // step) * step


def _basket_rows(cycle, member, posted=None, stock_first=False, typed=None):
    """One row per product offered to the member's group, with the member's line and the pool.

    With `stock_first` (the member's basket, an order on their behalf), each row also carries what
    the member's group holds in stock, and products in stock come first within their family: the
    closing serves them from that stock first. The paper entry keeps the printed form's order.
    `typed` ({product_id: (quantity text, tolerance text)}) is shown back as typed after a refusal.
    """
    prices = list(queries.offered_prices(cycle, member.group))
    stock = queries.group_stock(member.group_id, [p.product_id for p in prices]) if stock_first else {}
    order = queries.basket(cycle, member)
    lines = {line.product_id: line for line in order.lines.all()} if order else {}
    pooled = {row["product_id"]: row for row in OrderLine.objects.filter(cycle=cycle)
              .values("product_id").annotate(q=Sum("quantity"), t=Sum("tolerance"))}
    rows, total = [], Decimal("0.00")
    for price in prices:
        line = lines.get(price.product_id)
        quantity = line.quantity if line else ZERO
        tolerance = line.tolerance if line else ZERO
        if posted and price.product_id in posted:
            quantity, tolerance = posted[price.product_id]
        typed_q, typed_t = (typed or {}).get(price.product_id, (None, None))
        unit_price = line.unit_price if line else price.price_for(member.category)
        subtotal = line_total(unit_price, quantity or ZERO)
        total += subtotal
        missing = None
        if price.pack_size:
            pool = (pooled.get(price.product_id) or {}).get("q") or ZERO
            remainder = pool % price.pack_size
            missing = price.pack_size - remainder if remainder else ZERO
        rows.append({"price": price, "line": line, "quantity": quantity, "tolerance": tolerance,
                     "quantity_text": typed_q if typed_q is not None else _shown(quantity),
                     "tolerance_text": typed_t if typed_t is not None else _shown(tolerance),
                     "unit_price": unit_price, "subtotal": subtotal, "missing": missing,
                     "allotted": line.allotted if line else None,
                     "stock": _orderable(stock.get(price.product_id, ZERO), price.order_step)})
    if stock_first:
        rows.sort(key=lambda row: (row["price"].family, row["stock"] <= 0))  # stable: by name within
    return rows, total, order


def _shown(quantity) -> str:
    """A stored quantity in an input, the French way: 2,5; nothing for 0."""
    return plain_number(quantity) if quantity else ""


def _parse_basket(request, prices):
    """Quantities and tolerances posted, with the stepper buttons applied.

    Returns (changes, errors, typed): `typed` holds the texts of every product as posted, so that a
    refused page shows back exactly what was typed.
    """
    changes, errors, typed = {}, [], {}
    plus, minus = request.POST.get("plus"), request.POST.get("minus")
    for price in prices:
        pid = price.product_id
        quantity_text, tolerance_text = request.POST.get(f"q-{pid}"), request.POST.get(f"t-{pid}")
        typed[pid] = (quantity_text, tolerance_text)
        quantity, quantity_error = _typed_quantity(quantity_text)
        tolerance, tolerance_error = _typed_quantity(tolerance_text)
        if quantity_error or tolerance_error:
            errors.append(_("%(product)s: %(reason)s") % {"product": price.name,
                                                           "reason": quantity_error or tolerance_error})
            continue
        if plus == str(pid) and quantity + price.order_step <= numbers.QUANTITY_MAX:
            quantity += price.order_step
            typed[pid] = (None, tolerance_text)  # the stepper changed it: show the new quantity
        if minus == str(pid):
            quantity = max(quantity - price.order_step, ZERO)
            typed[pid] = (None, tolerance_text)
        changes[pid] = (quantity, tolerance)
    return changes, errors, typed


def _basket(request, cycle, member, *, channel, template, on_behalf):
    rows, total, order = _basket_rows(cycle, member, stock_first=True)
    if request.method == "POST":
        prices = [row["price"] for row in rows]
        changes, errors, typed = _parse_basket(request, prices)
        current = {row["price"].product_id: (row["quantity"], row["tolerance"]) for row in rows}
        wanted = [services.LineChange(pid, q, t) for pid, (q, t) in changes.items() if current.get(pid) != (q, t)]
        if not errors and wanted:
            try:
                services.place_order(cycle=cycle, member=member, lines=wanted, by=request.user,
                                     channel=request.POST.get("channel", channel) if on_behalf else channel)
            except DomainError as refusal:
                errors.append(str(refusal))
        for error in errors:
            messages.error(request, error)
        if not errors:
            if request.POST.get("plus") or request.POST.get("minus"):
                messages.success(request, _("Basket updated."))
            else:
                messages.success(request, _("Your order is saved. You can change it until the closing."))
            anchor = request.POST.get("plus") or request.POST.get("minus")
            return redirect(request.path + (f"#p-{anchor}" if anchor else ""))
        rows, total, order = _basket_rows(cycle, member, posted=changes, stock_first=True, typed=typed)
    cycle_group = CycleGroup.objects.filter(cycle=cycle, group_id=member.group_id).select_related("site").first()
    return render(request, template, {
        "cycle": cycle, "member": member, "rows": rows, "total": total, "order": order,
        "cycle_group": cycle_group, "is_open": cycle.is_open, "on_behalf": on_behalf,
        "channels": [c for c in Channel.choices if c[0] != Channel.ONLINE],
        "membership_paid": services.membership_paid(member),
        "allotted_total": queries.basket_total(order.lines.all(), allotted=True) if order and cycle.status not in (
            OrderCycle.Status.OPEN, OrderCycle.Status.CLOSED) else None,
    })


@require_scope(MEMBER)
def basket(request: HttpRequest, pk: int) -> HttpResponse:
    member = request.scope.member
    cycle = cycle_for(request.scope, pk)
    if member is None or not cycle.cycle_groups.filter(group_id=member.group_id).exists():
        raise Http404
    return _basket(request, cycle, member, channel=Channel.ONLINE, template="orders/basket.html", on_behalf=False)


@require_scope(*STAFF)
def on_behalf(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, staff=True)
    member = member_for(request.scope, member_pk)
    return _basket(request, cycle, member, channel=Channel.PHONE, template="orders/basket.html", on_behalf=True)


# --- staff: cycles --------------------------------------------------------------------------------


@require_scope(*STAFF)
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = queries.cycles_for(request.scope).prefetch_related("cycle_groups__group")[:50]
    return render(request, "orders/cycle_list.html", {"cycles": cycles})


def _local(value: str):
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@require_scope(ADMIN, COORDINATOR)
def cycle_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    groups = list(scope.groups().filter(status="active").prefetch_related("sites"))
    form = {"name": "", "opens_at": "", "closes_at": "", "distribution_date": "", "place": "", "groups": [],
            "strategy": "fair", "rounding": "fill"}
    if request.method == "POST":
        form.update({key: request.POST.get(key, "") for key in form if key != "groups"})
        form["groups"] = request.POST.getlist("groups")
        chosen = [g for g in groups if str(g.pk) in form["groups"]]
        opens_at, closes_at = _local(form["opens_at"]), _local(form["closes_at"])
        day = parse_date(form["distribution_date"] or "")
        if not form["name"].strip() or not opens_at or not closes_at or not day:
            messages.error(request, _("Fill in the name, the opening and closing times and the distribution date."))
        else:
            plans = []
            for group in chosen:
                stops = [(site, day) for site in group.sites.all() if site.is_stop] if group.kind == "mobile" else []
                fixed = next((s for s in group.sites.all() if not s.is_stop), None)
                plans.append(services.GroupPlan(group, day, site=fixed, place=form["place"], stops=stops))
            try:
                cycle = services.create_cycle(association=scope.association, name=form["name"].strip(),
                                              opens_at=opens_at, closes_at=closes_at, groups=plans, by=request.user,
                                              strategy=form["strategy"] or "fair", rounding=form["rounding"] or "fill")
            except DomainError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Cycle created as a draft: check it, then open it."))
                return redirect("orders:cycle_detail", cycle.pk)
    from .models import Rounding, Strategy

    return render(request, "orders/cycle_form.html", {"groups": groups, "form": form, "strategies": Strategy.choices,
                                                      "roundings": Rounding.choices})


SEARCH_LIMIT = 20


def member_search(scope, group_ids, text: str, limit: int = SEARCH_LIMIT) -> tuple[list[Member], bool]:
    """Active members of the user's groups among `group_ids` whose number is `text` or whose name
    holds every word of it; at most `limit`, by number. Returns (members, more_than_limit)."""
    text = " ".join(text.split())
    if not text:
        return [], False
    members = members_for(scope).filter(group_id__in=group_ids, status=Member.Status.ACTIVE).select_related("group")
    found = list(members.matching(text).order_by("number")[:limit + 1])
    return found[:limit], len(found) > limit


@require_scope(*STAFF)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, staff=True)
    if request.GET.get("adherent", "").isdigit():
        member = member_for(request.scope, int(request.GET["adherent"]))
        return redirect("orders:on_behalf", cycle.pk, member.pk)
    groups = list(queries.cycle_groups(cycle).filter(group__in=request.scope.groups()))
    # members with something in their basket, per group (EXISTS, not a join: 10^5 lines in a pooled cycle)
    filled = Exists(OrderLine.objects.filter(order=OuterRef("pk"), quantity__gt=0))
    baskets = dict(cycle.orders.filter(filled).order_by().values("group_id").annotate(n=Count("pk"))
                   .values_list("group_id", "n"))
    rows = [{"cg": cg, "baskets": baskets.get(cg.group_id, 0)} for cg in groups]
    search = request.GET.get("q", "").strip()[:100]
    found, more = member_search(request.scope, [cg.group_id for cg in groups], search)
    return render(request, "orders/cycle_detail.html", {
        "cycle": cycle, "rows": rows, "purchase_orders": queries.purchase_orders(cycle) if cycle.status not in (
            OrderCycle.Status.DRAFT, OrderCycle.Status.OPEN, OrderCycle.Status.CLOSED) else [],
        "search": search, "found": found, "more_found": more, "search_limit": SEARCH_LIMIT,
        "can_change": request.scope.reaches_all(queries.cycle_group_ids(cycle)),
        "now": timezone.now(),
    })


@require_scope(ADMIN, COORDINATOR)
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            services.open_cycle(cycle=cycle, by=request.user)
            messages.success(request, _("The cycle is open: members can order."))
        except DomainError as refusal:
            messages.error(request, str(refusal))
    return redirect("orders:cycle_detail", cycle.pk)


@require_scope(ADMIN, COORDINATOR)
def cycle_extend(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, write=request.method == "POST")
    if request.method == "POST":
        closes_at = _local(request.POST.get("closes_at", ""))
        try:
            if closes_at is None:
                raise DomainError(_("Give the new closing date and time."))
            services.extend_deadline(cycle=cycle, closes_at=closes_at, by=request.user)
            messages.success(request, _("The deadline is extended."))
        except DomainError as refusal:
            messages.error(request, str(refusal))
    return redirect("orders:cycle_detail", cycle.pk)


def _date_or_none(text):
    try:
        return parse_date((text or "").strip())
    except ValueError:
        return None


def _schedule_rows(cycle_groups, posted=None):
    """One row per group (with its fixed sites and its stops), from the database or as posted."""
    rows = []
    for cg in cycle_groups:
        row = {"cg": cg, "sites": [site for site in cg.group.sites.all() if not site.is_stop],
               "date": cg.distribution_date.isoformat() if cg.distribution_date else "", "time": cg.time,
               "site_id": cg.site_id, "place": cg.place, "stops": []}
        if posted is not None:
            site = posted.get(f"site-{cg.pk}", "")
            row.update(date=posted.get(f"date-{cg.pk}", ""), time=posted.get(f"time-{cg.pk}", ""),
                       site_id=int(site) if site.isdigit() else None, place=posted.get(f"place-{cg.pk}", ""))
        for stop in cg.stops.all():
            entry = {"stop": stop, "date": stop.distribution_date.isoformat(), "time": stop.time}
            if posted is not None:
                entry.update(date=posted.get(f"stop-date-{stop.pk}", ""), time=posted.get(f"stop-time-{stop.pk}", ""))
            row["stops"].append(entry)
        rows.append(row)
    return rows


@require_scope(ADMIN, COORDINATOR)
def cycle_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Distribution date, time and place of each group of the cycle, and of each stop of a van."""
    cycle = cycle_for(request.scope, pk, staff=True)
    cycle_groups = list(queries.cycle_groups(cycle).filter(group__in=request.scope.groups())
                        .prefetch_related("group__sites"))
    editable = cycle.status not in services.SCHEDULE_FROZEN
    rows = _schedule_rows(cycle_groups)
    if request.method == "POST":
        rows = _schedule_rows(cycle_groups, posted=request.POST)
        groups = [services.GroupSchedule(row["cg"].pk, _date_or_none(row["date"]), time=row["time"],
                                         site_id=row["site_id"], place=row["place"]) for row in rows]
        stops = [services.StopSchedule(entry["stop"].pk, _date_or_none(entry["date"]), time=entry["time"])
                 for row in rows for entry in row["stops"]]
        try:
            services.set_distribution_schedule(cycle=cycle, groups=groups, stops=stops, by=request.user)
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Distribution dates and places saved."))
            return redirect("orders:cycle_detail", cycle.pk)
    return render(request, "orders/cycle_schedule.html", {"cycle": cycle, "rows": rows, "editable": editable,
                                                          "closing_day": timezone.localdate(cycle.closes_at)})


@require_scope(ADMIN, COORDINATOR)
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            services.close_cycle(cycle=cycle, by=request.user)
            messages.success(request, _("Orders are closed. Check the packs, then confirm the purchase orders."))
            return redirect("orders:review", cycle.pk)
        except DomainError as refusal:
            messages.error(request, str(refusal))
    return redirect("orders:cycle_detail", cycle.pk)


def _packs_from(request, plan_products):
    packs = {}
    for pid in plan_products:
        raw = request.POST.get(f"packs-{pid}")
        if raw is None or raw.strip() == "":
            continue
        value = _decimal_or_none(raw)
        if value is None or value < 0 or value != value.to_integral_value():
            raise DomainError(_("A number of packs is a whole number, 0 or more."))
        packs[pid] = value
    return packs


DISPATCH_GROUPS_AT_ONCE = 4  # above, the dispatch plan is shown one group at a time
REVIEW_SHARES = 12  # members listed per product on the review (those served short first)


@require_scope(ADMIN, COORDINATOR)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Before confirming: packs per product (editable), and what members get with those packs."""
    cycle = cycle_for(request.scope, pk, write=True)  # it lists the members of every group it covers
    if cycle.status != OrderCycle.Status.CLOSED:
        messages.error(request, _("The review is for a closed cycle, before its purchase orders are confirmed."))
        return redirect("orders:cycle_detail", cycle.pk)
    packs, stock_group = {}, None
    groups = list(queries.cycle_groups(cycle))
    if request.method == "POST":
        plan = compute_plan(cycle)
        try:
            packs = _packs_from(request, plan.products)
        except DomainError as refusal:
            messages.error(request, str(refusal))
            packs = {}
        stock_group_id = request.POST.get("stock_group") or None
        stock_group = next((cg.group for cg in groups if str(cg.group_id) == stock_group_id), None)
        if "confirm" in request.POST and not any(m.level_tag == "error" for m in messages.get_messages(request)):
            try:
                services.confirm_cycle(cycle=cycle, by=request.user, packs=packs, stock_group=stock_group)
            except DomainError as refusal:
                messages.error(request, str(refusal))
                return redirect("orders:cycle_detail", cycle.pk)
            messages.success(request, _("Purchase orders created. Download them or send them to the suppliers."))
            return redirect("orders:purchase_orders", cycle.pk)
    plan = compute_plan(cycle, packs=packs, stock_group_id=getattr(stock_group, "pk", None))
    by_product = defaultdict(list)  # one pass over the lines (10^5 in a national cycle)
    for line_id, (product_id, _g, _s, quantity, tolerance) in plan.lines.items():
        if quantity or tolerance:
            by_product[product_id].append((line_id, quantity, tolerance, plan.allotted.get(line_id, ZERO)))
    # the members shown: per product, those who get less than they asked first, at most REVIEW_SHARES
    shown = {}
    for pid, rows in by_product.items():
        rows.sort(key=lambda row: (row[3] >= row[1], row[0]))
        shown[pid] = rows[:REVIEW_SHARES]
    owners = dict(OrderLine.objects.filter(pk__in=[row[0] for rows in shown.values() for row in rows])
                  .values_list("pk", "order_id"))
    orders = MemberOrder.objects.select_related("member").in_bulk(set(owners.values()))
    products = []
    for pid, p in sorted(plan.products.items(), key=lambda kv: (kv[1].price.supplier_id, kv[1].price.name)):
        if not (p.quantity or p.tolerance):
            continue
        rows = by_product.get(pid, [])
        shares = []
        for line_id, quantity, tolerance, allotted in shown.get(pid, []):
            order = orders[owners[line_id]]
            shares.append({"member": order.member, "priority": order.priority, "quantity": quantity,
                           "tolerance": tolerance, "allotted": allotted})
        shares.sort(key=lambda s: (s["allotted"] >= s["quantity"], s["member"].number))
        products.append({"pid": pid, "plan": p, "shares": shares, "count": len(rows),
                         "hidden": len(rows) - len(shares),
                         "short": any(allotted < quantity for _l, quantity, _t, allotted in rows)})
    return render(request, "orders/review.html", {"cycle": cycle, "products": products, "groups": groups,
                                                  "stock_group": stock_group, "packs": packs})


# --- paper ----------------------------------------------------------------------------------------


@require_scope(*STAFF)
def order_form_pdf(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    """The paper order form of a group: large type, pictograms, boxes; ?adherent=<pk> pre-fills it."""
    cycle = cycle_for(request.scope, pk, staff=True)
    cycle_group = get_object_or_404(CycleGroup.objects.select_related("group", "site"), cycle=cycle,
                                    group_id=group_pk, group__in=request.scope.groups())
    member = None
    if request.GET.get("adherent"):
        member = member_for(request.scope, request.GET["adherent"])
    prices = list(queries.offered_prices(cycle, cycle_group.group).select_related("supplier"))
    return pdf_response("orders/order_form_pdf.html", {
        "cycle": cycle, "cg": cycle_group, "prices": prices, "member": member, "association": cycle.association,
        "stops": list(cycle_group.stops.select_related("site")),
    }, f"bon-de-commande-{cycle.pk}-{cycle_group.group_id}.pdf", request)


@require_scope(*STAFF)
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Typing paper forms: member number, then one line per product; keyboard only, total visible."""
    cycle = cycle_for(request.scope, pk, staff=True)
    scope = request.scope
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    member = None
    if number:
        member = (members_for(scope).filter(number=number).select_related("group").first()
                  if number.isdigit() else None)
        if member is None:
            messages.error(request, _("No member with number %(number)s in your groups.") % {"number": number})
    rows, total = [], Decimal("0.00")
    if member is not None:
        rows, total, _order = _basket_rows(cycle, member)
        if request.method == "POST" and "save" in request.POST:
            prices = [row["price"] for row in rows]
            changes, errors, typed = _parse_basket(request, prices)
            current = {row["price"].product_id: (row["quantity"], row["tolerance"]) for row in rows}
            wanted = [services.LineChange(p, q, t) for p, (q, t) in changes.items() if current.get(p) != (q, t)]
            if not errors:
                try:
                    services.place_order(cycle=cycle, member=member, lines=wanted, by=request.user,
                                         channel=Channel.PAPER)
                except DomainError as refusal:
                    errors.append(str(refusal))
            for error in errors:
                messages.error(request, error)
            if not errors:
                messages.success(request, _("Form of %(name)s (no. %(number)s) saved.") % {
                    "name": member.name, "number": member.number})
                return redirect(reverse("orders:paper_entry", args=[cycle.pk]))
            rows, total, _order = _basket_rows(cycle, member, posted=changes, typed=typed)
    return render(request, "orders/paper_entry.html", {"cycle": cycle, "member": member, "rows": rows,
                                                       "total": total, "number": number})


# --- purchase orders ------------------------------------------------------------------------------


@require_scope(ADMIN, COORDINATOR)
def purchase_orders(request: HttpRequest, pk: int) -> HttpResponse:
    """The purchase orders, and the dispatch plan: whole for a small cycle, one group at a time for a
    pooled one (100 groups x 1,000 products would be 10^5 rows in one page)."""
    cycle = cycle_for(request.scope, pk, staff=True)
    groups = [cg.group for cg in queries.cycle_groups(cycle).order_by("group__name")]
    chosen = next((g for g in groups if str(g.pk) == request.GET.get("groupe")), None)
    if chosen is None and len(groups) > DISPATCH_GROUPS_AT_ONCE:
        dispatch = []
    else:
        dispatch = queries.dispatch_plan(cycle, group=chosen)
    return render(request, "orders/purchase_orders.html", {
        "cycle": cycle, "orders": queries.purchase_orders(cycle), "dispatch": dispatch, "groups": groups,
        "chosen": chosen, "one_group_at_a_time": len(groups) > DISPATCH_GROUPS_AT_ONCE})


def _po_context(po):
    return {"po": po, "lines": list(po.lines.all()), "association": po.cycle.association, "cycle": po.cycle}


@require_scope(ADMIN, COORDINATOR)
def purchase_order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk)
    return pdf_response("orders/purchase_order_pdf.html", _po_context(po), f"{po.number}.pdf", request)


@require_scope(ADMIN, COORDINATOR)
def purchase_order_csv(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{po.number}.csv"'
    response.write("\ufeff")
    writer = tabular.writer(response, delimiter=";")
    writer.writerow([_("Reference"), _("Product"), _("Packs"), _("Pack size"), _("Unit"), _("Pack price excl. VAT"),
                     _("VAT rate (%)"), _("Amount excl. VAT"), _("VAT")])
    for line in po.lines.all():
        writer.writerow([line.reference, line.name, line.packs, line.pack_size or "",
                         unit_word(line.unit, line.pack_size or line.quantity),
                         line.pack_price_excl_vat, line.vat_rate, line.amount_excl_vat, line.amount_vat])
    writer.writerow(["", _("Total"), po.packs, "", "", "", "", po.total_excl_vat, po.total_vat])
    return response


@require_scope(ADMIN, COORDINATOR)
def purchase_order_send(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk, write=request.method == "POST")
    if request.method == "POST":
        if not po.supplier.email:
            messages.error(request, _("This supplier has no e-mail address: download the PDF and send it another way."))
        else:
            pdf = render_pdf_bytes("orders/purchase_order_pdf.html", _po_context(po), request)
            association = po.cycle.association
            mail = EmailMessage(
                subject=_("Purchase order %(number)s from %(association)s") % {"number": po.number,
                                                                                "association": association.name},
                body=_("Hello,\n\nPlease find attached our purchase order %(number)s, for delivery on %(date)s.\n\n"
                       "Best regards,\n%(association)s") % {"number": po.number, "association": association.name,
                                                             "date": po.delivery_date or ""},
                to=[po.supplier.email], reply_to=[association.email] if association.email else None)
            mail.attach(f"{po.number}.pdf", pdf, "application/pdf")
            mail.send()
            PurchaseOrder.objects.filter(pk=po.pk).update(status=PurchaseOrder.Status.SENT, sent_at=timezone.now(),
                                                          sent_to=po.supplier.email)
            messages.success(request, _("Purchase order sent to %(email)s.") % {"email": po.supplier.email})
    return redirect("orders:purchase_orders", po.cycle_id)


@require_scope(ADMIN, COORDINATOR)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk, write=request.method == "POST")
    lines = list(po.lines.all())
    if request.method == "POST":
        entries, errors = [], []
        for line in lines:
            delivered = _decimal_or_none(request.POST.get(f"delivered-{line.pk}") or str(line.quantity))
            damaged = _decimal_or_none(request.POST.get(f"damaged-{line.pk}"))
            if delivered is None or damaged is None:
                errors.append(_("%(product)s: write a number.") % {"product": line.name})
                continue
            entries.append(services.ReceivedLine(line.pk, delivered=delivered, damaged=damaged,
                                                 substitute=request.POST.get(f"substitute-{line.pk}", "").strip(),
                                                 note=request.POST.get(f"note-{line.pk}", "").strip()[:200]))
        if not errors:
            try:
                received = services.record_receipt(purchase_order=po, lines=entries, by=request.user)
            except DomainError as refusal:
                errors.append(str(refusal))
        for error in errors:
            messages.error(request, error)
        if not errors:
            if received.warnings:
                messages.success(request, _("Receipt recorded; the baskets not handed out are updated."))
                for warning in received.warnings:
                    messages.warning(request, warning)
            else:
                messages.success(request, _("Receipt recorded; members' baskets are updated."))
            return redirect("orders:purchase_orders", po.cycle_id)
    return render(request, "orders/receipt.html", {"po": po, "lines": lines})


# --- stock ----------------------------------------------------------------------------------------


@require_scope(*STAFF)
def stock(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    groups = list(scope.groups())
    if request.method == "POST":
        if not scope.is_coordinator:
            raise Http404
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        product = Product.objects.filter(association=scope.association, pk=request.POST.get("product") or 0).first()
        quantity = _decimal_or_none(request.POST.get("quantity"))
        try:
            if group is None or product is None or quantity is None:
                raise DomainError(_("Choose a group and a product, and write a quantity."))
            services.adjust_stock(group=group, product=product, quantity=quantity, kind=request.POST.get("kind"),
                                  reason=request.POST.get("reason", ""), by=request.user)
            messages.success(request, _("Stock updated."))
            return redirect("orders:stock")
        except DomainError as refusal:
            messages.error(request, str(refusal))
    items = StockItem.objects.filter(group__in=groups, quantity__gt=0).select_related("group", "product")
    moves = StockMove.objects.filter(group__in=groups).select_related("group", "product", "by")[:30]
    return render(request, "orders/stock.html", {
        "items": items, "moves": moves, "groups": groups,
        "products": Product.objects.filter(association=scope.association).order_by("name"),
        "kinds": [(StockMove.Kind.INVENTORY, _("inventory (counted quantity)")),
                  (StockMove.Kind.LOSS, _("loss (quantity lost)"))],
        "total_value": sum((item.value for item in items), Decimal("0.00")),
    })
