"""Pages of the food vouchers: the issuers' list, the vouchers received, the claims sent to the
issuers (prepare, documents, reimbursed, cancel, undo). Who: see `voucher_queries`."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED, DomainError
from grappe.network.access import ADMIN, COORDINATOR, require_scope

from . import claim_documents, voucher_queries, vouchers
from .forms import ClaimForm, ClaimReasonForm, IssuerForm, ReimbursedForm, VoucherFilterForm
from .models import VoucherClaim, VoucherClaimEvent

COORDINATORS = (ADMIN, COORDINATOR)


# --- Issuers --------------------------------------------------------------------------------------


def _issuers_page(request, form, status=200):
    issuers = voucher_queries.issuers_for(request.scope).order_by("-active", "name")
    return render(request, "accounts/vouchers/issuers.html", {"issuers": issuers, "form": form}, status=status)


@require_scope(*COORDINATORS)
def issuers(request: HttpRequest) -> HttpResponse:
    """The association's voucher issuers, and a form to add one."""
    if request.method != "POST":
        return _issuers_page(request, IssuerForm(initial={"active": True}))
    form = IssuerForm(request.POST)
    if form.is_valid():
        try:
            issuer = vouchers.save_issuer(association=request.scope.association, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Issuer “%(name)s” added.") % {"name": issuer.name})
            return redirect("accounts:voucher_issuers")
    return _issuers_page(request, form, status=REFUSED)


@require_scope(*COORDINATORS)
def issuer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an issuer; unticking "active" takes it out of the payment forms (its vouchers stay)."""
    issuer = voucher_queries.issuer_for(request.scope, pk, write=request.method == "POST")
    if request.method != "POST":
        form = IssuerForm(initial={f: getattr(issuer, f) for f in IssuerForm.base_fields})
        return render(request, "accounts/vouchers/issuer_edit.html", {"issuer": issuer, "form": form})
    form = IssuerForm(request.POST)
    if form.is_valid():
        try:
            vouchers.save_issuer(association=request.scope.association, by=request.user, issuer=issuer,
                                 **form.cleaned_data)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Issuer saved."))
            return redirect("accounts:voucher_issuers")
    issuer.refresh_from_db()
    return render(request, "accounts/vouchers/issuer_edit.html", {"issuer": issuer, "form": form}, status=REFUSED)


# --- Vouchers received ----------------------------------------------------------------------------


@require_scope(*COORDINATORS)
def voucher_list(request: HttpRequest) -> HttpResponse:
    """The vouchers received, filtered by issuer, status and period; a number seen twice is flagged."""
    scope = request.scope
    form = VoucherFilterForm(request.GET or None, association_id=scope.association.pk)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = voucher_queries.voucher_list(scope, issuer=filters.get("emetteur"), status=filters.get("statut", ""),
                                         start=filters.get("debut"), end=filters.get("fin"))
    return render(request, "accounts/vouchers/list.html", {
        "form": form, "found": found, "limit": voucher_queries.LIST_LIMIT, "is_admin": scope.is_admin},
        status=400 if form.is_bound and not form.is_valid() else 200)


# --- Claims ---------------------------------------------------------------------------------------


@require_scope(ADMIN)
def claims(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/vouchers/claims.html", {
        "claims": voucher_queries.claims_for(request.scope).order_by("-issued_at", "-pk")[:200]})


def _claim_new_page(request, form, status=200):
    preview = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = list(vouchers.claimable(data["emetteur"], data["debut"], data["fin"])
                    .select_related("member").order_by("received_on", "number_key", "pk"))
        preview = {"rows": rows, "count": len(rows), "total": sum((v.value for v in rows), vouchers.ZERO)}
    return render(request, "accounts/vouchers/claim_new.html", {"form": form, "preview": preview}, status=status)


@require_scope(ADMIN)
def claim_new(request: HttpRequest) -> HttpResponse:
    """Prepare a claim: choose the issuer and the period (GET shows what it would take), then confirm."""
    association = request.scope.association
    if request.method != "POST":
        form = ClaimForm(request.GET or None, association_id=association.pk)
        return _claim_new_page(request, form, status=400 if form.is_bound and not form.is_valid() else 200)
    form = ClaimForm(request.POST, association_id=association.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = vouchers.open_claim(association, data["emetteur"], data["debut"], data["fin"], by=request.user)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Claim %(reference)s prepared: download its documents and send them.")
                             % {"reference": claim.reference})
            return redirect("accounts:voucher_claim", claim.pk)
    return _claim_new_page(request, form, status=REFUSED)


def _claim_page(request, claim, *, reimbursed=None, cancel=None, reopen=None, status=200):
    return render(request, "accounts/vouchers/claim.html", {
        "claim": claim, "rows": voucher_queries.claim_rows(claim),
        "events": VoucherClaimEvent.objects.filter(claim=claim).select_related("by"),
        "reimbursed_form": reimbursed or ReimbursedForm(initial={"on": timezone.localdate()}),
        "cancel_form": cancel or ClaimReasonForm(prefix="cancel"),
        "reopen_form": reopen or ClaimReasonForm(prefix="reopen"),
        "is_claimed": claim.status == VoucherClaim.Status.CLAIMED,
        "is_reimbursed": claim.status == VoucherClaim.Status.REIMBURSED}, status=status)


@require_scope(ADMIN)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, voucher_queries.claim_for(request.scope, pk))


@require_scope(ADMIN)
def claim_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    claim = voucher_queries.claim_for(request.scope, pk)
    response = HttpResponse(claim_documents.claim_pdf(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{claim.reference}.pdf"'
    return response


@require_scope(ADMIN)
def claim_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    claim = voucher_queries.claim_for(request.scope, pk)
    response = HttpResponse(claim_documents.claim_xlsx(claim),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{claim.reference}.xlsx"'
    return response


def _claim_action(request: HttpRequest, pk: int, form, act, done: str, slot: str) -> HttpResponse:
    """One step of a claim (reimbursed, cancelled, reopened): the service on the valid form, then back
    to the claim; refused, its page again with the form as typed in its own `slot`."""
    claim = voucher_queries.claim_for(request.scope, pk, write=True)
    if form.is_valid():
        try:
            act(claim, form.cleaned_data)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, done % {"reference": claim.reference})
            return redirect("accounts:voucher_claim", claim.pk)
    claim.refresh_from_db()
    return _claim_page(request, claim, **{slot: form}, status=REFUSED)


@require_scope(ADMIN)
@require_POST
def claim_reimbursed(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(request, pk, ReimbursedForm(request.POST),
                         lambda claim, data: vouchers.mark_reimbursed(claim, by=request.user, **data),
                         _("Claim %(reference)s marked reimbursed."), "reimbursed")


@require_scope(ADMIN)
@require_POST
def claim_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(request, pk, ClaimReasonForm(request.POST, prefix="cancel"),
                         lambda claim, data: vouchers.cancel_claim(claim, by=request.user, reason=data["reason"]),
                         _("Claim %(reference)s cancelled: its vouchers can be claimed again."), "cancel")


@require_scope(ADMIN)
@require_POST
def claim_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(request, pk, ClaimReasonForm(request.POST, prefix="reopen"),
                         lambda claim, data: vouchers.reopen_claim(claim, by=request.user, reason=data["reason"]),
                         _("The reimbursement of %(reference)s is undone."), "reopen")
