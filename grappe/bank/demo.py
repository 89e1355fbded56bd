"""Demo data for the bank: the association's current account and last week's statement, imported and
left for the treasurer to handle, so that the bank pages have something true to show.

Runs after the accounts demo (INSTALLED_APPS order). The statement is a CAMT.053 written by
`camt.camt053` from what the demo's books hold: two households paying what they owe by transfer
(their member number in the reference), the CCAS paying back the demo's voucher claim, a supplier
invoice paid, and the bank's own fees (matched to nothing: the treasurer ignores them with a reason).
Idempotent: the account is looked up by name and its statement imported once.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from grappe.accounts import vouchers
from grappe.core.money import round_cents
from grappe.members.models import Member
from grappe.network.models import Association

from . import services
from .camt import camt053
from .models import BankAccount
from .statements import Line, parse

ACCOUNT = "Compte courant (Crédit Coopératif)"
IBAN = "FR7642559100000123456789012"


def _lines(association, today: dt.date) -> list[Line]:
    owing = (Member.objects.filter(association=association).annotate(balance=Sum("account_entries__amount"))
             .filter(balance__lte=Decimal("-1.00")).order_by("number")[:2])
    lines = []
    for rank, member in enumerate(owing):
        lines.append(Line(today - dt.timedelta(days=6 - rank), round_cents(-member.balance), f"VIR SEPA RECU /DE {member.name.upper()}",
                          counterparty=member.name.upper(), reference=f"ADH {member.number} PANIER",
                          bank_ref=f"DEMO-{today:%Y%m}-{rank + 1:03d}"))
    for claim in vouchers.claims_awaiting_reimbursement(association.pk)[:1]:
        lines.append(Line(today - dt.timedelta(days=3), claim.total, f"VIR SEPA RECU /DE {claim.issuer_name.upper()}",
                          counterparty=claim.issuer_name.upper(), reference=f"REMB BONS {claim.reference}",
                          bank_ref=f"DEMO-{today:%Y%m}-010"))
    for invoice in services.outstanding_invoices(association.pk)[:1]:
        lines.append(Line(today - dt.timedelta(days=2), -invoice.remaining, f"VIR SEPA EMIS /A {invoice.supplier_name.upper()}",
                          counterparty=invoice.supplier_name.upper(), reference=f"FACTURE {invoice.number}",
                          bank_ref=f"DEMO-{today:%Y%m}-020"))
    lines.append(Line(today - dt.timedelta(days=1), Decimal("-4.50"), "FRAIS TENUE DE COMPTE",
                      bank_ref=f"DEMO-{today:%Y%m}-030"))
    return sorted(lines, key=lambda line: line.booked_on)


def load(stdout) -> None:
    association = Association.objects.filter(slug="vrac-drome").first()
    if association is None:
        return
    account, created = BankAccount.objects.get_or_create(association=association, name=ACCOUNT,
                                                         defaults={"iban": IBAN})
    if not created:
        return
    now = timezone.now()
    today = timezone.localdate(now)
    admin = get_user_model().objects.filter(username="admin").first()
    statement = camt053(_lines(association, today), iban=IBAN, statement_id=f"DEMO-{today:%Y%m%d}",
                        opening=Decimal("2450.00"), created=now)
    record = services.import_statement(account=account, statement=parse(statement), file_name="releve-demo.xml",
                                       by=admin, now=now)
    stdout.write(f"Banque : relevé de démonstration importé ({record.new} lignes à rapprocher).")
