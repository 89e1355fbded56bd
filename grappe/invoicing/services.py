"""The write path of invoices: issue one (numbered under a row lock), correct one with a credit note."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.models import Entry
from grappe.core.errors import DomainError
from grappe.members.models import Member
from grappe.network.models import Association

from .amounts import Line, totals
from .models import Invoice, InvoiceCounter

DEFAULT_PAYMENT_DAYS = 30
# A public body (the State, a local authority and their public establishments, such as a CCAS) pays
# within 30 days of receiving the invoice (Code de la commande publique, art. R2192-10); others within
# 60 days of the invoice date at most (Code de commerce, art. L441-10).
PUBLIC_BODY_PAYMENT_DAYS = 30
MAX_PAYMENT_DAYS = 60
MAX_LINES = 500
MAX_AMOUNT = Decimal("1000000")


@dataclass(frozen=True)
class Buyer:
    name: str
    address: str = ""
    siret: str = ""
    service_code: str = ""  # Chorus Pro's "code service" of a public body
    professional: bool = True  # a structure: the late-payment mentions apply
    public_body: bool = False  # invoiced through Chorus Pro: a SIRET, and paid within 30 days


def buyer_of(member: Member, *, address: str = "", siret: str = "", service_code: str = "") -> Buyer:
    """The buyer an invoice names: the member's billing details (grappe.members), unless given here."""
    structure = member.kind == Member.Kind.STRUCTURE
    return Buyer(name=member.name, address=address or member.billing_address,
                 siret=siret or (member.siret if structure else ""),
                 service_code=service_code or (member.chorus_service_code if structure else ""),
                 professional=structure, public_body=structure and member.public_body)


def _checked_lines(lines: list[Line]) -> list[Line]:
    if not lines:
        raise DomainError(_("An invoice needs at least one line."))
    if len(lines) > MAX_LINES:
        raise DomainError(_("Too many lines on one invoice."))
    for line in lines:
        try:
            finite = all(value.is_finite() and abs(value) < MAX_AMOUNT
                         for value in (line.quantity, line.unit_price, line.vat_rate))
        except (AttributeError, InvalidOperation):
            finite = False
        if not finite or not line.description.strip() or not Decimal("0") <= line.vat_rate <= Decimal("100"):
            raise DomainError(_("An invoice line is not valid."))
    return lines


