"""Who reads and changes bank pages, and what the reconciliation of one account and month shows (read-only).

Bank statements carry every group's members' names and the association's money: only the association's
admins read and write them (`Scope.is_admin`); anyone else gets a 404, so nothing leaks.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from grappe.accounts.models import Entry, Means, SupplierPayment
from grappe.members.models import Membership

from .models import BankAccount, BankTransaction, ImportJob, StatementImport

ZERO = Decimal("0.00")
TO_HANDLE = (BankTransaction.Status.UNMATCHED, BankTransaction.Status.PROPOSED)


def accounts_for(scope) -> QuerySet[BankAccount]:
    """The association's bank accounts, for its admins; nothing for anyone else."""
    if scope.association is None or not scope.is_admin:
        return BankAccount.objects.none()
    return BankAccount.objects.filter(association=scope.association)


def account_for(scope, pk, *, write: bool = False) -> BankAccount:
    """A bank account of the user's association, or 404; read and `write` alike: admins only."""
    try:
        return accounts_for(scope).get(pk=pk)
    except (BankAccount.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def import_job_for(scope, pk) -> ImportJob:
    """A statement import on the job queue, through its account: admins only, or 404."""
    try:
        return ImportJob.objects.select_related("account", "statement_import").defer("content").get(
            pk=pk, account__in=accounts_for(scope))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def lines_for(scope) -> QuerySet[BankTransaction]:
    if scope.association is None or not scope.is_admin:
        return BankTransaction.objects.none()
    return BankTransaction.objects.filter(account__association=scope.association)


def line_for(scope, pk, *, write: bool = False) -> BankTransaction:
    """A bank line of one of the association's accounts, or 404; read and `write` alike: admins only."""
    try:
        return lines_for(scope).select_related(
            "account", "proposed_member", "proposed_entry__member", "proposed_invoice__purchase_order__supplier",
            "proposed_supplier_payment__invoice__purchase_order__supplier", "matched_entry__member",
            "matched_membership__member", "matched_supplier_payment__invoice__purchase_order__supplier").get(pk=pk)
    except (BankTransaction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def to_handle(account: BankAccount) -> QuerySet[BankTransaction]:
    """The lines with no confirmed match and not ignored, oldest first: they stay until handled."""
    return (BankTransaction.objects.filter(account=account, status__in=TO_HANDLE)
            .select_related("proposed_member", "proposed_entry__member", "proposed_invoice__purchase_order__supplier",
                            "proposed_supplier_payment__invoice__purchase_order__supplier"))


def handled(account: BankAccount, limit: int = 50) -> list[BankTransaction]:
    """The lines confirmed or ignored last, newest first (to reopen one)."""
    return list(BankTransaction.objects.filter(account=account).exclude(status__in=TO_HANDLE)
                .select_related("matched_entry__member", "matched_membership__member",
                                "matched_supplier_payment__invoice__purchase_order__supplier")
                .order_by("-confirmed_at", "-pk")[:limit])


@dataclass
class BookItem:
    """A transfer in the books that no bank line matches."""

    on: datetime.date
    amount: Decimal  # as the bank would show it: a member's payment positive, a supplier payment negative
    label: str


@dataclass
class MonthReconciliation:
    lines: list[BankTransaction]
    credits: Decimal
    debits: Decimal
    matched: Decimal  # the sum of the lines confirmed (matched to the books)
    to_handle: list[BankTransaction]  # no confirmed match and not ignored: stays visible until handled
    bank_closing: Decimal | None  # the closing balance of the month's last statement, when it gives one
    ignored: list[BankTransaction] = field(default_factory=list)
    bank_opening: Decimal | None = None  # the balance before the month's first line, when known
    bank_balance: Decimal | None = None  # bank_closing, else bank_opening + the month's lines
    book_only: list[BookItem] = field(default_factory=list)  # transfers in the books no bank line matches

    @property
    def to_handle_total(self) -> Decimal:
        return sum((line.amount for line in self.to_handle), ZERO)

    @property
    def ignored_total(self) -> Decimal:
        return sum((line.amount for line in self.ignored), ZERO)

    @property
    def book_only_total(self) -> Decimal:
        return sum((item.amount for item in self.book_only), ZERO)

    @property
    def book_movements(self) -> Decimal:
        """The month's transfers in the books: those matched to a bank line and those no line matches."""
        return self.matched + self.book_only_total

    @property
    def book_balance(self) -> Decimal | None:
        """The balance the books give: the bank's opening balance and the month's transfers in the books."""
        return None if self.bank_opening is None else self.bank_opening + self.book_movements

    @property
    def difference(self) -> Decimal | None:
        """bank - books = lines not in the books (to handle, ignored) - transfers not on the statement."""
        if self.bank_balance is None or self.book_balance is None:
            return None
        return self.bank_balance - self.book_balance


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    return start, datetime.date(year + month // 12, month % 12 + 1, 1)


def _book_only(association_id, start, end) -> list[BookItem]:
    """The month's transfers in the books not matched to any bank line: members' payments and refunds
    by transfer (not cancelled), supplier payments and membership fees paid by transfer."""
    items = []
    entries = (Entry.objects.filter(association_id=association_id, means=Means.TRANSFER,
                                    kind__in=[Entry.Kind.PAYMENT, Entry.Kind.REFUND],
                                    at__gte=_aware(start), at__lt=_aware(end), bank_transaction__isnull=True,
                                    reversed_by__isnull=True)
               .select_related("member"))
    for entry in entries:
        items.append(BookItem(on=timezone.localdate(entry.at), amount=entry.amount,
                              label=f"{entry.get_kind_display()} · {entry.member.number} {entry.member.name}"))
    payments = (SupplierPayment.objects.filter(invoice__purchase_order__cycle__association_id=association_id,
                                               means=Means.TRANSFER, date__gte=start, date__lt=end,
                                               bank_transaction__isnull=True)
                .select_related("invoice__purchase_order__supplier"))
    for payment in payments:
        items.append(BookItem(on=payment.date, amount=-payment.amount,
                              label=f"{payment.invoice.purchase_order.supplier} · {payment.invoice.number}"))
    matched_fees = BankTransaction.objects.filter(matched_membership__isnull=False).values("matched_membership")
    fees = (Membership.objects.filter(member__association_id=association_id, means=Membership.Means.TRANSFER,
                                      paid_on__gte=start, paid_on__lt=end)
            .exclude(pk__in=matched_fees).select_related("member"))
    for fee in fees:
        items.append(BookItem(on=fee.paid_on, amount=fee.fee, label=f"{fee.year} · {fee.member.number} {fee.member.name}"))
    return sorted(items, key=lambda item: (item.on, item.label))


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_reconciliation(account: BankAccount, year: int, month: int) -> MonthReconciliation:
    start, end = month_bounds(year, month)
    lines = list(BankTransaction.objects.filter(account=account, booked_on__gte=start, booked_on__lt=end)
                 .select_related("proposed_member", "matched_entry__member", "matched_membership__member",
                                 "matched_supplier_payment__invoice__purchase_order__supplier"))
    total = sum((line.amount for line in lines), ZERO)
    last = (StatementImport.objects.filter(account=account, last_day__gte=start, last_day__lt=end,
                                           closing_balance__isnull=False).order_by("-last_day", "-at").first())
    bank_closing = last.closing_balance if last else None
    opening = None
    if bank_closing is not None:  # the statement's closing balance covers the month's lines up to its last day
        opening = bank_closing - sum((line.amount for line in lines if line.booked_on <= last.last_day), ZERO)
    else:
        first = (StatementImport.objects.filter(account=account, first_day__gte=start, first_day__lt=end,
                                                opening_balance__isnull=False).order_by("first_day", "at").first())
        if first is not None:
            opening = first.opening_balance - sum((line.amount for line in lines if line.booked_on < first.first_day),
                                                  ZERO)
    balance = None if opening is None else opening + total
    return MonthReconciliation(
        lines=lines,
        credits=sum((line.amount for line in lines if line.amount > 0), ZERO),
        debits=sum((line.amount for line in lines if line.amount < 0), ZERO),
        matched=sum((line.amount for line in lines if line.status == BankTransaction.Status.CONFIRMED), ZERO),
        to_handle=[line for line in lines if line.status in TO_HANDLE],
        ignored=[line for line in lines if line.status == BankTransaction.Status.IGNORED],
        bank_closing=bank_closing, bank_opening=opening, bank_balance=balance,
        book_only=_book_only(account.association_id, start, end))
