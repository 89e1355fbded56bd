"""What the reconciliation of one account and month shows (read-only)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .models import BankAccount, BankTransaction, StatementImport

ZERO = Decimal("0.00")


@dataclass
class MonthReconciliation:
    lines: list[BankTransaction]
    credits: Decimal
    debits: Decimal
    matched: Decimal  # the sum of the lines matched to a ledger entry
    to_handle: list[BankTransaction]  # no confirmed match and not ignored: stays visible until handled
    bank_closing: Decimal | None  # the closing balance of the month's last statement, when it gives one


def month_reconciliation(account: BankAccount, year: int, month: int) -> MonthReconciliation:
    start = datetime.date(year, month, 1)
    end = datetime.date(year + month // 12, month % 12 + 1, 1)
    lines = list(BankTransaction.objects.filter(account=account, booked_on__gte=start, booked_on__lt=end)
                 .select_related("proposed_member", "matched_entry__member"))
    last = (StatementImport.objects.filter(account=account, last_day__gte=start, last_day__lt=end,
                                           closing_balance__isnull=False).order_by("-last_day", "-at").first())
    return MonthReconciliation(
        lines=lines,
        credits=sum((line.amount for line in lines if line.amount > 0), ZERO),
        debits=sum((line.amount for line in lines if line.amount < 0), ZERO),
        matched=sum((line.amount for line in lines if line.matched_entry_id is not None), ZERO),
        to_handle=[line for line in lines if line.status in (BankTransaction.Status.UNMATCHED,
                                                             BankTransaction.Status.PROPOSED)],
        bank_closing=last.closing_balance if last else None)
