"""The EN 16931 (Factur-X "EN 16931" profile) Cross Industry Invoice XML of an invoice, Django-free.

Built with lxml element by element in the order the CII XSD requires. Chorus Pro reads the buyer's
SIRET from the buyer's legal organisation (scheme 0009, SIRET) and the service code from BuyerReference (BT-10).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed (lxml-stubs)

from .amounts import Line, Totals

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
EN16931 = "urn:cen.eu:en16931:2017"
SIRET_SCHEME = "0009"  # ISO 6523 ICD 0009: SIRET (0002 is the 9-digit SIREN), as Chorus Pro reads it
TYPE_INVOICE, TYPE_CREDIT_NOTE = "380", "381"
NOT_SUBJECT_REASON = "TVA non applicable, art. 293 B du CGI"
NOT_SUBJECT_REASON_CODE = "VATEX-FR-FRANCHISE"


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    siret: str = ""
    vat_number: str = ""
    # BT-32, the seller's tax registration (scheme FC): its SIREN when it has no VAT number, so that an
    # invoice whose lines are exempt (category E) still names the seller's tax identity (rule BR-E-02)
    tax_registration: str = ""


@dataclass(frozen=True)
class CiiInvoice:
    number: str
    issued_on: date
    credit_note: bool
    seller: Party
    buyer: Party
    lines: list[Line]
    totals: Totals
    vat_subject: bool
    due_on: date | None = None
    payment_terms: str = ""
    buyer_reference: str = ""  # the Chorus Pro service code
    corrected_number: str = ""  # a credit note: the invoice it corrects
    corrected_issued_on: date | None = None
    notes: list[str] = field(default_factory=list)


def _el(parent, tag: str, text: str | None = None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _date(parent, tag: str, day: date):
    wrapper = _el(parent, tag)
    _el(wrapper, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent, tag: str, party: Party):
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if party.siret:
        organisation = _el(node, "ram:SpecifiedLegalOrganization")
        _el(organisation, "ram:ID", party.siret, schemeID=SIRET_SCHEME)
    address = _el(node, "ram:PostalTradeAddress")
    lines = [part.strip() for part in party.address.splitlines() if part.strip()]
    if lines:
        _el(address, "ram:LineOne", lines[0])
    if len(lines) > 1:
        _el(address, "ram:LineTwo", ", ".join(lines[1:]))
    _el(address, "ram:CountryID", "FR")
    if party.tax_registration:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_registration, schemeID="FC")
    if party.vat_number:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_number, schemeID="VA")


def _category(invoice: CiiInvoice) -> str:
    return "S" if invoice.vat_subject else "E"


def _line_tax(parent, invoice: CiiInvoice, rate: Decimal):
    tax = _el(parent, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", _category(invoice))
    _el(tax, "ram:RateApplicablePercent", _amount(rate))


def cii_xml(invoice: CiiInvoice) -> bytes:
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.number)
    _el(document, "ram:TypeCode", TYPE_CREDIT_NOTE if invoice.credit_note else TYPE_INVOICE)
    _date(document, "ram:IssueDateTime", invoice.issued_on)
    for note in invoice.notes:
        _el(_el(document, "ram:IncludedNote"), "ram:Content", note)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(invoice.lines, start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", f"{line.unit_price:.4f}")
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", f"{line.quantity:.3f}",
            unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _line_tax(settlement, invoice, line.vat_rate)
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.net))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.buyer_reference:
        _el(agreement, "ram:BuyerReference", invoice.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", invoice.seller)
    _party(agreement, "ram:BuyerTradeParty", invoice.buyer)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    for item in invoice.totals.breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(item.vat))
        _el(tax, "ram:TypeCode", "VAT")
        if not invoice.vat_subject:
            _el(tax, "ram:ExemptionReason", NOT_SUBJECT_REASON)
        _el(tax, "ram:BasisAmount", _amount(item.basis))
        _el(tax, "ram:CategoryCode", _category(invoice))
        if not invoice.vat_subject:
            _el(tax, "ram:ExemptionReasonCode", NOT_SUBJECT_REASON_CODE)
        _el(tax, "ram:RateApplicablePercent", _amount(item.rate))
    if invoice.payment_terms or invoice.due_on:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if invoice.payment_terms:
            _el(terms, "ram:Description", invoice.payment_terms)
        if invoice.due_on:
            _date(terms, "ram:DueDateDateTime", invoice.due_on)
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(invoice.totals.net))
    _el(summation, "ram:TaxBasisTotalAmount", _amount(invoice.totals.net))
    _el(summation, "ram:TaxTotalAmount", _amount(invoice.totals.vat), currencyID="EUR")
    _el(summation, "ram:GrandTotalAmount", _amount(invoice.totals.gross))
    _el(summation, "ram:DuePayableAmount", _amount(invoice.totals.gross))
    if invoice.corrected_number:
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", invoice.corrected_number)
        if invoice.corrected_issued_on:
            wrapper = _el(referenced, "ram:FormattedIssueDateTime")
            _el(wrapper, "qdt:DateTimeString", invoice.corrected_issued_on.strftime("%Y%m%d"), format="102")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
