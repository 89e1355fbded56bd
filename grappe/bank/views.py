"""Pages of the bank statements: accounts, import, the lines to handle, the month's reconciliation.
Association admins only (queries.account_for / line_for); everyone else gets a 404."""

import base64
import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.accounts.models import Entry, Means, SupplierInvoice, SupplierPayment, VoucherClaim
from grappe.core.errors import REFUSED, DomainError
from grappe.core.money import format_euros
from grappe.network.access import ADMIN, require_scope

from . import queries, services
from .forms import (
    MAX_FILE,
    AccountForm,
    ChangeForm,
    ImportForm,
    MonthForm,
    ReasonForm,
    ReopenForm,
    masked_iban,
)
from .models import BankTransaction, ImportJob, StatementImport
from .statements import CsvMapping, StatementError, detect_format, parse

Kind = BankTransaction.Kind


def _day(day) -> str:
    return date_format(day, "d/m/Y")


def describe(line: BankTransaction) -> str:
    """The line's proposal (or confirmed match) in plain French."""
    confirmed = line.status == BankTransaction.Status.CONFIRMED
    kind = line.match_kind if confirmed else line.proposal_kind
    if confirmed:
        entry, member = line.matched_entry, getattr(line.matched_entry, "member", None)
        payment, membership = line.matched_supplier_payment, line.matched_membership
        invoice, claim = getattr(payment, "invoice", None), line.matched_claim_id
        if kind == Kind.FEE and membership is not None:
            member = membership.member
    else:
        entry, member = line.proposed_entry, line.proposed_member
        payment, invoice, claim = line.proposed_supplier_payment, line.proposed_invoice, line.proposed_claim_id
    who = f"n° {member.number} {member.name}" if member is not None else ""
    if kind == Kind.PAYMENT and member is not None:
        return _("Payment from member %(who)s, booked on their account.") % {"who": who}
    if kind == Kind.HAND and entry is not None:
        return _("The transfer from member %(who)s already recorded by hand on %(day)s.") % {
            "who": f"n° {entry.member.number} {entry.member.name}", "day": _day(timezone.localdate(entry.at))}
    if kind == Kind.FEE and member is not None:
        return _("Membership fee %(year)s of member %(who)s.") % {"year": line.booked_on.year, "who": who}
    if kind == Kind.SUPPLIER_PAYMENT and payment is not None:
        return _("The payment to %(supplier)s for invoice %(number)s, already recorded on %(day)s.") % {
            "supplier": payment.invoice.purchase_order.supplier, "number": payment.invoice.number,
            "day": _day(payment.date)}
    if kind == Kind.INVOICE and invoice is not None:
        return _("Payment of invoice %(number)s from %(supplier)s.") % {
            "number": invoice.number, "supplier": invoice.purchase_order.supplier}
    if kind == Kind.CLAIM and claim is not None:
        found = VoucherClaim.objects.filter(pk=claim).select_related("issuer").first()
        if found is not None:
            return _("Reimbursement of food-voucher claim %(reference)s by %(issuer)s.") % {
                "reference": found.reference, "issuer": found.issuer.name}
        return _("Reimbursement of food-voucher claim no. %(pk)s.") % {"pk": claim}
    return ""


# --- Accounts ------------------------------------------------------------------------------------


@require_scope(ADMIN)
def index(request: HttpRequest) -> HttpResponse:
    accounts = list(queries.accounts_for(request.scope))
    for account in accounts:
        account.masked = masked_iban(account.iban)
        account.waiting = queries.to_handle(account).count()
    return render(request, "bank/index.html", {"accounts": accounts, "this_month": timezone.localdate()})


@require_scope(ADMIN)
def account_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    account = queries.account_for(request.scope, pk, write=request.method == "POST") if pk is not None else None
    initial = {"name": account.name, "iban": account.iban} if account else None
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_account(association=request.scope.association, account=account, **form.cleaned_data)
        except DomainError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Bank account saved."))
            return redirect("bank:index")
    return render(request, "bank/account_form.html",
                  {"form": form, "account": account, "masked": masked_iban(account.iban) if account else ""},
                  status=REFUSED if request.method == "POST" else 200)


# --- Import --------------------------------------------------------------------------------------


def _kept_key(account) -> str:
    return f"bank_upload_{account.pk}"


