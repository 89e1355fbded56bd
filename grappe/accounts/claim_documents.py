"""A voucher claim as the documents sent to the issuer: a PDF (WeasyPrint) and an XLSX (openpyxl)
with the same rows and totals. Always in French (the issuer is a French public body or operator).

Each row names the member by number only, never by name: the issuer needs to check the vouchers
(number, day, value), not to know which household used them; the association can trace a number
back to its member if the issuer asks about one voucher."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from grappe.core.pdf import render_pdf_bytes
from grappe.core.tabular import xlsx_row

from .models import VoucherClaim
from .voucher_queries import claim_rows

LANGUAGE = "fr"


def claim_context(claim: VoucherClaim) -> dict:
    rows = claim_rows(claim)
    return {"claim": claim, "association": claim.association, "issuer": claim.issuer, "rows": rows,
            "total": claim.total, "count": len(rows), "today": timezone.localdate()}


def claim_pdf(claim: VoucherClaim) -> bytes:
    with translation.override(LANGUAGE):
        return render_pdf_bytes("accounts/vouchers/claim_pdf.html", claim_context(claim))


def claim_xlsx(claim: VoucherClaim) -> bytes:
    """One sheet: who claims from whom and for which period, then one row per voucher (number, day
    received, member number, value) and the total. Text cells are never formulas (core.tabular)."""
    context = claim_context(claim)
    association, issuer = claim.association, claim.issuer
    with translation.override(LANGUAGE):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = claim.reference
        xlsx_row(sheet, [_("Food-voucher claim"), claim.reference])
        sheet["A1"].font = Font(bold=True)
        xlsx_row(sheet, [_("Association"), association.name])
        if association.siret:
            xlsx_row(sheet, [_("SIRET"), association.siret])
        xlsx_row(sheet, [_("Issuer"), issuer.name])
        if issuer.scheme_reference:
            xlsx_row(sheet, [_("Scheme or agreement"), issuer.scheme_reference])
        xlsx_row(sheet, [_("Period"), claim.period_start, claim.period_end])
        xlsx_row(sheet, [_("Claimed on"), timezone.localtime(claim.issued_at).date()])
        xlsx_row(sheet, [])
        xlsx_row(sheet, [_("Voucher number"), _("Day received"), _("Member number"), _("Value (EUR)")])
        header = sheet.max_row
        for cell in sheet[header]:
            cell.font = Font(bold=True)
        for voucher in context["rows"]:
            xlsx_row(sheet, [voucher.number, voucher.received_on, voucher.member.number, voucher.value])
            sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
        xlsx_row(sheet, [_("Total"), ngettext("%(count)s voucher", "%(count)s vouchers", context["count"]) % {"count": context["count"]}, "", claim.total])
        sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if hasattr(cell.value, "isoformat") and not isinstance(cell.value, str):
                    cell.number_format = "DD/MM/YYYY"
        for column, width in zip("ABCD", (28, 22, 18, 16), strict=True):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
