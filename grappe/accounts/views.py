"""Pages of the accounts: the checkout on distribution day, members' accounts, cash count,
suppliers' invoices, the settlement of a cycle, accounting exports."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grappe.catalogue.references import savings_of
from grappe.core.errors import REFUSED, DomainError
from grappe.core.money import plain_number
from grappe.core.pdf import pdf_response
from grappe.distribution import queries as distribution_queries
from grappe.distribution import views as distribution_views
from grappe.distribution.models import Basket
from grappe.members.queries import member_for, members_for
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope
from grappe.orders.models import CycleEvent, OrderCycle, PurchaseOrder
from grappe.orders.queries import cycle_for, cycle_group_ids, cycles_for

from . import export, queries, services, vouchers
from .forms import (
    CashCountForm,
    CostForm,
    DifferenceForm,
    FeeForm,
    InvoiceForm,
    OnAccountForm,
    PaymentForm,
    PeriodForm,
    RefundForm,
    SupplierPaymentForm,
    this_month,
)
from .models import AccountSettings, CashCount, CheckoutFee, Entry, Means, SupplierInvoice

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)
COORDINATORS = (ADMIN, COORDINATOR)




def _fail(request, error):
    messages.error(request, str(error))


def warn_same_voucher(request, entry) -> None:
    """A food voucher whose number was already received from its issuer: recorded (the household is
    not turned away at the till), and the volunteer is told, so that someone checks it."""
    voucher = getattr(entry, "voucher", None) if entry.means == Means.VOUCHER else None
    if voucher is None:
        return
    for other in vouchers.same_number(voucher)[:3]:
        messages.warning(request, _("Voucher no. %(number)s of %(issuer)s was already received on %(day)s (member "
                                    "no. %(member)s). It is recorded and flagged in the list of vouchers: check it.")
                         % {"number": voucher.number, "issuer": voucher.issuer.name, "member": other.member.number,
                            "day": date_format(other.received_on, "j F Y")})


# --- The day: collect, pay, receipt ---------------------------------------------------------------


@require_scope(*STAFF)
@require_POST
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the served quantities sent with the form, mark the basket collected and charge it (all or
    nothing: a refused weight shows the basket again with every weight typed, nothing stored)."""
    basket = distribution_queries.basket_for(request.scope, pk)
    form = distribution_views.served_form(basket, request.POST)
    if form.is_valid():
        try:
            services.collect_basket(basket=basket, served=form.served(), by=request.user)
        except DomainError as error:
            form.refuse(error)
        else:
            distribution_views.warn_shortfalls(request, basket)
            return redirect("accounts:checkout", basket.pk)
    return distribution_views.basket_page(request, basket, served=form, status=REFUSED)


@require_scope(*STAFF)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    try:
        services.reopen_basket(basket=basket, by=request.user)
    except DomainError as error:
        _fail(request, error)
        return distribution_views.basket_page(request, basket, status=REFUSED)
    messages.success(request, _("Basket reopened; its charge is reversed."))
    return redirect("distribution:basket", basket.pk)


def _checkout_context(basket, form=None, on_account_form=None, fee_form=None):
    """The checkout: what the basket costs and what is due. No payment form once nothing is due
    (a second submit of a payment after going back is refused too), nor for a basket not collected.
    The first membership fee, when it is due here, is its own line and its own small form, taken
    before the basket's payment (`to_take`: both, for a member who pays them at once)."""
    receipt = queries.receipt(basket)
    balance = receipt.balance
    collected = basket.status != Basket.Status.NOT_COLLECTED
    due = max(-balance, Decimal("0.00")) if collected else Decimal("0.00")
    limit = AccountSettings.for_association(basket.member.association_id).negative_limit
    if form is None and due:
        form = PaymentForm(initial={"key": uuid.uuid4(), "means": Means.CASH, "amount": plain_number(due)},
                           association_id=basket.member.association_id)
    fee_due = services.fee_due_at(basket)
    if fee_due is not None and fee_form is None:
        fee_form = FeeForm(initial={"means": Means.CASH})
    return {"basket": basket, "distribution": basket.distribution, "lines": receipt.lines if collected else [],
            "total": receipt.total if collected else Decimal("0.00"), "collected": collected,
            "payments": receipt.payments, "balance": balance, "due": due, "limit": limit, "form": form,
            "on_account_form": on_account_form or OnAccountForm(), "beyond_limit": balance < -limit,
            "fee_due": fee_due, "fee_year": basket.distribution.date.year,
            "fee_form": fee_form if fee_due is not None else None,
            "fee": CheckoutFee.objects.filter(basket=basket).select_related("membership").first(),
            "to_take": due + (fee_due or Decimal("0.00")),
            "savings": receipt.savings if collected else None}


