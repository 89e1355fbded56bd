"""Pages of the distribution: list, the day screen (find a member, serve a basket), rota, documents."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED, DomainError
from grappe.core.pdf import pdf_response
from grappe.network.access import ADMIN, COORDINATOR, VOLUNTEER, require_scope
from grappe.orders.models import CyclePrice, StockItem, unit_word
from grappe.orders.queries import cycle_for, cycles_for

from . import queries, services
from .documents import DOCUMENTS, document_pdf
from .forms import CloseForm, ServedForm, SettingsForm, SlotForm, StockSaleForm
from .models import Basket, BasketLine, DistributionSettings, DocumentJob, RotaSlot
from .overlaps import Slot, overlapping

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)
COORDINATORS = (ADMIN, COORDINATOR)




def _fail(request, error: DomainError):
    messages.error(request, str(error))


@require_scope(*STAFF)
def distribution_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(request, status=200):
    scope = request.scope
    distributions = queries.with_progress(queries.distributions_for(scope)).order_by("-date", "group__name")[:60]
    ready = []
    if scope.is_coordinator:
        ready = cycles_for(scope).filter(status__in=services.READY).order_by("-closes_at")[:10]
    return render(request, "distribution/list.html", {
        "distributions": distributions, "ready_cycles": ready, "empty_slots": queries.empty_slots(scope)[:30],
        "scope": scope}, status=status)


@require_scope(*COORDINATORS)
@require_POST
def prepare(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, cycle_pk, write=True)
    try:
        made = services.create_distributions(cycle=cycle, by=request.user)
    except DomainError as error:
        _fail(request, error)
        return _list_page(request, status=REFUSED)
    messages.success(request, ngettext("%(count)s distribution ready, with its baskets.",
                                       "%(count)s distributions ready, with their baskets.", len(made)) % {"count": len(made)})
    return redirect("distribution:list")


@require_scope(*STAFF)
def day(request: HttpRequest, pk: int) -> HttpResponse:
    """The day screen: find a member by number or name, see who is still waiting."""
    distribution = queries.distribution_for(request.scope, pk)
    query = request.GET.get("q", "").strip()
    baskets = list(queries.find_baskets(distribution, query)[:200])
    if query and len(baskets) == 1:
        return redirect("distribution:basket", baskets[0].pk)
    return _day_page(request, distribution, baskets, query)


def _day_page(request, distribution, baskets=None, query="", status=200):
    if baskets is None:
        baskets = list(queries.find_baskets(distribution, "")[:200])
    counts = dict.fromkeys(Basket.Status.values, 0)
    for basket_status in Basket.objects.filter(distribution=distribution).values_list("status", flat=True):
        counts[basket_status] += 1
    return render(request, "distribution/day.html", {
        "distribution": distribution, "baskets": baskets, "query": query, "counts": counts,
        "waiting": counts[Basket.Status.WAITING], "scope": request.scope,
        "shortfalls": services.stock_shortfalls(distribution), **_documents_job(distribution),
        "before_its_day": distribution.date > timezone.localdate()}, status=status)


JOB_REFRESH_SECONDS = 3


def _documents_job(distribution) -> dict:
    """The latest preparation of the documents, and whether the page follows it (refresh.js)."""
    job = DocumentJob.objects.filter(distribution=distribution).first()
    active = job is not None and job.status in DocumentJob.ACTIVE
    return {"documents_job": job, "refresh_seconds": JOB_REFRESH_SECONDS if active else None}


@require_scope(*STAFF)
@require_POST
def prepare_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the rendering of every document of the distribution (whoever may download them may ask)."""
    distribution = queries.distribution_for(request.scope, pk)
    try:
        services.start_document_job(distribution=distribution, kinds=list(DOCUMENTS), by=request.user,
                                    language=translation.get_language() or "")
    except DomainError as error:
        _fail(request, error)
        return _day_page(request, distribution, status=REFUSED)
    return redirect("distribution:day", distribution.pk)


def _stock_choices(basket):
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle_id=basket.distribution.cycle_id)}
    items = StockItem.objects.filter(group_id=basket.distribution.group_id, product_id__in=list(prices),
                                     quantity__gt=0).order_by("product__name")
    return [(item.product_id, f"{prices[item.product_id].name} ({unit_word(prices[item.product_id].unit, 2)})") for item in items]


def served_form(basket, data=None) -> ServedForm:
    return ServedForm(data, lines=queries.basket_lines(basket))