def _next_number(association: Association, year: int) -> int:
    """The next number of the year's sequence: the counter row is created if missing, then locked until
    the transaction ends, so concurrent issuers wait for each other and never share or skip a number."""
    InvoiceCounter.objects.get_or_create(association=association, year=year)
    counter = InvoiceCounter.objects.select_for_update(of=("self",)).get(association=association, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def issue_invoice(*, association: Association, buyer: Buyer, lines: list[Line], by, member: Member | None = None,
                  payment_days: int = DEFAULT_PAYMENT_DAYS, payment_terms: str = "",
                  corrects: Invoice | None = None, now=None) -> Invoice:
    """Issue a numbered invoice (or, with `corrects`, a credit note: its lines are what is credited,
    given as positive amounts). The buyer and the lines are copied: nothing changes them afterwards."""
    now = now or timezone.now()
    if member is not None and member.association_id != association.pk:
        raise DomainError(_("This member belongs to another association."))
    if corrects is not None and (corrects.association_id != association.pk
                                 or corrects.kind != Invoice.Kind.INVOICE):
        raise DomainError(_("Only an invoice of this association can be corrected."))
    if not buyer.name.strip():
        raise DomainError(_("The buyer's name is missing."))
    if not 0 <= payment_days <= MAX_PAYMENT_DAYS:  # French law: at most 60 days from the invoice date
        raise DomainError(_("Payment is due within 0 to 60 days."))
    if buyer.public_body and payment_days > PUBLIC_BODY_PAYMENT_DAYS:
        raise DomainError(_("A public body pays within 30 days at most."))
    if buyer.public_body and not buyer.siret.strip():
        raise DomainError(_("Chorus Pro needs the SIRET of a public body: add it on the member's page."))
    lines = _checked_lines(lines)
    if not association.vat_subject and any(line.vat_rate for line in lines):
        raise DomainError(_("This association is not subject to VAT: its lines carry no VAT."))
    figures = totals(lines)
    if corrects is not None and figures.gross > corrects.total_gross - _credited(corrects):
        raise DomainError(_("A credit note cannot credit more than what is left of the invoice."))
    issued_on = timezone.localdate(now)
    association = Association.objects.get(pk=association.pk)  # its legal identity as of now
    return Invoice.objects.create(
        association=association, year=issued_on.year, number=_next_number(association, issued_on.year),
        kind=Invoice.Kind.CREDIT_NOTE if corrects is not None else Invoice.Kind.INVOICE, corrects=corrects,
        issued_at=now, issued_by=by, member=member,
        seller_name=association.name, seller_address=association.address, seller_siret=association.siret,
        seller_vat_number=association.vat_number, vat_subject=association.vat_subject,
        buyer_name=buyer.name.strip(), buyer_address=buyer.address.strip(), buyer_siret=buyer.siret.strip(),
        buyer_service_code=buyer.service_code.strip(), buyer_is_professional=buyer.professional,
        lines=[{"description": line.description, "quantity": str(line.quantity),
                "unit_price": str(line.unit_price), "vat_rate": str(line.vat_rate)} for line in lines],
        total_net=figures.net, total_vat=figures.vat, total_gross=figures.gross,
        payment_terms=payment_terms.strip(), due_on=issued_on + timedelta(days=payment_days), created_at=now,
    )


def _credited(invoice: Invoice) -> Decimal:
    return sum((note.total_gross for note in invoice.credit_notes.all()), Decimal("0"))


def issue_credit_note(*, invoice: Invoice, lines: list[Line] | None = None, by, now=None) -> Invoice:
    """Correct an issued invoice: by default, credit all of it."""
    invoice = Invoice.objects.select_related("association", "member").get(pk=invoice.pk)
    return issue_invoice(
        association=invoice.association, member=invoice.member, by=by, now=now, corrects=invoice,
        buyer=Buyer(name=invoice.buyer_name, address=invoice.buyer_address, siret=invoice.buyer_siret,
                    service_code=invoice.buyer_service_code, professional=invoice.buyer_is_professional),
        lines=lines if lines is not None else invoice_lines(invoice), payment_days=0)


def invoice_lines(invoice: Invoice) -> list[Line]:
    return [Line(description=line["description"], quantity=Decimal(line["quantity"]),
                 unit_price=Decimal(line["unit_price"]), vat_rate=Decimal(line["vat_rate"]))
            for line in invoice.lines]



def basket_lines(*, member: Member, start, end) -> list[Line]:
    """One line per basket charged to the member from `start` to `end` (dates, inclusive), as booked in
    the member's account: a charge that a correction reversed is left out."""
    charges = (Entry.objects.filter(member=member, kind=Entry.Kind.CHARGE, reversed_by__isnull=True)
               .order_by("at", "pk"))
    lines = []
    for charge in charges:
        day = timezone.localdate(charge.at)
        if start <= day <= end and charge.amount < 0:
            lines.append(Line(description=str(_("Basket of %(day)s")) % {"day": day.strftime("%d/%m/%Y")},
                              quantity=Decimal("1"), unit_price=-charge.amount))
    return lines


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    label: str
    debit: Decimal  # invoiced
    credit: Decimal  # credited by a credit note, or paid


@dataclass(frozen=True)
class Statement:
    lines: list[StatementLine]
    invoiced: Decimal
    credited: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        """What the structure still owes (negative: paid in advance)."""
        return self.invoiced - self.credited - self.paid


def statement(*, member: Member) -> Statement:
    """A structure's statement: its invoices and credit notes, its payments (the account's payment entries,
    net of their reversals), and the balance, in date order."""
    lines = []
    for invoice in Invoice.objects.filter(member=member):
        credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
        lines.append(StatementLine(invoice.issued_at, str(invoice.get_kind_display()).capitalize() + " "
                                   + invoice.reference, Decimal("0") if credit_note else invoice.total_gross,
                                   invoice.total_gross if credit_note else Decimal("0")))
    payments = Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT, reversed_by__isnull=True)
    for payment in payments:
        lines.append(StatementLine(payment.at, str(_("Payment")) + (f" {payment.reference}" if payment.reference
                                                                    else ""), Decimal("0"), payment.amount))
    lines.sort(key=lambda line: line.at)
    invoiced = sum((line.debit for line in lines), Decimal("0"))
    credited = sum((invoice.total_gross for invoice in Invoice.objects.filter(
        member=member, kind=Invoice.Kind.CREDIT_NOTE)), Decimal("0"))
    paid = sum((payment.amount for payment in payments), Decimal("0"))
    return Statement(lines=lines, invoiced=invoiced, credited=credited, paid=paid)