@require_scope(*STAFF)
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    return render(request, "accounts/checkout.html", _checkout_context(basket))


@require_scope(*STAFF)
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    form = PaymentForm(request.POST, association_id=basket.member.association_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_payment(member=basket.member, amount=data["amount"], means=data["means"],
                                            by=request.user, key=data["key"], reference=data["reference"],
                                            issuer=data["issuer"] or "", basket=basket, advance=data["advance"],
                                            voucher_value=data["amount"] if data["means"] == Means.VOUCHER else None,
                                            distribution=basket.distribution)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Payment recorded."))
            warn_same_voucher(request, entry)
            return redirect("accounts:checkout", basket.pk)
    collected = basket.status != Basket.Status.NOT_COLLECTED
    if not request.POST.get("advance") and not (collected and services.amount_due(basket.member)):
        # nothing is due (paid already, a form submitted again; or not collected): no payment form
        messages.error(request, _("This basket is already paid: nothing was recorded.")
                       if collected else _("This basket was not collected: there is nothing to pay for it."))
        form = None
    return render(request, "accounts/checkout.html", _checkout_context(basket, form), status=REFUSED)


@require_scope(*STAFF)
@require_POST
def fee(request: HttpRequest, pk: int) -> HttpResponse:
    """The first membership fee, taken at this checkout before the basket's payment (its own line)."""
    basket = distribution_queries.basket_for(request.scope, pk, write=True)
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.take_first_fee(basket=basket, means=form.cleaned_data["means"], by=request.user)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Membership fee recorded."))
            return redirect("accounts:checkout", basket.pk)
    if services.fee_due_at(basket) is None:
        messages.error(request, _("No membership fee is due here: nothing was recorded."))
    return render(request, "accounts/checkout.html", _checkout_context(basket, fee_form=form), status=REFUSED)


@require_scope(*STAFF)
@require_POST
def on_account(request: HttpRequest, pk: int) -> HttpResponse:
    basket = distribution_queries.basket_for(request.scope, pk)
    form = OnAccountForm(request.POST)
    if form.is_valid():
        try:
            services.leave_on_account(member=basket.member, by=request.user,
                                      confirmed=form.cleaned_data["confirm"])
        except DomainError as error:
            form.add_error("confirm", str(error))
        else:
            messages.success(request, _("Left on the member's account."))
            return redirect("distribution:day", basket.distribution_id)
    return render(request, "accounts/checkout.html", _checkout_context(basket, on_account_form=form),
                  status=REFUSED)


@require_scope(*STAFF, MEMBER)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of a basket: the staff of its group, and the member herself (read only); `?format=pdf`."""
    basket = distribution_queries.basket_for(request.scope, pk, own=True)
    if request.GET.get("format") == "pdf":
        context = _receipt_context(request, basket)
        return pdf_response("accounts/pdf/receipt.html", context,
                            f"recu-{basket.member.number}-{basket.distribution.date:%Y%m%d}.pdf", request)
    return receipt_page(request, basket)


def _receipt_context(request, basket) -> dict:
    context = _checkout_context(basket)
    scope = request.scope
    context["staff_view"] = scope.is_staff and scope.has_group(basket.distribution.group_id)
    context["day"] = queries.day_label(basket.distribution.date, timezone.localdate())
    context["full_day"] = date_format(basket.distribution.date, "j F Y")
    return context


def receipt_page(request, basket, status=200):
    """The receipt of a basket; also shown again by grappe.notify when sending it is refused."""
    return render(request, "accounts/receipt.html", _receipt_context(request, basket), status=status)


@require_scope(*STAFF)
def cash_count(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_queries.distribution_for(request.scope, pk)
    counts = {c.means: c for c in CashCount.objects.filter(distribution=distribution)}
    if request.method == "POST":
        form = CashCountForm(request.POST)
        if form.is_valid():
            try:
                services.record_cash_count(distribution=distribution, counted=form.counted(),
                                           reasons=form.reasons(), by=request.user)
            except DomainError as error:
                form.refuse(error)
            else:
                messages.success(request, _("Cash count saved."))
                return redirect("accounts:cash_count", distribution.pk)
        status = REFUSED
    else:
        initial = {}
        for means, count in counts.items():
            initial[f"counted-{means}"], initial[f"reason-{means}"] = plain_number(count.counted), count.reason
        form, status = CashCountForm(initial=initial), 200
    expected = services.expected_takings(distribution)
    fees = {row["means"]: row["total"] for row in services.fees_taken(distribution)}
    rows = [(value, label, expected[value], counts.get(value), form[f"counted-{value}"], form[f"reason-{value}"],
             fees.get(value)) for value, label in Means.choices]
    return render(request, "accounts/cash_count.html", {"distribution": distribution, "rows": rows, "form": form},
                  status=status)


# --- Members' accounts ----------------------------------------------------------------------------


@require_scope(MEMBER)
def mine(request: HttpRequest) -> HttpResponse:
    member = request.scope.member
    opening, rows = queries.statement(member)
    if request.GET.get("format") == "pdf":
        return _statement_pdf(request, member, opening, rows)
    queries.link_baskets(member, rows)
    today = timezone.localdate()
    baskets = [(basket, queries.day_label(basket.distribution.date, today))
               for basket in queries.member_baskets(member).exclude(status=Basket.Status.WAITING)[:24]]
    return render(request, "accounts/mine.html", {"member": member, "rows": rows, "opening": opening,
                                                  "balance": services.balance(member), "baskets": baskets,
                                                  "story_links": True, "year": today.year,
                                                  "year_savings": queries.year_savings(member, today.year)})


@require_scope(MEMBER)
def my_basket(request: HttpRequest, pk: int) -> HttpResponse:
    """"Mon panier du 11 décembre": one of her baskets told from the order to the payment."""
    basket = distribution_queries.basket_for(request.scope, pk, own=True)
    if basket.member_id != request.scope.member.pk:
        raise Http404
    today = timezone.localdate()
    story = queries.basket_story(basket)
    return render(request, "accounts/my_basket.html", {
        "story": story, "basket": basket, "distribution": basket.distribution,
        "day": queries.day_label(basket.distribution.date, today),
        "savings": savings_of(basket.lines.all()) if story.collected else None})


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
        "period_form": PeriodForm(initial={"debut": start, "fin": end})})


@require_scope(*COORDINATORS)
def member_account(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk)
    if request.GET.get("format") == "pdf":
        opening, rows = queries.statement(member)
        return _statement_pdf(request, member, opening, rows)
    return _member_page(request, member)


def _member_page(request, member, payment=None, refund=None, status=200):
    opening, rows = queries.statement(member)
    queries.link_baskets(member, rows)
    payment = payment or PaymentForm(initial={"key": uuid.uuid4(), "means": Means.TRANSFER},
                                     association_id=member.association_id)
    refund = refund or RefundForm(initial={"key": uuid.uuid4(), "means": Means.CASH})
    return render(request, "accounts/member.html", {
        "member": member, "rows": rows, "opening": opening, "balance": services.balance(member),
        "payment_form": payment, "refund_form": refund}, status=status)


@require_scope(*COORDINATORS)
@require_POST
def member_payment(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    form = PaymentForm(request.POST, association_id=member.association_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_payment(member=member, amount=data["amount"], means=data["means"],
                                            by=request.user, key=data["key"], reference=data["reference"],
                                            issuer=data["issuer"] or "",
                                            voucher_value=data["amount"] if data["means"] == Means.VOUCHER else None)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Payment recorded."))
            warn_same_voucher(request, entry)
            return redirect("accounts:member", member.pk)
    messages.error(request, _("Check the amount and the means of payment."))
    return _member_page(request, member, payment=form, status=REFUSED)


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
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Refund recorded."))
            return redirect("accounts:member", member.pk)
    messages.error(request, _("Check the amount."))
    return _member_page(request, member, refund=form, status=REFUSED)


@require_scope(*COORDINATORS)
@require_POST
def reverse(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    entry = Entry.objects.filter(pk=entry_pk, member=member).first()
    if entry is None:
        raise Http404
    try:
        services.reverse_entry(entry=entry, by=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        _fail(request, error)
        return _member_page(request, member, status=REFUSED)
    messages.success(request, _("Correction recorded."))
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
    forms = {"invoice_form": invoice_form, "cost_form": cost_form, "difference_form": difference_form}
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
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
            elif action == "explain_ledger":
                services.explain_ledger_gap(cycle=cycle, reason=reason, by=request.user)
                messages.success(request, _("Reason saved."))
            elif action == "settle":
                services.settle_cycle(cycle=cycle, by=request.user)
                messages.success(request, _("The cycle is settled."))
            elif action == "reopen":
                services.reopen_settlement(cycle=cycle, reason=reason, by=request.user)
                messages.success(request, _("The settlement is reopened: the cycle can be corrected, then settled "
                                            "again."))
            elif action == "explain":
                invoice = SupplierInvoice.objects.filter(pk=request.POST.get("invoice"),
                                                         purchase_order__cycle=cycle).first()
                if invoice is None:
                    raise Http404
                services.explain_invoice(invoice=invoice, reason=reason, by=request.user)
                messages.success(request, _("Reason saved."))
            else:
                messages.error(request, _("Check the form."))
                return render(request, "accounts/settlement.html",
                              _settlement_context(cycle, orders, typed=request.POST, **forms), status=REFUSED)
        except DomainError as error:
            # refused: the page again, with what was typed (never a redirect that would lose it)
            _fail(request, error)
            cycle.refresh_from_db()
            return render(request, "accounts/settlement.html",
                          _settlement_context(cycle, orders, typed=request.POST, **forms), status=REFUSED)
        return redirect("accounts:settlement", cycle.pk)
    # a coordinator who only reads a shared cycle sees its figures, not forms that would answer 403
    can_change = request.scope.is_coordinator and request.scope.reaches_all(cycle_group_ids(cycle))
    return render(request, "accounts/settlement.html", _settlement_context(cycle, orders, can_change=can_change,
                                                                           **forms))


ROUNDING_LABELS = {"charges": gettext_lazy("charges to members"), "purchases": gettext_lazy("supplier lines"),
                   "passed_on": gettext_lazy("passed-on costs"), "stock": gettext_lazy("stock value"),
                   "losses": gettext_lazy("losses"), "margin": gettext_lazy("margin to the cent")}
DIFFERENCE_LABELS = {"passed_on": gettext_lazy("passed-on costs recorded differ from those recovered"),
                     "ledger": gettext_lazy("members' accounts differ from the baskets served"),
                     "remainder": gettext_lazy("difference no recorded line accounts for")}


def _settlement_context(cycle, orders, invoice_form, cost_form, difference_form, typed=None, can_change=True):
    report = queries.settlement_report(cycle)
    for line in report.rounding_lines:
        line.label = ROUNDING_LABELS.get(line.key, line.label)
    for line in report.differences:
        line.label = DIFFERENCE_LABELS.get(line.key, line.label)
    expected = {po.pk: sum((queries.expected_invoice(line) for line in po.lines.all()), Decimal("0.00"))
                for po in orders}
    rows = []
    for po in orders:
        invoiced = sum((i.amount for i in po.invoices.all()), Decimal("0.00"))
        rows.append({"po": po, "expected": expected[po.pk], "invoiced": invoiced,
                     "flag": invoiced != po.total_incl_vat or invoiced != expected[po.pk],
                     "invoices": list(po.invoices.all())})
    typed = typed or {}
    events = list(CycleEvent.objects.filter(cycle=cycle).select_related("by"))
    settled = next((e for e in reversed(events) if e.kind == CycleEvent.Kind.SETTLED), None)
    return {"cycle": cycle, "report": report, "orders": rows, "invoice_form": invoice_form, "cost_form": cost_form,
            "difference_form": difference_form, "events": events,
            "settled_event": settled if cycle.status == OrderCycle.Status.SETTLED else None,
            "is_settled": cycle.status == OrderCycle.Status.SETTLED,
            "typed_action": typed.get("action", ""), "typed_reason": typed.get("reason", ""),
            "typed_invoice": typed.get("invoice", ""), "can_change": can_change}


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
            form.add_error(None, str(error))
    return render(request, "accounts/supplier_payment.html", {"invoice": invoice, "form": form,
                                                              "payments": invoice.payments.all()},
                  status=REFUSED if request.method == "POST" else 200)


@require_scope(*COORDINATORS)
def export_view(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        return render(request, "accounts/export.html", {"form": form}, status=400 if request.GET else 200)
    start, end, kind = form.cleaned_data["debut"], form.cleaned_data["fin"], form.cleaned_data["format"]
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

