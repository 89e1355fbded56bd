"""An invoice as a PDF and as Factur-X (the same PDF, made PDF/A-3, carrying its EN 16931 XML)."""

import facturx
from django.utils import timezone, translation

from grappe.core.pdf import render_pdf_bytes

from .amounts import totals
from .cii import NOT_SUBJECT_REASON, CiiInvoice, Party, cii_xml
from .models import Invoice
from .services import invoice_lines

LEGAL_LANGUAGE = "fr"  # an invoice is a French legal document, whoever issues it


def invoice_pdf(invoice: Invoice, *, variant: str | None = None) -> bytes:
    lines = invoice_lines(invoice)
    with translation.override(LEGAL_LANGUAGE):
        return render_pdf_bytes("invoicing/invoice_pdf.html", {
            "invoice": invoice, "lines": lines, "breakdown": totals(lines).breakdown,
            "vat_not_applicable": NOT_SUBJECT_REASON}, variant=variant)


def invoice_xml(invoice: Invoice) -> bytes:
    lines = invoice_lines(invoice)
    corrected = invoice.corrects
    return cii_xml(CiiInvoice(
        number=invoice.reference, issued_on=timezone.localdate(invoice.issued_at),
        credit_note=invoice.kind == Invoice.Kind.CREDIT_NOTE,
        seller=Party(invoice.seller_name, invoice.seller_address, invoice.seller_siret, invoice.seller_vat_number,
                     tax_registration="" if invoice.seller_vat_number else invoice.seller_siret[:9]),
        buyer=Party(invoice.buyer_name, invoice.buyer_address, invoice.buyer_siret),
        lines=lines, totals=totals(lines), vat_subject=invoice.vat_subject,
        due_on=invoice.due_on if invoice.kind == Invoice.Kind.INVOICE else None,
        payment_terms=invoice.payment_terms, buyer_reference=invoice.buyer_service_code,
        corrected_number=corrected.reference if corrected else "",
        corrected_issued_on=timezone.localdate(corrected.issued_at) if corrected else None,
        notes=[] if invoice.vat_subject else [NOT_SUBJECT_REASON]))


def invoice_facturx(invoice: Invoice) -> bytes:
    """The Factur-X file Chorus Pro accepts: the PDF as PDF/A-3 with factur-x.xml attached."""
    return facturx.generate_from_binary(invoice_pdf(invoice, variant="pdf/a-3b"), invoice_xml(invoice), flavor="factur-x",
                                        level="en16931", check_xsd=True, pdf_metadata={
                                            "author": invoice.seller_name, "keywords": "Factur-X",
                                            "title": invoice.reference, "subject": invoice.reference})
