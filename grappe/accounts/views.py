"""Pages of the accounts: the checkout on distribution day, members' accounts, cash count,
suppliers' invoices, the settlement of a cycle, accounting exports."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grappe.core.errors import DomainError
from grappe.core.money import to_decimal
from grappe.core.pdf import pdf_response
from grappe.distribution import queries as distribution_queries
from grappe.distribution import services as distribution_services
from grappe.members.queries import member_for, members_for
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope
from grappe.notify import services as notify_services
from grappe.orders.models import OrderCycle, PurchaseOrder
from grappe.orders.queries import cycle_for, cycles_for

from . import export, queries, services
from .forms import (
    CostForm,
    DifferenceForm,
    InvoiceForm,
    PaymentForm,
    PeriodForm,
    RefundForm,
    SupplierPaymentForm,
    this_month,
)
from .models import AccountSettings, CashCount, Entry, Means, SupplierInvoice

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)
COORDINATORS = (ADMIN, COORDINATOR)


def _fail(request, error):
    messages.error(request, str(error))


# --- The day: collect, pay, receipt ---------------------------------------------------------------


@require_scope(*STAFF)
@require_POST
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the served quantities sent with the form, mark the basket collected and charge it."""
    basket = distribution_queries.basket_for(request.scope, pk)
    served = {}
    for name, raw in request.POST.items():
        if name.startswith("served-") and raw.strip():
            try:
                served[int(name[7:])] = to_decimal(raw)
            except ValueError:
                messages.error(request, _("Enter numbers only."))
                return redirect("distribution:basket", basket.pk)
    try:
        from django.db import transaction

        with transaction.atomic():
            if served:
                distribution_services.record_served(basket=basket, served=served, by=request.user)
            services.collect_basket(basket=basket, by=request.user)
    except DomainError as error:
        _fail(request, error)
        return redirect("distribution:basket", basket.pk)
    return redirect("accounts:checkout", basket.pk)


@require_scope(*STAFF)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    try:
        services.reopen_basket(basket=basket, by=request.user)
        messages.success(request, _("Basket reopened; its charge is reversed."))
    except DomainError as error:
        _fail(request, error)
    return redirect("distribution:basket", basket.pk)


def _checkout_context(basket, form=None):
    receipt = queries.receipt(basket)
    balance = receipt.balance
    due = max(-balance, Decimal("0.00"))
    limit = AccountSettings.for_association(basket.member.association_id).negative_limit
    form = form or PaymentForm(initial={"key": uuid.uuid4(), "means": Means.CASH, "amount": due or None})
    return {"basket": basket, "distribution": basket.distribution, "lines": receipt.lines, "total": receipt.total,
            "payments": receipt.payments, "balance": balance, "due": due, "limit": limit, "form": form,
            "can_leave": balance >= -limit}


@require_scope(*STAFF)
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    return render(request, "accounts/checkout.html", _checkout_context(basket))


@require_scope(*STAFF)
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/checkout.html", _checkout_context(basket, form), status=400)
    data = form.cleaned_data
    try:
        services.record_payment(member=basket.member, amount=data["amount"], means=data["means"], by=request.user,
                                key=data["key"], reference=data["reference"], issuer=data["issuer"],
                                voucher_value=data["amount"] if data["means"] == Means.VOUCHER else None,
                                distribution=basket.distribution)
        messages.success(request, _("Payment recorded."))
    except DomainError as error:
        _fail(request, error)
    return redirect("accounts:checkout", basket.pk)


