"""Pages of the orders app: a member's basket, orders on behalf and on paper, cycles, closing,
purchase orders, receipt and stock. Thin: fetch through the scope, read the POST through a form
(forms.py), call a service, redirect; a refused form shows its page again, as typed."""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.catalogue.models import Family, family_rank
from grappe.core import tabular
from grappe.core.errors import REFUSED, DomainError
from grappe.core.money import line_total, plain_number
from grappe.core.pdf import pdf_response
from grappe.core.text import fold, words
from grappe.members.language import member_translation
from grappe.members.queries import member_for
from grappe.members.services import first_fee_due
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope

from . import queries, services
from .closing import compute_plan, supplier_plans
from .forms import (
    BasketForm,
    ConfirmForm,
    CycleForm,
    ExtendForm,
    MemberNumberForm,
    ReceiptForm,
    ReopenForm,
    ReviewForm,
    ScheduleForm,
    SendAgainForm,
    StockAdjustmentForm,
    refusals_of,
)
from .models import Channel, OrderCycle, PurchaseOrder, Rounding, Strategy, unit_word
from .queries import SEARCH_LIMIT, cycle_for, purchase_order_for
from .states import moment_in_words

ZERO = Decimal("0")
STAFF = (ADMIN, COORDINATOR, VOLUNTEER)


def _refused(request, refusals) -> None:
    """A refused form's French sentences, shown on the page rendered again."""
    for refusal in refusals:
        messages.error(request, refusal)


# --- member: my orders and my basket --------------------------------------------------------------


@require_scope(MEMBER)
def my_orders(request: HttpRequest) -> HttpResponse:
    member = request.scope.member
    if member is None:
        raise Http404
    cycles = [{"cycle": cycle, "when": queries.when_and_where(cycle, member.group_id, member.stop_id)}
              for cycle in queries.open_cycles_for_member(member)]
    return render(request, "orders/my_orders.html", {"open_cycles": cycles, "past": queries.past_cycles(member)})