def _csv_header(data: bytes) -> list[str]:
    """The first line's columns, to show beside the mapping when a CSV was not understood."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            first = data.decode(encoding).splitlines()[0] if data.strip() else ""
        except UnicodeDecodeError:
            continue
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return [cell.strip().strip('"') for cell in first.split(delimiter)][:40]
    return []


@require_scope(ADMIN)
def import_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a statement. A file that cannot be read shows why on the same page, with what was typed,
    and the file is kept (in the session) for the next try: nothing to choose again."""
    account = queries.account_for(request.scope, pk, write=request.method == "POST")
    kept = request.session.get(_kept_key(account))
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload is not None and upload.size <= MAX_FILE:  # kept even when the form is refused
        kept = {"name": upload.name[:255], "data": base64.b64encode(upload.read()).decode()}
        request.session[_kept_key(account)] = kept
    mapping = {**CsvMapping(date="", label="").as_dict(), **(account.csv_mapping or {})}
    form = ImportForm(request.POST or None, request.FILES or None, has_kept_file=bool(kept), initial=mapping)
    header: list[str] = []
    if request.method == "POST" and form.is_valid() and kept:
        name, data = kept["name"], base64.b64decode(kept["data"])
        chosen = form.cleaned_data["format"]
        if services.is_large(data):  # read by the worker; this page follows it
            job = services.queue_import(account=account, data=data, file_name=name, format=chosen,
                                        csv_mapping=form.csv_mapping(), by=request.user)
            request.session.pop(_kept_key(account), None)
            return redirect("bank:import_job", job.pk)
        try:
            statement = parse(data, chosen, csv_mapping=form.csv_mapping())
            record = services.import_statement(account=account, statement=statement, file_name=name, by=request.user)
        except (StatementError, ValueError, DomainError) as error:  # a parser's own ValueError too
            form.add_error(None, services.unreadable(data, chosen, error))
            if (detect_format(data) if chosen == "auto" else chosen) == "csv":
                header = _csv_header(data)
        else:
            request.session.pop(_kept_key(account), None)
            messages.success(request, _("Statement imported: %(transactions)s transactions, %(new)s new, "
                                        "%(already)s already imported, %(proposed)s with a proposal.")
                             % {"transactions": record.transactions, "new": record.new,
                                "already": record.already_imported, "proposed": record.proposed})
            return redirect(f"{_lines_url(account)}?import={record.pk}")
    return render(request, "bank/import.html", {"account": account, "form": form, "kept": kept, "header": header},
                  status=REFUSED if request.method == "POST" else 200)