@require_scope(*STAFF)
@require_POST
def on_account(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    try:
        services.leave_on_account(member=basket.member, by=request.user)
        messages.success(request, _("Left on the member's account."))
        return redirect("distribution:day", basket.distribution_id)
    except DomainError as error:
        _fail(request, error)
    return redirect("accounts:checkout", basket.pk)


@require_scope(*STAFF)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    return render(request, "accounts/receipt.html", _checkout_context(basket))


@require_scope(*STAFF)
@require_POST
def send_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the receipt to the member by SMS or e-mail (their preferred channel), logged by grappe.notify."""
    basket = distribution_queries.basket_for(request.scope, pk)
    try:
        sent = notify_services.send_receipt(basket=basket, by=request.user)
    except DomainError as error:
        _fail(request, error)
    else:
        if sent.channel == sent.Channel.SMS:
            messages.success(request, _("Receipt sent by SMS to %(address)s.") % {"address": sent.address})
        else:
            messages.success(request, _("Receipt sent by e-mail to %(address)s.") % {"address": sent.address})
    return redirect("accounts:receipt", basket.pk)


@require_scope(*STAFF)
def cash_count(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_queries.distribution_for(request.scope, pk)
    if request.method == "POST":
        counted = {m: request.POST.get(f"counted-{m}", "").strip() for m in Means.values}
        reasons = {m: request.POST.get(f"reason-{m}", "") for m in Means.values}
        try:
            services.record_cash_count(distribution=distribution, counted=counted, reasons=reasons, by=request.user)
            messages.success(request, _("Cash count saved."))
        except (DomainError, ValueError) as error:
            _fail(request, error)
        return redirect("accounts:cash_count", distribution.pk)
    expected = services.expected_takings(distribution)
    counts = {c.means: c for c in CashCount.objects.filter(distribution=distribution)}
    rows = [(value, label, expected[value], counts.get(value)) for value, label in Means.choices]
    return render(request, "accounts/cash_count.html", {"distribution": distribution, "rows": rows})


# --- Members' accounts ----------------------------------------------------------------------------


@require_scope(MEMBER)
def mine(request: HttpRequest) -> HttpResponse:
    member = request.scope.member
    opening, rows = queries.statement(member)
    if request.GET.get("format") == "pdf":
        return _statement_pdf(request, member, opening, rows)
    return render(request, "accounts/mine.html", {"member": member, "rows": rows, "opening": opening,
                                                  "balance": services.balance(member)})


def _statement_pdf(request, member, opening, rows):
    return pdf_response("accounts/pdf/statement.html", {
        "member": member, "opening": opening, "rows": rows, "balance": rows[-1][1] if rows else opening,
        "today": timezone.localdate()}, f"releve-{member.number}.pdf", request)


@require_scope(*COORDINATORS)
def index(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    query = request.GET.get("q", "").strip()
    members = members_for(scope)
    if query:
        members = members.matching(query)
    members = members.annotate(balance=Sum("account_entries__amount")).order_by("number")[:100]
    cycles = cycles_for(scope).filter(status__in=(
        OrderCycle.Status.ORDERED, OrderCycle.Status.RECEIVED, OrderCycle.Status.DISTRIBUTED,
        OrderCycle.Status.SETTLED)).order_by("-closes_at")[:20]
    start, end = this_month()
    return render(request, "accounts/index.html", {
        "members": members, "query": query, "cycles": cycles,
        "invoices": queries.invoices_for(scope)[:30],
        "period_form": PeriodForm(initial={"start": start, "end": end})})


@require_scope(*COORDINATORS)
def member_account(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk)
    opening, rows = queries.statement(member)
    if request.GET.get("format") == "pdf":
        return _statement_pdf(request, member, opening, rows)
    payment = PaymentForm(initial={"key": uuid.uuid4(), "means": Means.TRANSFER})
    refund = RefundForm(initial={"key": uuid.uuid4(), "means": Means.CASH})
    return render(request, "accounts/member.html", {
        "member": member, "rows": rows, "opening": opening, "balance": services.balance(member),
        "payment_form": payment, "refund_form": refund})


@require_scope(*COORDINATORS)
@require_POST
def member_payment(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(member=member, amount=data["amount"], means=data["means"], by=request.user,
                                    key=data["key"], reference=data["reference"], issuer=data["issuer"],
                                    voucher_value=data["amount"] if data["means"] == Means.VOUCHER else None)
            messages.success(request, _("Payment recorded."))
        except DomainError as error:
            _fail(request, error)
    else:
        messages.error(request, _("Check the amount and the means of payment."))
    return redirect("accounts:member", member.pk)


@require_scope(*COORDINATORS)
@require_POST
def member_refund(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    form = RefundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refund(member=member, amount=data["amount"], means=data["means"], note=data["note"],
                            key=data["key"], by=request.user)
            messages.success(request, _("Refund recorded."))
        except DomainError as error:
            _fail(request, error)
    else:
        messages.error(request, _("Check the amount."))
    return redirect("accounts:member", member.pk)


@require_scope(*COORDINATORS)
@require_POST
def reverse(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    entry = Entry.objects.filter(pk=entry_pk, member=member).first()
    if entry is None:
        raise Http404
    try:
        services.reverse_entry(entry=entry, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Correction recorded."))
    except DomainError as error:
        _fail(request, error)
    return redirect("accounts:member", member.pk)


# --- Settlement -----------------------------------------------------------------------------------


@require_scope(*COORDINATORS)
def settlement(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request.scope, pk, staff=True, write=request.method == "POST")
    orders = list(PurchaseOrder.objects.filter(cycle=cycle).select_related("supplier").prefetch_related(
        "invoices__payments", "lines"))
    invoice_form = InvoiceForm(request.POST or None, orders=orders, prefix="invoice")
    cost_form = CostForm(request.POST or None, prefix="cost")
    difference_form = DifferenceForm(request.POST or None, prefix="difference")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invoice" and invoice_form.is_valid():
                data = invoice_form.cleaned_data
                po = next(po for po in orders if po.pk == data["purchase_order"])
                services.record_invoice(purchase_order=po, number=data["number"], date=data["date"],
                                        amount=data["amount"], due_date=data["due_date"], reason=data["reason"],
                                        by=request.user)
                messages.success(request, _("Invoice recorded."))
            elif action == "cost" and cost_form.is_valid():
                services.record_passed_on_cost(cycle=cycle, by=request.user, **cost_form.cleaned_data)
                messages.success(request, _("Cost recorded."))
            elif action == "difference" and difference_form.is_valid():
                services.explain_difference(cycle=cycle, by=request.user, **difference_form.cleaned_data)
                messages.success(request, _("Difference explained."))
            elif action == "settle":
                services.settle_cycle(cycle=cycle, by=request.user)
                messages.success(request, _("The cycle is settled."))
            elif action == "explain":
                invoice = SupplierInvoice.objects.filter(pk=request.POST.get("invoice"),
                                                         purchase_order__cycle=cycle).first()
                if invoice is None:
                    raise Http404
                services.explain_invoice(invoice=invoice, reason=request.POST.get("reason", ""), by=request.user)
                messages.success(request, _("Reason saved."))
            else:
                messages.error(request, _("Check the form."))
                return render(request, "accounts/settlement.html", _settlement_context(
                    cycle, orders, invoice_form, cost_form, difference_form), status=400)
        except DomainError as error:
            _fail(request, error)
        return redirect("accounts:settlement", cycle.pk)
    return render(request, "accounts/settlement.html", _settlement_context(cycle, orders, invoice_form, cost_form,
                                                                           difference_form))


ROUNDING_LABELS = {"charges": gettext_lazy("charges to members"), "purchases": gettext_lazy("supplier lines"),
                   "passed_on": gettext_lazy("passed-on costs"), "stock": gettext_lazy("stock value"),
                   "losses": gettext_lazy("losses")}


def _settlement_context(cycle, orders, invoice_form, cost_form, difference_form):
    report = queries.settlement_report(cycle)
    for line in report.rounding_lines:
        line.label = ROUNDING_LABELS.get(line.key, line.label)
    for line in report.differences:
        if line.key == "passed_on":
            line.label = gettext_lazy("passed-on costs recorded differ from those recovered")
    expected = {po.pk: sum((queries.expected_invoice(line) for line in po.lines.all()), Decimal("0.00"))
                for po in orders}
    rows = []
    for po in orders:
        invoiced = sum((i.amount for i in po.invoices.all()), Decimal("0.00"))
        rows.append({"po": po, "expected": expected[po.pk], "invoiced": invoiced,
                     "flag": invoiced != po.total_incl_vat or invoiced != expected[po.pk],
                     "invoices": list(po.invoices.all())})
    return {"cycle": cycle, "report": report, "orders": rows, "invoice_form": invoice_form, "cost_form": cost_form,
            "difference_form": difference_form}


@require_scope(*COORDINATORS)
def supplier_payment(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = queries.invoice_for(request.scope, pk, write=request.method == "POST")
    form = SupplierPaymentForm(request.POST or None, initial={"date": timezone.localdate(), "amount": invoice.amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.pay_supplier(invoice=invoice, by=request.user, **form.cleaned_data)
            messages.success(request, _("Payment to the supplier recorded."))
            return redirect("accounts:settlement", invoice.purchase_order.cycle_id)
        except DomainError as error:
            _fail(request, error)
    return render(request, "accounts/supplier_payment.html", {"invoice": invoice, "form": form,
                                                              "payments": invoice.payments.all()})


@require_scope(*COORDINATORS)
def export_view(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        return render(request, "accounts/export.html", {"form": form}, status=400 if request.GET else 200)
    start, end, kind = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
    entries = list(queries.entries_for_period(request.scope.association, start, end))
    if kind == "fec":
        body, name, ctype = export.fec_text(entries), f"FEC-{end:%Y%m%d}.txt", "text/plain; charset=utf-8"
    elif kind == "journal":
        body = export.journal_csv(queries.journals(request.scope.association, start, end))
        name, ctype = f"journal-{start}-{end}.csv", "text/csv; charset=utf-8"
    else:
        body, name, ctype = export.entries_csv(entries), f"ecritures-{start}-{end}.csv", "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

