"""The bank step of the simulated cycle (`manage.py simulate_cycle`, grappe/accounts/simulation.py).

The households who pay by transfer left their basket on account at the till and paid on the bank
account. This step writes the bank's CAMT.053 statement of those transfers (`camt.camt053`: each
reference names the member number, "PANIER ADH 12"), plus one line no member explains (the bank's
monthly fees). Before the import, one of the transfers is recorded by hand, as a volunteer does when
a member says she has paid: the import must match it, not book it again. The statement is read by
`statements.parse`, imported with `services.import_statement` and its sure matches confirmed with
`services.confirm_sure`, as `manage.py import_bank_statement --confirm` does; then imported again,
which must add and book nothing. The returned checks say whether every transfer is booked once, the
hand-recorded one matched and the fees line left to handle.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from grappe.accounts import services as accounts
from grappe.accounts.models import Entry, Means

from . import services
from .camt import camt053
from .models import BankAccount, BankTransaction
from .statements import Line, parse

BANK_FEES = Decimal("-4.50")
OPENING = Decimal("1000.00")


def transfer_line(member, amount: Decimal, day: datetime.date, bank_ref: str) -> Line:
    payer = member.name.upper()
    return Line(booked_on=day, amount=amount, label=f"VIR SEPA RECU /DE {payer} /MOTIF PANIER ADH {member.number}",
                counterparty=payer, reference=f"PANIER ADH {member.number}", bank_ref=bank_ref)


def bank_step(*, association, cycle, owed, save_to: str | Path | None = None, now=None) -> dict:
    """Statement, import and checks for the households of `owed` (see the module's docstring)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    account = BankAccount.objects.create(association=association, name="Compte courant",
                                         iban="FR7642559100000812345678901")
    dues = [(member, -accounts.balance(member)) for member in owed]
    dues = [(member, due) for member, due in dues if due > 0]
    lines = [transfer_line(member, due, day, f"SIM{cycle.pk:06d}{rank:05d}")
             for rank, (member, due) in enumerate(dues, start=1)]
    lines.append(Line(booked_on=day, amount=BANK_FEES, label="FRAIS TENUE DE COMPTE", reference="COTISATION MENSUELLE",
                      bank_ref=f"SIM{cycle.pk:06d}FRAIS"))
    data = camt053(lines, iban=account.iban, statement_id=f"SIM-{cycle.pk}", opening=OPENING, created=now)
    if save_to:
        Path(save_to).write_bytes(data)

    # the first household told a volunteer she had paid: her transfer recorded by hand before the import
    by_hand = None
    if dues:
        member, due = dues[0]
        by_hand = accounts.record_payment(member=member, amount=due, means=Means.TRANSFER, by=None,
                                          key=uuid.uuid4(), reference="virement annoncé", now=now)

    statement = parse(data)
    record = services.import_statement(account=account, statement=statement, file_name=f"releve-{cycle.pk}.xml",
                                       by=None, now=now)
    confirmed = services.confirm_sure(lines=list(BankTransaction.objects.filter(account=account)), by=None, now=now)
    again = services.import_statement(account=account, statement=parse(data), file_name=f"releve-{cycle.pk}.xml",
                                      by=None, now=now)
    confirmed_again = services.confirm_sure(lines=list(BankTransaction.objects.filter(account=account)), by=None,
                                            now=now)

    bank_lines = {line.bank_ref: line for line in BankTransaction.objects.filter(account=account)}
    booked_once = True
    for (member, due), line in zip(dues, lines, strict=False):
        transfers = list(Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT, means=Means.TRANSFER))
        found = bank_lines[line.bank_ref]
        booked_once &= (len(transfers) == 1 and transfers[0].amount == due and found.matched_entry_id == transfers[0].pk
                        and found.status == BankTransaction.Status.CONFIRMED and accounts.balance(member) == 0)
    fees = bank_lines[lines[-1].bank_ref]
    hand_line = bank_lines[lines[0].bank_ref] if by_hand is not None else None
    return {
        "statement": {"format": statement.format, "lines": len(statement.lines), "bytes": len(data),
                      "opening": f"{statement.opening_balance:.2f}", "closing": f"{statement.closing_balance:.2f}"},
        "transfers": len(dues), "new": record.new, "confirmed": confirmed,
        "booked": Entry.objects.filter(bank_transaction__account=account).exclude(pk=getattr(by_hand, "pk", None))
        .count(),
        "reimported": {"new": again.new, "already_imported": again.already_imported, "confirmed": confirmed_again},
        "every_transfer_booked_once": booked_once,
        "hand_recorded_matched": None if hand_line is None else hand_line.matched_entry_id == by_hand.pk,
        "unmatched_left": fees.status == BankTransaction.Status.UNMATCHED and fees.matched_entry_id is None,
    }