@require_scope(ADMIN)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A large statement being imported by the worker: its status (the page refreshes itself), then its
    figures or its error."""
    job = queries.import_job_for(request.scope, pk)
    active = job.status in ImportJob.ACTIVE
    return render(request, "bank/import_job.html", {
        "job": job, "account": job.account, "record": job.statement_import,
        "refresh_seconds": JOB_REFRESH_SECONDS if active else None})


JOB_REFRESH_SECONDS = 3


def _lines_url(account) -> str:
    return reverse("bank:lines", args=[account.pk])


# --- Lines to handle -----------------------------------------------------------------------------


@require_scope(ADMIN)
def lines(request: HttpRequest, pk: int) -> HttpResponse:
    account = queries.account_for(request.scope, pk)
    waiting = list(queries.to_handle(account))
    for line in waiting:
        line.proposal_text = describe(line)
    done = queries.handled(account)
    for line in done:
        line.match_text = describe(line)
    record = None
    if request.GET.get("import", "").isdigit():
        record = StatementImport.objects.filter(account=account, pk=int(request.GET["import"])).first()
    return render(request, "bank/lines.html", {"account": account, "waiting": waiting, "done": done,
                                               "record": record})


def _choices(line: BankTransaction):
    """What a person may choose instead of the proposal: hand-recorded transfers of the same amount,
    outstanding supplier invoices, supplier payments by transfer of the same amount; none matched yet."""
    association_id = line.account.association_id
    if line.amount > 0:
        since = services.bank_day(line.booked_on - datetime.timedelta(days=62))
        entries = (Entry.objects.filter(association_id=association_id, kind=Entry.Kind.PAYMENT, means=Means.TRANSFER,
                                        amount=line.amount, at__gte=since, bank_transaction__isnull=True,
                                        reversed_by__isnull=True).select_related("member").order_by("-at")[:50])
        return {"entries": [(e.pk, f"{_day(timezone.localdate(e.at))} · n° {e.member.number} {e.member.name} · "
                                   f"{format_euros(e.amount)}") for e in entries]}
    invoices = services.outstanding_invoices(association_id)
    payments = (SupplierPayment.objects.filter(invoice__purchase_order__cycle__association_id=association_id,
                                               means=Means.TRANSFER, amount=-line.amount,
                                               bank_transaction__isnull=True)
                .select_related("invoice__purchase_order__supplier").order_by("-date")[:50])
    return {"invoices": [(i.pk, f"{i.supplier_name} · {i.number} · {_('remaining')} {format_euros(i.remaining)}")
                         for i in invoices],
            "supplier_payments": [(p.pk, f"{_day(p.date)} · {p.invoice.purchase_order.supplier} · {p.invoice.number} · "
                                         f"{format_euros(p.amount)}") for p in payments]}


def _line_page(request, line, *, change=None, ignore=None, reopen=None, status=200):
    line.proposal_text = describe(line)
    return render(request, "bank/line.html", {
        "line": line, "account": line.account,
        "change": change or ChangeForm(line=line, **_choices(line)),
        "ignore": ignore or ReasonForm(), "reopen": reopen or ReopenForm(),
        "events": line.events.select_related("by").all(),
    }, status=status)


@require_scope(ADMIN)
def line(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_page(request, queries.line_for(request.scope, pk))


@require_scope(ADMIN)
@require_POST
def line_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    line = queries.line_for(request.scope, pk, write=True)
    try:
        services.confirm(line=line, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return _line_page(request, line, status=REFUSED)
    messages.success(request, _("Line matched."))
    return redirect("bank:lines", line.account_id)


@require_scope(ADMIN)
@require_POST
def line_change(request: HttpRequest, pk: int) -> HttpResponse:
    line = queries.line_for(request.scope, pk, write=True)
    form = ChangeForm(request.POST, line=line, **_choices(line))
    if form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        objects = {"member": data.get("member_obj")}
        if kind == Kind.HAND:
            objects["entry"] = Entry.objects.filter(pk=data["entry"]).first()
        elif kind == Kind.INVOICE:
            objects["invoice"] = SupplierInvoice.objects.filter(pk=data["invoice"]).select_related(
                "purchase_order__cycle").first()
        elif kind == Kind.SUPPLIER_PAYMENT:
            objects["supplier_payment"] = SupplierPayment.objects.filter(pk=data["supplier_payment"]).first()
        try:
            services.confirm(line=line, by=request.user, kind=kind, **objects)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Line matched."))
            return redirect("bank:lines", line.account_id)
    return _line_page(request, line, change=form, status=REFUSED)


def _line_action(request: HttpRequest, pk: int, form_class, act, done: str, slot: str, back: str) -> HttpResponse:
    """Ignoring or reopening a line, with its reason: the service on the valid form, then `back`;
    refused, the line's page again with the form as typed in its own `slot`."""
    line = queries.line_for(request.scope, pk, write=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(line=line, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(back, line.account_id if back == "bank:lines" else line.pk)
    return _line_page(request, line, **{slot: form}, status=REFUSED)


@require_scope(ADMIN)
@require_POST
def line_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_action(request, pk, ReasonForm, services.ignore, _("Line ignored."), "ignore", "bank:lines")


@require_scope(ADMIN)
@require_POST
def line_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_action(request, pk, ReopenForm, services.reopen, _("Line reopened: it is to handle again."),
                        "reopen", "bank:line")


# --- Reconciliation ------------------------------------------------------------------------------


@require_scope(ADMIN)
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    account = queries.account_for(request.scope, pk)
    form = MonthForm(request.GET)
    today = timezone.localdate()
    year, month = today.year, today.month
    if form.is_valid() and form.cleaned_data["mois"]:
        year, month = (int(part) for part in form.cleaned_data["mois"].split("-"))
    elif not form.is_valid():
        messages.error(request, _("Choose a month as YYYY-MM."))
    start, _end = queries.month_bounds(year, month)
    previous = (start - datetime.timedelta(days=1)).strftime("%Y-%m")
    following = _end.strftime("%Y-%m")
    report = queries.month_reconciliation(account, year, month)
    for item in report.to_handle + report.ignored:
        item.proposal_text = describe(item)
    return render(request, "bank/reconciliation.html", {
        "account": account, "report": report, "month_start": start, "previous": previous, "following": following,
        "mois": start.strftime("%Y-%m")}, status=200 if form.is_valid() else 400)