def warn_shortfalls(request, basket):
    """After weights are saved: say so when the group's stock goes below zero (weighing above the
    allotted quantity is allowed, never silently)."""
    products = {line.product_id for line in basket.lines.all()}
    for shortfall in services.stock_shortfalls(basket.distribution):
        if shortfall.product_id in products:
            messages.warning(request, shortfall.message)


@require_scope(*STAFF)
def basket(request: HttpRequest, pk: int) -> HttpResponse:
    basket = queries.basket_for(request.scope, pk)
    if request.method != "POST":
        return basket_page(request, basket)
    form = served_form(basket, request.POST)
    if form.is_valid():
        try:
            services.record_served(basket=basket, served=form.served(), by=request.user)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Quantities saved."))
            warn_shortfalls(request, basket)
            return redirect(reverse("distribution:basket", args=[basket.pk]) + "#lignes")
    return basket_page(request, basket, served=form, status=REFUSED)


def basket_page(request, basket, *, served=None, stock_form=None, status=200) -> HttpResponse:
    """The basket on the day; a refused form comes back bound, with what was typed and its errors."""
    served = served if served is not None else served_form(basket)
    lines = served.lines
    shown = basket.status != Basket.Status.NOT_COLLECTED  # a basket not collected: nothing served
    total = sum((line.amount for line in lines), Decimal("0.00")) if shown else Decimal("0.00")
    settings = DistributionSettings.for_association(basket.distribution.association_id)
    return render(request, "distribution/basket.html", {
        "basket": basket, "distribution": basket.distribution, "lines": lines, "rows": served.rows(),
        "served_form": served, "total": total, "tolerance": settings.weighing_tolerance_percent,
        "stock_form": stock_form or StockSaleForm(choices=_stock_choices(basket), auto_id="stock-%s"),
        "scope": request.scope}, status=status)


@require_scope(*STAFF)
@require_POST
def add_from_stock(request: HttpRequest, pk: int) -> HttpResponse:
    basket = queries.basket_for(request.scope, pk)
    form = StockSaleForm(request.POST, choices=_stock_choices(basket), auto_id="stock-%s")
    if form.is_valid():
        try:
            services.add_from_stock(basket=basket, product_id=form.cleaned_data["product"],
                                    quantity=form.cleaned_data["quantity"], by=request.user)
        except DomainError as error:
            form.add_error("quantity", str(error))
        else:
            messages.success(request, _("Added from stock."))
            warn_shortfalls(request, basket)
            return redirect("distribution:basket", basket.pk)
    return basket_page(request, basket, stock_form=form, status=REFUSED)


@require_scope(*STAFF)
@require_POST
def remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    basket = queries.basket_for(request.scope, pk)
    line = BasketLine.objects.filter(pk=line_pk, basket=basket).first()
    if line is None:
        raise Http404
    try:
        services.remove_stock_line(line=line)
    except DomainError as error:
        _fail(request, error)
        return basket_page(request, basket, status=REFUSED)
    return redirect("distribution:basket", basket.pk)


@require_scope(*STAFF)
@require_POST
def not_collected(request: HttpRequest, pk: int) -> HttpResponse:
    basket = queries.basket_for(request.scope, pk)
    try:
        services.mark_not_collected(basket=basket, by=request.user)
    except DomainError as error:
        _fail(request, error)
        return basket_page(request, basket, status=REFUSED)
    messages.success(request, _("Basket marked not collected."))
    return redirect("distribution:day", basket.distribution_id)