def _orderable(quantity: Decimal, step: Decimal) -> Decimal:
    """What can be ordered of `quantity` in steps of `step` (weighing leaves 0.099 kg in stock:
    nobody can order that, so it is not offered)."""
    if not step or step <= 0:
        return quantity
    return (quantity // step) * step


def _basket_rows(cycle, member, posted=None, stock_first=False, typed=None, hints=True):
    """One row per product offered to the member's group, with the member's line and the pool.

    With `stock_first` (the member's basket, an order on their behalf), each row also carries what
    the member's group holds in stock, and products in stock come first within their family: the
    closing serves them from that stock first. The paper entry keeps the printed form's order.
    `posted` ({product_id: (quantity, tolerance)}) and `typed` ({product_id: (quantity text,
    tolerance text)}) show a refused form back as typed. `hints`: the pack hints ("10 kg are still
    missing"), read from the pooled totals of the pack products offered only (`queries.pooled_of`):
    a fixed number of queries whatever the cycle's size; none on a closed cycle.
    """
    prices = list(queries.offered_prices(cycle, member.group))
    stock = queries.group_stock(member.group_id, [p.product_id for p in prices]) if stock_first else {}
    order = queries.basket(cycle, member)
    lines = {line.product_id: line for line in order.lines.all()} if order else {}
    pooled = queries.pooled_of(cycle, [p.product_id for p in prices if p.pack_size]) if hints else {}
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
        if price.pack_size and hints:
            pool = pooled.get(price.product_id) or ZERO
            remainder = pool % price.pack_size
            missing = price.pack_size - remainder if remainder else ZERO
        rows.append({"price": price, "line": line, "quantity": quantity, "tolerance": tolerance,
                     "quantity_text": typed_q if typed_q is not None else _shown(quantity),
                     "tolerance_text": typed_t if typed_t is not None else _shown(tolerance),
                     "unit_price": unit_price, "subtotal": subtotal, "missing": missing,
                     "allotted": line.allotted if line else None,
                     "stock": _orderable(stock.get(price.product_id, ZERO), price.order_step)})
    if stock_first:
        rows.sort(key=lambda row: (family_rank(row["price"].family), row["stock"] <= 0))  # stable: by name within
    return rows, total, order


def _shown(quantity) -> str:
    """A stored quantity in an input, the French way: 2,5; nothing for 0."""
    return plain_number(quantity) if quantity else ""


def _save_basket(request, cycle, member, rows, *, channel, on_behalf=False, send_unchanged=False,
                 only_posted=False):
    """The one handling of a posted basket (the member's, on their behalf, a paper form).

    Reads the boxes through BasketForm, applies the stepper, and places what changed, by `channel`
    (on behalf: the channel chosen on the page, `channel` by default). The paper entry
    sends an unchanged form too (`send_unchanged`): saving it still says the cycle is closed or the
    membership unpaid. `only_posted` (the basket): a product whose box is not posted is left as it
    is (a "+" with JavaScript posts its product's boxes only; a search shows some products only).
    Returns (form, refusals): no refusal means the basket is saved.
    """
    form = BasketForm(request.POST, prices=[row["price"] for row in rows], on_behalf=on_behalf)
    form.is_valid()
    refusals = form.refusals()
    current = {row["price"].product_id: (row["quantity"], row["tolerance"]) for row in rows}
    wanted = [services.LineChange(pid, q, t) for pid, (q, t) in form.wanted().items()
              if current.get(pid) != (q, t) and (not only_posted or f"q-{pid}" in request.POST)]
    if not refusals and (wanted or send_unchanged):
        try:
            services.place_order(cycle=cycle, member=member, lines=wanted, by=request.user,
                                 channel=form.cleaned_data.get("channel") or channel)
        except DomainError as refusal:
            refusals.append(str(refusal))
    return form, refusals


TAPPED = "orders.basket.tapped"  # session: the product of the last "+" or "−" saved without JavaScript


def _product_id(text) -> int | None:
    return int(text) if str(text).isdigit() else None


def _families(rows, search: str, open_family: str):
    """The catalogue of the basket by family, each collapsed unless searched or just changed: a
    list of {"code", "label", "pictogram", "rows", "ordered", "open"}. `search` keeps the products
    whose name holds every word of it, without regard to case or accents ("pates" finds "Pâtes")."""
    wanted = words(search)
    families: dict[str, dict] = {}
    for row in rows:
        price = row["price"]
        if wanted and not all(word in fold(price.name) for word in wanted):
            continue
        family = families.setdefault(price.family, {
            "code": price.family, "label": _family_label(price.family), "pictogram": price.pictogram,
            "rows": [], "ordered": 0, "open": bool(wanted) or price.family == open_family})
        family["rows"].append(row)
        family["ordered"] += 1 if row["line"] is not None and row["line"].quantity else 0
    return list(families.values())


def _family_label(code: str) -> str:
    try:
        return str(Family(code).label).capitalize()
    except ValueError:
        return str(Family.OTHER.label).capitalize()


def _basket_context(request, cycle, member, rows, order, *, on_behalf, note=None):
    """What the basket page and its fragments show: the distribution, the basket (the lines
    ordered, as stored), and on an open cycle the catalogue by family."""
    is_open = cycle.is_open
    lines = [line for line in order.lines.all() if line.quantity or line.allotted] if order else []
    when = queries.when_and_where(cycle, member.group_id, member.stop_id)
    today = timezone.localdate()
    allotted_known = cycle.status not in (OrderCycle.Status.OPEN, OrderCycle.Status.CLOSED)
    search = request.GET.get("q", "").strip()[:100]
    shown = note["product"] if note is not None else _product_id(request.GET.get("produit", ""))
    open_family = next((row["price"].family for row in rows if row["price"].product_id == shown), "")
    return {
        "cycle": cycle, "member": member, "rows": rows, "order": order,
        "summary": [{"line": line, "subtotal": line_total(line.unit_price, line.quantity)} for line in lines],
        "total": queries.basket_total(lines), "when": when,
        "past": when is not None and when.day < today,
        "is_open": is_open, "closed": not is_open, "on_behalf": on_behalf, "note": note,
        "families": _families(rows, search, open_family) if is_open else [], "search": search,
        "channels": [c for c in Channel.choices if c[0] != Channel.ONLINE],
        "membership_paid": services.membership_paid(member), "first_fee_due": first_fee_due(member),
        "allotted_total": queries.basket_total(lines, allotted=True) if order and allotted_known else None,
    }


def _basket(request, cycle, member, *, channel, on_behalf):
    """The basket: a "+" or "−" with JavaScript (htmx) answers with that product's box and the
    basket's summary only; without, it saves and comes back to the product (#p-<id>)."""
    is_open = cycle.is_open
    rows, _total, order = _basket_rows(cycle, member, stock_first=True, hints=is_open)
    status, note = 200, None
    if request.method == "POST":
        form, refusals = _save_basket(request, cycle, member, rows, channel=channel, on_behalf=on_behalf,
                                      only_posted=True)
        stepped = _product_id(form.stepped)
        if not refusals:
            if stepped and request.htmx:
                rows, _total, order = _basket_rows(cycle, member, stock_first=True, hints=is_open)
                return _tap(request, cycle, member, rows, order, on_behalf=on_behalf,
                            note={"product": stepped, "text": _("Basket updated."), "ok": True})
            if stepped:
                request.session[TAPPED] = stepped
            else:
                messages.success(request, _("Your order is saved. You can change it until the closing."))
            return redirect(request.path + (f"#p-{stepped}" if stepped else ""))
        typed = form.typed()
        if stepped in typed:  # refused: the box shows what was typed before the tap, not the step applied
            typed[stepped] = (request.POST.get(f"q-{stepped}", ""), typed[stepped][1])
        rows, _total, order = _basket_rows(cycle, member, posted=form.wanted(), stock_first=True,
                                           typed=typed, hints=is_open)
        status = REFUSED
        if stepped:
            note = {"product": stepped, "text": " ".join(refusals), "ok": False}
            if request.htmx:
                return _tap(request, cycle, member, rows, order, on_behalf=on_behalf, note=note, status=status)
        _refused(request, refusals)
    elif (tapped := request.session.pop(TAPPED, None)) is not None:
        note = {"product": tapped, "text": _("Basket updated."), "ok": True}
    return render(request, "orders/basket.html",
                  _basket_context(request, cycle, member, rows, order, on_behalf=on_behalf, note=note), status=status)


def _tap(request, cycle, member, rows, order, *, on_behalf, note, status=200) -> HttpResponse:
    """The answer to a "+" or "−" with JavaScript: the product's box, and the basket's summary
    swapped out of band (a few KB instead of the whole page)."""
    context = _basket_context(request, cycle, member, rows, order, on_behalf=on_behalf, note=note)
    context["row"] = next((row for row in rows if row["price"].product_id == note["product"]), None)
    if context["row"] is None:
        raise Http404
    family = context["row"]["price"].family
    context["family"] = next((f for f in _families(rows, "", family) if f["code"] == family), None)
    return render(request, "orders/_basket_tap.html", context, status=status)


@require_scope(MEMBER)
def basket(request: HttpRequest, pk: int) -> HttpResponse:
    member = request.scope.member
    cycle = cycle_for(request.scope, pk)
    if member is None or not queries.covers_group(cycle, member.group_id):
        raise Http404
    return _basket(request, cycle, member, channel=Channel.ONLINE, on_behalf=False)


@require_scope(*STAFF)
def on_behalf(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, staff=True)
    member = member_for(request.scope, member_pk)
    return _basket(request, cycle, member, channel=Channel.PHONE, on_behalf=True)


# --- staff: cycles --------------------------------------------------------------------------------


@require_scope(*STAFF)
def cycle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/cycle_list.html", {"cycles": queries.cycle_list(request.scope)})


def _cycle_plans(form: CycleForm) -> list:
    """One plan per group chosen: the form's date and place (every stop of a van gets the date)."""
    data = form.cleaned_data
    day = data["distribution_date"]
    plans = []
    for group in form.chosen_groups():
        stops = ([(site, day) for site in group.sites.all() if site.is_stop and site.retired_at is None]
                 if group.kind == "mobile" else [])
        fixed = next((s for s in group.sites.all() if not s.is_stop), None)
        plans.append(services.GroupPlan(group, day, site=fixed, place=data["place"], stops=stops))
    return plans


def _cycle_form_page(request, form, *, cycle=None) -> HttpResponse:
    if form.is_bound:
        _refused(request, refusals_of(form))
    return render(request, "orders/cycle_form.html", {"form": form, "groups": form.groups, "cycle": cycle,
                                                      "strategies": Strategy.choices, "roundings": Rounding.choices},
                  status=REFUSED if form.is_bound else 200)


@require_scope(ADMIN, COORDINATOR)
def cycle_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    form = CycleForm(request.POST if request.method == "POST" else None,
                     groups=queries.groups_for_new_cycle(scope))
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.create_cycle(association=scope.association, name=data["name"],
                                          opens_at=data["opens_at"], closes_at=data["closes_at"],
                                          groups=_cycle_plans(form), by=request.user,
                                          strategy=data["strategy"] or Strategy.FAIR,
                                          rounding=data["rounding"] or Rounding.FILL)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Cycle created as a draft: check it, then open it."))
            return redirect("orders:cycle_detail", cycle.pk)
    return _cycle_form_page(request, form)


def _draft_initial(cycle) -> dict:
    """What the form shows of a draft: its fields, and the first group's date and place."""
    groups = list(queries.cycle_groups(cycle))
    first = groups[0] if groups else None
    def typed(moment):  # as a datetime-local box shows it
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    return {"name": cycle.name, "opens_at": typed(cycle.opens_at), "closes_at": typed(cycle.closes_at),
            "strategy": cycle.strategy, "rounding": cycle.rounding, "groups": [str(cg.group_id) for cg in groups],
            "distribution_date": first.distribution_date.isoformat() if first else "",
            "place": first.place if first else ""}


@require_scope(ADMIN, COORDINATOR)
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft (name, times, rules, groups); an opened cycle is changed by its own actions."""
    cycle = cycle_for(request.scope, pk, write=True)
    if cycle.status != OrderCycle.Status.DRAFT:
        messages.error(request, _("Only a draft cycle can be changed: this one is already opened."))
        return redirect("orders:cycle_detail", cycle.pk)
    groups = queries.groups_for_new_cycle(request.scope)
    form = CycleForm(request.POST if request.method == "POST" else None, groups=groups,
                     initial=_draft_initial(cycle))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_draft_cycle(cycle=cycle, name=data["name"], opens_at=data["opens_at"],
                                        closes_at=data["closes_at"], groups=_cycle_plans(form), by=request.user,
                                        strategy=data["strategy"] or None, rounding=data["rounding"] or None)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("orders:cycle_detail", cycle.pk)
    return _cycle_form_page(request, form, cycle=cycle)


@require_scope(ADMIN, COORDINATOR)
def cycle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft, after a confirmation page (a required tick box)."""
    cycle = cycle_for(request.scope, pk, write=True)
    if cycle.status != OrderCycle.Status.DRAFT:
        messages.error(request, _("Only a draft cycle can be deleted: this one is already opened."))
        return redirect("orders:cycle_detail", cycle.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None,
                       refusal=_("Tick the box to confirm the deletion: nothing was deleted."))
    if form.is_valid():
        try:
            name = services.delete_draft_cycle(cycle=cycle, by=request.user)
        except DomainError as refusal:
            messages.error(request, str(refusal))
            return redirect("orders:cycle_detail", cycle.pk)
        messages.success(request, _("The draft “%(cycle)s” is deleted.") % {"cycle": name})
        return redirect("orders:cycle_list")
    if form.is_bound:
        _refused(request, refusals_of(form))
    return render(request, "orders/cycle_delete.html", {"cycle": cycle}, status=REFUSED if form.is_bound else 200)


EXTRAS_NAMED = 4  # members named per product whose "up to" extras could complete a pack


def _cycle_progress(request, cycle, group_ids):
    """An open cycle seen while it runs (coordinators): per supplier, its products ordered with the
    packs closing would buy now (`compute_plan`, the very plan `confirm_cycle` writes), what is
    missing to fill the next pack and who offered "up to" extras for it, and the progress towards
    the supplier's minimum order and free delivery. Members are named only in the user's groups."""
    plan = compute_plan(cycle)
    extras = defaultdict(list)  # product id -> [(tolerance, line id, group id)]
    for line_id, (product_id, group_id, _stop, _quantity, tolerance) in plan.lines.items():
        if tolerance > 0:
            extras[product_id].append((tolerance, line_id, group_id))
    named: dict[int, list] = {}
    for pid, offers in extras.items():
        progress = plan.products[pid].progress if pid in plan.products else None
        if progress is None or not (progress.short or progress.from_extras):
            continue
        offers.sort(key=lambda offer: (-offer[0], offer[1]))
        named[pid] = [offer for offer in offers if offer[2] in group_ids][:EXTRAS_NAMED]
    owners = queries.orders_of_lines([offer[1] for offers in named.values() for offer in offers])
    suppliers = []
    for entry in supplier_plans(plan, queries.cycle_suppliers(cycle)):
        rows = []
        for p in entry.products:
            if not (p.quantity or p.tolerance):
                continue
            offers = named.get(p.price.product_id, [])
            rows.append({"plan": p, "progress": p.progress, "extras_total": p.tolerance_left,
                         "extras": [{"member": owners[line_id].member, "tolerance": tolerance}
                                    for tolerance, line_id, _g in offers],
                         "extras_others": len(extras.get(p.price.product_id, [])) - len(offers)})
        suppliers.append({"plan": entry, "rows": rows, "not_ordered": len(entry.products) - len(rows),
                          "attention": sum(1 for row in rows if row["progress"].short)})
    return suppliers


def _detail_page(request, cycle, *, extend_form=None, reopen_form=None, status=200) -> HttpResponse:
    groups = list(queries.cycle_groups(cycle).filter(group__in=request.scope.groups()))
    progress = None
    if cycle.status == OrderCycle.Status.OPEN and request.scope.is_coordinator:
        progress = _cycle_progress(request, cycle, {cg.group_id for cg in groups})
    baskets = queries.baskets_per_group(cycle)
    rows = [{"cg": cg, "baskets": baskets.get(cg.group_id, 0)} for cg in groups]
    search = request.GET.get("q", "").strip()[:100]
    found, more = queries.member_search(request.scope, [cg.group_id for cg in groups], search)
    return render(request, "orders/cycle_detail.html", {
        "cycle": cycle, "rows": rows, "purchase_orders": queries.purchase_orders(cycle) if cycle.status not in (
            OrderCycle.Status.DRAFT, OrderCycle.Status.OPEN, OrderCycle.Status.CLOSED) else [],
        "search": search, "found": found, "more_found": more, "search_limit": SEARCH_LIMIT,
        "can_change": request.scope.reaches_all(queries.cycle_group_ids(cycle)),
        "now": timezone.now(), "progress": progress,
        "extend_form": extend_form or ExtendForm(initial={"closes_at": cycle.closes_at}),
        "reopen_form": reopen_form or ReopenForm(), "deadline_ahead": cycle.closes_at > timezone.now(),
    }, status=status)


@require_scope(*STAFF)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, staff=True)
    if request.GET.get("adherent", "").isdigit():
        member = member_for(request.scope, int(request.GET["adherent"]))
        return redirect("orders:on_behalf", cycle.pk, member.pk)
    return _detail_page(request, cycle)


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
    if request.method != "POST":
        return redirect("orders:cycle_detail", cycle.pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_deadline(cycle=cycle, closes_at=form.cleaned_data["closes_at"], by=request.user)
        except DomainError as refusal:
            form.add_error("closes_at", str(refusal))
        else:
            messages.success(request, _("The deadline is extended."))
            return redirect("orders:cycle_detail", cycle.pk)
    _refused(request, refusals_of(form))
    return _detail_page(request, cycle, extend_form=form, status=REFUSED)


def _schedule_rows(form: ScheduleForm):
    """One row per group (with its fixed sites and its stops), from the database or as posted."""
    posted = form.data if form.is_bound else None
    rows = []
    for cg in form.cycle_groups:
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
    form = ScheduleForm(request.POST if request.method == "POST" else None,
                        cycle_groups=queries.cycle_groups_in_scope(request.scope, cycle))
    if form.is_valid():
        groups = [services.GroupSchedule(cg_id, day, time=time, site_id=site_id, place=place)
                  for cg_id, day, time, site_id, place in form.groups()]
        stops = [services.StopSchedule(stop_id, day, time=time) for stop_id, day, time in form.stops()]
        before = _schedule_times(form)
        try:
            services.set_distribution_schedule(cycle=cycle, groups=groups, stops=stops, by=request.user)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Distribution dates and places saved."))
            changed = [key for key, when in _posted_times(groups, stops).items() if before.get(key) != when]
            if changed:  # offer to tell the people concerned (the message page is notify's)
                return redirect(reverse("orders:cycle_schedule", args=[cycle.pk]) + "?" + urlencode(
                    {"changed": ",".join(changed)}))
            return redirect("orders:cycle_detail", cycle.pk)
    if form.is_bound:
        _refused(request, refusals_of(form))
    return render(request, "orders/cycle_schedule.html", {
        "cycle": cycle, "rows": _schedule_rows(form), "editable": cycle.status not in services.SCHEDULE_FROZEN,
        "closing_day": timezone.localdate(cycle.closes_at),
        "changes": [] if form.is_bound else _changes(cycle, form, request.GET.get("changed", ""))},
        status=REFUSED if form.is_bound else 200)


def _schedule_times(form: ScheduleForm) -> dict[str, tuple]:
    """The date and time of each group ("g<pk>") and stop ("s<pk>") as saved, before a change."""
    times = {}
    for cg in form.cycle_groups:
        times[f"g{cg.pk}"] = (cg.distribution_date, cg.time.strip())
        for stop in cg.stops.all():
            times[f"s{stop.pk}"] = (stop.distribution_date, stop.time.strip())
    return times


def _posted_times(groups, stops) -> dict[str, tuple]:
    times = {f"g{entry.cycle_group_id}": (entry.distribution_date, (entry.time or "").strip()[:40]) for entry in groups}
    times.update({f"s{entry.stop_id}": (entry.distribution_date, (entry.time or "").strip()[:40]) for entry in stops})
    return times


def _changes(cycle, form: ScheduleForm, changed: str) -> list[dict]:
    """After a change of dates or times: each group or stop changed, with how many people ordered there (to
    offer a message to them). Only the user's groups and stops of this cycle (`form.cycle_groups`)."""
    keys = set(changed.split(",")) if changed else set()
    changes = []
    for cg in form.cycle_groups:
        if f"g{cg.pk}" in keys:
            changes.append({"name": cg.group.name, "group_id": cg.group_id, "site_id": None,
                            "people": cycle.orders.filter(group_id=cg.group_id).count()})
        for stop in cg.stops.all():
            if f"s{stop.pk}" in keys:
                changes.append({"name": stop.site.name, "group_id": None, "site_id": stop.site_id,
                                "people": cycle.orders.filter(group_id=cg.group_id, stop_id=stop.site_id).count()})
    return changes


def closing_sentence(cycle, now) -> str:
    """What closing the orders now does, in one sentence, with how early it is ("6 jours avant")."""
    deadline = moment_in_words(cycle.closes_at)
    days = (timezone.localdate(cycle.closes_at) - timezone.localdate(now)).days
    if cycle.closes_at <= now:
        return _("The orders of “%(cycle)s” will close now (their deadline, %(deadline)s, has passed): members "
                 "will no longer be able to change their basket.") % {"cycle": cycle.name, "deadline": deadline}
    if days < 1:
        return _("The orders of “%(cycle)s” will close now, before their deadline today (%(deadline)s): members "
                 "will no longer be able to change their basket.") % {"cycle": cycle.name, "deadline": deadline}
    return ngettext(
        "The orders of “%(cycle)s” will close now, %(count)s day before their deadline (%(deadline)s): members "
        "will no longer be able to change their basket.",
        "The orders of “%(cycle)s” will close now, %(count)s days before their deadline (%(deadline)s): members "
        "will no longer be able to change their basket.", days) % {"cycle": cycle.name, "count": days,
                                                                   "deadline": deadline}


@require_scope(ADMIN, COORDINATOR)
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the orders now, after a confirmation page that says how early it is and the way back."""
    cycle = cycle_for(request.scope, pk, write=True)
    if cycle.status != OrderCycle.Status.OPEN:
        messages.error(request, _("This cycle has already been closed (perhaps by another coordinator)."))
        return redirect("orders:cycle_detail", cycle.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None,
                       refusal=_("Tick the box to confirm the closing: the orders are still open."))
    if form.is_valid():
        try:
            services.close_cycle(cycle=cycle, by=request.user)
        except DomainError as refusal:
            messages.error(request, str(refusal))
            return redirect("orders:cycle_detail", cycle.pk)
        messages.success(request, _("Orders are closed. Check the packs, then confirm the purchase orders."))
        return redirect("orders:review", cycle.pk)
    if form.is_bound:
        _refused(request, refusals_of(form))
    return render(request, "orders/cycle_close.html", {
        "cycle": cycle, "sentence": closing_sentence(cycle, timezone.now())}, status=REFUSED if form.is_bound else 200)


@require_scope(ADMIN, COORDINATOR)
def cycle_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The way back from a closing: the orders open again, until the purchase orders are created."""
    cycle = cycle_for(request.scope, pk, write=request.method == "POST")
    if request.method != "POST":
        return redirect("orders:cycle_detail", cycle.pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_orders(cycle=cycle, by=request.user, closes_at=form.cleaned_data["closes_at"])
        except DomainError as refusal:
            form.add_error("closes_at", str(refusal))
        else:
            messages.success(request, _("The orders are open again: members can change their basket until %(date)s.")
                             % {"date": moment_in_words(OrderCycle.objects.get(pk=cycle.pk).closes_at)})
            return redirect("orders:cycle_detail", cycle.pk)
    _refused(request, refusals_of(form))
    return _detail_page(request, cycle, reopen_form=form, status=REFUSED)


DISPATCH_GROUPS_AT_ONCE = 4  # above, the dispatch plan is shown one group at a time
REVIEW_SHARES = 12  # members listed per product on the review (those served short first)


@require_scope(ADMIN, COORDINATOR)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Before confirming: packs per product (editable), and what members get with those packs.

    The plan is computed once per request: for the page (as proposed, or with the packs typed), or,
    on a confirmation, by `confirm_cycle` alone, under the cycle's lock."""
    cycle = cycle_for(request.scope, pk, write=True)  # it lists the members of every group it covers
    if cycle.status != OrderCycle.Status.CLOSED:
        messages.error(request, _("The review is for a closed cycle, before its purchase orders are confirmed."))
        return redirect("orders:cycle_detail", cycle.pk)
    groups = list(queries.cycle_groups(cycle))
    form = ReviewForm(request.POST if request.method == "POST" else None,
                      product_ids=queries.cycle_product_ids(cycle), groups=[cg.group for cg in groups])
    unticked = False
    if form.is_valid() and form.cleaned_data["confirm"]:
        if not form.cleaned_data["confirmed"]:  # the tick box says what confirming does, and that it is final
            unticked = True
            messages.error(request, _("Tick the box to confirm: no purchase order was created."))
        else:
            try:
                services.confirm_cycle(cycle=cycle, by=request.user, packs=form.packs(),
                                       stock_group=form.stock_group_chosen())
            except DomainError as refusal:  # only "no longer closed" (someone confirmed): its page, not this one
                messages.error(request, str(refusal))
                return redirect("orders:cycle_detail", cycle.pk)
            messages.success(request, _("Purchase orders created. Download them or send them to the suppliers."))
            return redirect("orders:purchase_orders", cycle.pk)
    refused = form.is_bound and (unticked or not form.is_valid())
    if form.is_bound and not form.is_valid():
        _refused(request, refusals_of(form))
    stock_group = form.stock_group_chosen()
    plan = compute_plan(cycle, packs=form.packs(), stock_group_id=getattr(stock_group, "pk", None))
    return render(request, "orders/review.html", {
        "cycle": cycle, "products": _review_products(plan, form.typed_packs() if refused else {}), "groups": groups,
        "stock_group": stock_group, "packs": form.packs()}, status=REFUSED if refused else 200)


def _review_products(plan, typed):
    """Per product ordered: its plan, and the members shown (those served short first, at most
    REVIEW_SHARES); `typed` (packs as typed, per product id) shows a refused form back."""
    by_product = defaultdict(list)  # one pass over the lines (10^5 in a national cycle)
    for line_id, (product_id, _g, _s, quantity, tolerance) in plan.lines.items():
        if quantity or tolerance:
            by_product[product_id].append((line_id, quantity, tolerance, plan.allotted.get(line_id, ZERO)))
    shown = {}
    for pid, rows in by_product.items():
        rows.sort(key=lambda row: (row[3] >= row[1], row[0]))
        shown[pid] = rows[:REVIEW_SHARES]
    owners = queries.orders_of_lines([row[0] for rows in shown.values() for row in rows])
    products = []
    for pid, p in sorted(plan.products.items(),
                         key=lambda kv: (family_rank(kv[1].price.family), kv[1].price.name, kv[0])):
        if not (p.quantity or p.tolerance):
            continue
        rows = by_product.get(pid, [])
        shares = []
        for line_id, quantity, tolerance, allotted in shown.get(pid, []):
            order = owners[line_id]
            shares.append({"member": order.member, "priority": order.priority, "quantity": quantity,
                           "tolerance": tolerance, "allotted": allotted})
        shares.sort(key=lambda s: (s["allotted"] >= s["quantity"], s["member"].number))
        products.append({"pid": pid, "plan": p, "shares": shares, "count": len(rows),
                         "hidden": len(rows) - len(shares), "packs_text": typed.get(pid, plain_number(p.packs)),
                         "short": any(allotted < quantity for _l, quantity, _t, allotted in rows)})
    return products


# --- paper ----------------------------------------------------------------------------------------


@require_scope(*STAFF)
def order_form_pdf(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    """The paper order form of a group: large type, pictograms, boxes; ?adherent=<pk> pre-fills it."""
    cycle = cycle_for(request.scope, pk, staff=True)
    cycle_group = queries.cycle_group_for(request.scope, cycle, group_pk)
    member = None
    if request.GET.get("adherent"):
        member = member_for(request.scope, request.GET["adherent"])
    prices = list(queries.offered_prices(cycle, cycle_group.group).select_related("supplier"))
    # Pre-filled for a member, the form is hers: in her language (grappe.members.language).
    with member_translation(member) if member is not None else nullcontext():
        return pdf_response("orders/order_form_pdf.html", {
            "cycle": cycle, "cg": cycle_group, "prices": prices, "member": member, "association": cycle.association,
            "when": queries.when_where_of(cycle_group),
            "stops": [queries.when_where_of(cycle_group, stop)
                      for stop in cycle_group.stops.select_related("site__commune")],
        }, f"bon-de-commande-{cycle.pk}-{cycle_group.group_id}.pdf", request)


@require_scope(*STAFF)
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Typing paper forms: member number, then one line per product; keyboard only, total visible."""
    cycle = cycle_for(request.scope, pk, staff=True)
    number_form = MemberNumberForm(request.POST if request.method == "POST" else request.GET)
    number_form.is_valid()  # two optional fields: always valid
    number = number_form.cleaned_data["numero"]
    member = None
    if number:
        member = queries.member_by_number(request.scope, number)
        if member is None:
            messages.error(request, _("No member with number %(number)s in your groups.") % {"number": number})
    rows, total, status = [], Decimal("0.00"), 200
    if member is not None:
        rows, total, _order = _basket_rows(cycle, member)
        if request.method == "POST" and number_form.cleaned_data["save"]:
            form, refusals = _save_basket(request, cycle, member, rows, channel=Channel.PAPER, send_unchanged=True)
            if not refusals:
                messages.success(request, _("Form of %(name)s (no. %(number)s) saved.") % {
                    "name": member.name, "number": member.number})
                return redirect("orders:paper_entry", cycle.pk)
            _refused(request, refusals)
            rows, total, _order = _basket_rows(cycle, member, posted=form.wanted(), typed=form.typed())
            status = REFUSED
    return render(request, "orders/paper_entry.html", {"cycle": cycle, "member": member, "rows": rows,
                                                       "total": total, "number": number}, status=status)


# --- purchase orders ------------------------------------------------------------------------------


@require_scope(ADMIN, COORDINATOR)
def purchase_orders(request: HttpRequest, pk: int) -> HttpResponse:
    return _purchase_orders_page(request, cycle_for(request.scope, pk, staff=True))


def _purchase_orders_page(request, cycle, *, refused_po=None, status=200) -> HttpResponse:
    """The purchase orders, their sending log, and the dispatch plan: whole for a small cycle, one group
    at a time for a pooled one (100 groups x 1,000 products would be 10^5 rows in one page).
    `refused_po`: the order whose "send again" was refused (its box shown in error)."""
    groups = [cg.group for cg in queries.cycle_groups(cycle).order_by("group__name")]
    chosen = next((g for g in groups if str(g.pk) == request.GET.get("groupe")), None)
    if chosen is None and len(groups) > DISPATCH_GROUPS_AT_ONCE:
        dispatch = []
    else:
        dispatch = queries.dispatch_plan(cycle, group=chosen)
    orders = list(queries.purchase_orders(cycle))
    for po in orders:
        po.log = [{"send": send, "when": services.sent_on(send.at)} for send in po.sends.all()]
    waiting = any(po.sending in (PurchaseOrder.Sending.QUEUED, PurchaseOrder.Sending.SENDING) for po in orders)
    return render(request, "orders/purchase_orders.html", {
        "cycle": cycle, "orders": orders, "dispatch": dispatch, "groups": groups,
        "chosen": chosen, "one_group_at_a_time": len(groups) > DISPATCH_GROUPS_AT_ONCE,
        "refused_po": refused_po, "refresh_seconds": 3 if waiting else None}, status=status)


@require_scope(ADMIN, COORDINATOR)
def purchase_order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk)
    return pdf_response("orders/purchase_order_pdf.html", services.purchase_order_context(po), f"{po.number}.pdf", request)


@require_scope(ADMIN, COORDINATOR)
def purchase_order_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The purchase order for a French spreadsheet (core.tabular.excel_writer): one row per line, the
    amounts' total, then the quantities' total per unit (kilograms never added to litres)."""
    po = purchase_order_for(request.scope, pk)
    lines = list(po.lines.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{po.number}.csv"'
    writer = tabular.excel_writer(response)
    writer.writerow([_("Reference"), _("Product"), _("Packs"), _("Pack size"), _("Quantity"), _("Unit"),
                     _("Pack price excl. VAT"), _("VAT rate (%)"), _("Amount excl. VAT"), _("VAT")])
    for line in lines:
        writer.writerow([line.reference, line.name, line.packs if line.pack_size else "", line.pack_size or "",
                         line.quantity, unit_word(line.unit, line.quantity), line.pack_price_excl_vat,
                         line.vat_rate, line.amount_excl_vat, line.amount_vat])
    writer.writerow(["", _("Total"), "", "", "", "", "", "", po.total_excl_vat, po.total_vat])
    for unit, quantity in tabular.totals_by_unit((line.unit, line.quantity) for line in lines).items():
        writer.writerow(["", _("Total"), "", "", quantity, unit_word(unit, quantity), "", "", "", ""])
    return response


@require_scope(ADMIN, COORDINATOR)
def purchase_order_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a purchase order; an order already sent goes again only with its box ticked (else the page
    again, 422, nothing sent)."""
    po = purchase_order_for(request.scope, pk, write=request.method == "POST")
    if request.method == "POST":
        form = SendAgainForm(request.POST)
        form.is_valid()  # one optional box: always valid
        try:
            po = services.send_purchase_order(purchase_order=po, by=request.user, again=form.cleaned_data["again"])
        except services.AlreadySent as refusal:
            messages.error(request, str(refusal))
            return _purchase_orders_page(request, po.cycle, refused_po=po.pk, status=REFUSED)
        except DomainError as refusal:
            messages.error(request, str(refusal))
    return redirect(reverse("orders:purchase_orders", args=[po.cycle_id]) + f"#po-{po.pk}")


@require_scope(ADMIN, COORDINATOR)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    po = purchase_order_for(request.scope, pk, write=request.method == "POST")
    lines = list(po.lines.all())
    form = ReceiptForm(request.POST if request.method == "POST" else None, lines=lines)
    if form.is_valid():
        entries = [services.ReceivedLine(line_id, delivered=delivered, damaged=damaged, substitute=substitute,
                                         note=note)
                   for line_id, delivered, damaged, substitute, note in form.entries()]
        try:
            received = services.record_receipt(purchase_order=po, lines=entries, by=request.user)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            if received.warnings:
                messages.success(request, _("Receipt recorded; the baskets not handed out are updated."))
                for warning in received.warnings:
                    messages.warning(request, warning)
            else:
                messages.success(request, _("Receipt recorded; members' baskets are updated."))
            return redirect("orders:purchase_orders", po.cycle_id)
    if form.is_bound:
        _refused(request, form.refusals())
    typed = form.typed() if form.is_bound else {}
    return render(request, "orders/receipt.html", {"po": po, "rows": [(line, typed.get(line.pk)) for line in lines]},
                  status=REFUSED if form.is_bound else 200)


# --- stock ----------------------------------------------------------------------------------------


@require_scope(*STAFF)
def stock(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    groups = list(scope.groups())
    products = list(queries.association_products(scope.association))
    if request.method == "POST" and not scope.is_coordinator:
        raise Http404
    form = StockAdjustmentForm(request.POST if request.method == "POST" else None, groups=groups, products=products)
    if form.is_valid():
        group, product = form.chosen()
        data = form.cleaned_data
        try:
            services.adjust_stock(group=group, product=product, quantity=data["quantity"] or ZERO, kind=data["kind"],
                                  reason=data["reason"], by=request.user)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Stock updated."))
            return redirect("orders:stock")
    if form.is_bound:
        _refused(request, refusals_of(form))
    items = queries.stock_items(groups)
    return render(request, "orders/stock.html", {
        "items": items, "moves": queries.stock_moves(groups), "groups": groups, "products": products,
        "kinds": StockAdjustmentForm.KINDS, "form": form,
        "total_value": sum((item.value for item in items), Decimal("0.00")),
    }, status=REFUSED if form.is_bound else 200)
