"""The invoice pages: the list, issuing one for a member (previewed, then confirmed), an invoice as issued
with its PDF and Factur-X, a credit note, and a structure's statement. Admins and the coordinators of the
buyer's group only (grappe.invoicing.queries)."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core.errors import REFUSED, DomainError
from grappe.core.pdf import render_pdf_bytes
from grappe.members.models import Member
from grappe.network.access import ADMIN, COORDINATOR, require_scope

from . import services
from .amounts import totals
from .documents import LEGAL_LANGUAGE, invoice_facturx, invoice_pdf
from .forms import CreditNoteForm, FilterForm, IssueForm, fingerprint
from .models import Invoice
from .queries import buyer_for, credited, invoice_for, invoice_totals, invoices_for

COORDINATORS = (ADMIN, COORDINATOR)
PAGE_SIZE = 50


@require_scope(*COORDINATORS)
def invoice_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    invoices = invoices_for(scope)
    years = sorted(set(invoices.values_list("year", flat=True)) | {timezone.localdate().year}, reverse=True)
    buyers = Member.objects.filter(pk__in=invoices.values("member")).order_by("number")
    form = FilterForm(request.GET or None, years=years, buyers=buyers)
    status = 200
    if form.is_bound and form.is_valid():
        if form.cleaned_data["annee"]:
            invoices = invoices.filter(year=form.cleaned_data["annee"])
        if form.cleaned_data["adherent"]:
            invoices = invoices.filter(member=form.cleaned_data["adherent"])
    elif form.is_bound:
        invoices, status = invoices.none(), REFUSED
    page = Paginator(invoices.select_related("member", "corrects").order_by("-year", "-number"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "invoicing/invoice_list.html", {
        "form": form, "page": page, "totals": invoice_totals(invoices), "query": query.urlencode()}, status=status)


def _last_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


@require_scope(*COORDINATORS)
def invoice_issue(request: HttpRequest, member_pk: int) -> HttpResponse:
    """GET: the form. POST "preview": the lines the invoice would carry (the member's baskets of the
    period, as charged to its account), the total and the due date. POST "confirm": issued as previewed,
    or refused (422) with the page as typed."""
    member = buyer_for(request.scope, member_pk, write=True)
    today = timezone.localdate()
    start, end = _last_month(today)
    with translation.override(LEGAL_LANGUAGE):  # printed on a French invoice
        terms = _("Payment by bank transfer or cheque, quoting the invoice number.")
    form = IssueForm(request.POST.copy() if request.method == "POST" else None, member=member,
                     initial={"start": start, "end": end, "payment_terms": terms})
    context = {"member": member, "form": form, "buyer": services.buyer_of(member),
               "earlier": member.invoices.order_by("-year", "-number")[:5]}
    if request.method != "POST":
        return render(request, "invoicing/invoice_issue.html", context)
    if not form.is_valid():
        return render(request, "invoicing/invoice_issue.html", context, status=REFUSED)
    data = form.cleaned_data
    lines = services.basket_lines(member=member, start=data["start"], end=data["end"])
    seen, form.data["seen"] = data["seen"], fingerprint(lines)  # the confirm button sends what is shown
    context.update(preview=True, lines=lines, totals=totals(lines), due_on=form.due_on(today))
    if request.POST.get("action") != "confirm":
        return render(request, "invoicing/invoice_issue.html", context)
    if seen != form.data["seen"]:
        form.add_error(None, _("The baskets of this period are not those of the preview (or there was no "
                               "preview): check the lines below, then confirm."))
        return render(request, "invoicing/invoice_issue.html", context, status=REFUSED)
    try:
        invoice = services.issue_invoice(association=member.association, member=member,
                                         buyer=services.buyer_of(member), lines=lines, by=request.user,
                                         payment_days=data["payment_days"], payment_terms=data["payment_terms"])
    except DomainError as error:
        form.add_error(None, str(error))
        return render(request, "invoicing/invoice_issue.html", context, status=REFUSED)
    messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.reference})
    return redirect("invoicing:detail", pk=invoice.pk)


@require_scope(*COORDINATORS)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_for(request.scope, pk)
    lines = services.invoice_lines(invoice)
    left = invoice.total_gross - credited(invoice) if invoice.kind == Invoice.Kind.INVOICE else None
    return render(request, "invoicing/invoice_detail.html", {
        "invoice": invoice, "lines": lines, "breakdown": totals(lines).breakdown, "left": left,
        "credit_notes": invoice.credit_notes.order_by("year", "number")})


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_scope(*COORDINATORS)
def invoice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_for(request.scope, pk)
    return _download(invoice_pdf(invoice), f"{invoice.reference}.pdf")


@require_scope(*COORDINATORS)
def invoice_facturx_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The Factur-X file (PDF/A-3 with its EN 16931 XML): what Chorus Pro takes, and a PDF for anyone."""
    invoice = invoice_for(request.scope, pk)
    return _download(invoice_facturx(invoice), f"{invoice.reference}-facturx.pdf")


@require_scope(*COORDINATORS)
def credit_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an invoice: a credit note for all of its lines, or for those chosen."""
    invoice = invoice_for(request.scope, pk, write=True)
    if invoice.kind != Invoice.Kind.INVOICE:
        raise Http404  # a credit note is not corrected by another one
    lines = services.invoice_lines(invoice)
    form = CreditNoteForm(request.POST or None, lines=lines)
    context = {"invoice": invoice, "form": form, "left": invoice.total_gross - credited(invoice)}
    if request.method != "POST":
        return render(request, "invoicing/credit_note.html", context)
    if form.is_valid():
        try:
            note = services.issue_credit_note(invoice=invoice, lines=form.chosen(), by=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.reference})
            return redirect("invoicing:detail", pk=note.pk)
    return render(request, "invoicing/credit_note.html", context, status=REFUSED)


def _statement_context(member: Member) -> dict:
    return {"member": member, "statement": services.statement(member=member),
            "invoices": member.invoices.select_related("corrects").order_by("-year", "-number")}


@require_scope(*COORDINATORS)
def statement(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = buyer_for(request.scope, member_pk)
    return render(request, "invoicing/statement.html", _statement_context(member))


@require_scope(*COORDINATORS)
def statement_pdf(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = buyer_for(request.scope, member_pk)
    with translation.override(LEGAL_LANGUAGE):  # sent to the structure, as its invoices are: in French
        content = render_pdf_bytes("invoicing/statement_pdf.html", {
            **_statement_context(member), "today": timezone.localdate()})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="releve-{member.number}.pdf"'
    return response