@require_scope(*STAFF)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the distribution, with the tick box of the day page (and, before its day, the second one)."""
    distribution = queries.distribution_for(request.scope, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _day_page(request, distribution, status=REFUSED)
    try:
        services.close_distribution(distribution=distribution, by=request.user, early=form.cleaned_data["early"])
    except DomainError as error:
        _fail(request, error)
        return _day_page(request, distribution, status=REFUSED)
    messages.success(request, _("Distribution closed; what was not served is back in stock."))
    for shortfall in services.stock_shortfalls(distribution):
        messages.warning(request, shortfall.message)
    return redirect("distribution:day", distribution.pk)


@require_scope(*STAFF)
def rota(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = queries.distribution_for(request.scope, pk)
    form = SlotForm(request.POST or None)
    if request.method == "POST":
        if not request.scope.is_coordinator:
            raise Http404
        if form.is_valid():
            try:
                services.add_slot(distribution=distribution, **form.cleaned_data)
                messages.success(request, _("Slot added."))
                return redirect("distribution:rota", distribution.pk)
            except DomainError as error:
                form.add_error(None, str(error))
        return _rota_page(request, distribution, form, status=REFUSED)
    return _rota_page(request, distribution, form)


def _minutes(value):
    return None if value is None else value.hour * 60 + value.minute


def _overlapping_slots(distribution, slots) -> set:
    """The slots of this distribution whose volunteer holds another slot at the same time, here or
    at another distribution of the same day (grappe.distribution.overlaps)."""
    volunteers = {slot.volunteer_id for slot in slots if slot.volunteer_id}
    same_day = (RotaSlot.objects.filter(distribution__date=distribution.date, volunteer_id__in=volunteers)
                .exclude(distribution=distribution).only("pk", "volunteer_id", "starts_at", "ends_at"))
    every = [*slots, *same_day]
    found = overlapping(Slot(slot.pk, slot.volunteer_id, _minutes(slot.starts_at), _minutes(slot.ends_at))
                        for slot in every)
    return {slot.pk for slot in slots if slot.pk in found}


def _rota_page(request, distribution, form=None, status=200):
    slots = list(RotaSlot.objects.filter(distribution=distribution).select_related("volunteer"))
    clashes = _overlapping_slots(distribution, slots)
    for slot in slots:
        slot.overlaps = slot.pk in clashes
    return render(request, "distribution/rota.html", {"distribution": distribution, "slots": slots,
                                                      "form": form or SlotForm(), "scope": request.scope},
                  status=status)


@require_scope(*COORDINATORS)
def rota_edit(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    distribution = queries.distribution_for(request.scope, pk)
    slot = RotaSlot.objects.filter(pk=slot_pk, distribution=distribution).first()
    if slot is None:
        raise Http404
    form = SlotForm(request.POST or None, initial={"task": slot.task, "starts_at": slot.starts_at,
                                                   "ends_at": slot.ends_at})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_slot(slot=slot, **form.cleaned_data)
            messages.success(request, _("Slot changed."))
            return redirect("distribution:rota", distribution.pk)
        except DomainError as error:
            form.add_error(None, str(error))
    return render(request, "distribution/rota_edit.html", {"distribution": distribution, "slot": slot, "form": form},
                  status=REFUSED if request.method == "POST" else 200)


@require_scope(*STAFF)
@require_POST
def rota_take(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    distribution = queries.distribution_for(request.scope, pk)
    slot = RotaSlot.objects.filter(pk=slot_pk, distribution=distribution).first()
    if slot is None:
        raise Http404
    try:
        if request.POST.get("action") == "withdraw":
            services.withdraw(slot=slot, by=request.user)
            messages.success(request, _("You are no longer on this slot."))
        else:
            services.sign_up(slot=slot, by=request.user)
            messages.success(request, _("Thank you: you are on the rota."))
    except DomainError as error:
        _fail(request, error)
        return _rota_page(request, distribution, status=REFUSED)
    return redirect("distribution:rota", distribution.pk)


@require_scope(*STAFF)
def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    distribution = queries.distribution_for(request.scope, pk)
    if kind not in DOCUMENTS:
        raise Http404
    # Cached by content: printed again and again on the day, they only change when baskets do.
    response = HttpResponse(document_pdf(distribution, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{distribution.date:%Y%m%d}-{distribution.pk}.pdf"'
    return response


@require_scope(*STAFF)
def loading(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, cycle_pk, staff=True)
    group_id = request.GET.get("groupe", "")
    group = None
    if group_id.isdigit():  # one group's list (a pooled cycle's whole list can run to hundreds of pages)
        group = cycle.cycle_groups.filter(group_id=int(group_id)).select_related("group").first()
        if group is None or not request.scope.has_group(group.group_id):
            raise Http404
        group = group.group
    groups = [(g, lines) for g, lines in queries.loading_list(cycle, group=group) if request.scope.has_group(g.pk)]
    return pdf_response("distribution/pdf/loading.html", {"cycle": cycle, "groups": groups},
                        f"chargement-{cycle.pk}.pdf", request)


@require_scope(*COORDINATORS)
def settings_view(request: HttpRequest) -> HttpResponse:
    current = DistributionSettings.for_association(request.scope.association.pk)
    form = SettingsForm(request.POST or None, initial={"weighing_tolerance_percent": current.weighing_tolerance_percent})
    if request.method == "POST" and form.is_valid():
        services.set_tolerance(association=request.scope.association,
                               percent=form.cleaned_data["weighing_tolerance_percent"])
        messages.success(request, _("Settings saved."))
        return redirect("distribution:list")
    return render(request, "distribution/settings.html", {"form": form},
                  status=REFUSED if request.method == "POST" else 200)
