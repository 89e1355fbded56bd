"""Importing statements, proposing matches and confirming them: the only write path of bank lines."""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.models import Entry, Means
from grappe.accounts.services import record_payment
from grappe.core.errors import DomainError
from grappe.members.models import Member

from . import matching
from .models import BankAccount, BankTransaction, StatementImport
from .statements import Statement, fingerprints

# uuid5 namespace of the ledger keys of bank lines: a line's payment has one key, whoever confirms it
_KEY_NAMESPACE = uuid.UUID("0f1c6a52-6d0e-4a63-9a8e-5b2a0c1f7d31")


class BankError(DomainError):
    pass


def payment_key(line: BankTransaction) -> uuid.UUID:
    """The ledger's idempotency key of the payment booked from this bank line (stable across runs)."""
    return uuid.uuid5(_KEY_NAMESPACE, f"bank:{line.account_id}:{line.fingerprint}")


def bank_day(day: datetime.date) -> datetime.datetime:
    """The moment a payment is dated when booked from a bank line: noon of the bank's booking day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def import_statement(*, account: BankAccount, statement: Statement, file_name: str, by, now=None) -> StatementImport:
    """Adds the statement's lines not seen before on this account (see statements.fingerprints) and
    proposes a match for each new one."""
    BankAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)  # two imports of one account run one after the other
    keys = fingerprints(statement.lines)
    known = set(BankTransaction.objects.filter(account=account, fingerprint__in=keys).values_list("fingerprint", flat=True))
    record = StatementImport.objects.create(
        account=account, file_name=file_name[:255], format=statement.format, transactions=len(keys), by=by,
        at=now or timezone.now(), opening_balance=statement.opening_balance,
        closing_balance=statement.closing_balance,
        last_day=max((line.booked_on for line in statement.lines), default=None))
    if statement.csv_mapping is not None and statement.csv_mapping.as_dict() != account.csv_mapping:
        account.csv_mapping = statement.csv_mapping.as_dict()  # remembered for the next CSV of this bank
        account.save(update_fields=["csv_mapping"])
    new = []
    for line, key in zip(statement.lines, keys, strict=True):
        if key in known:
            continue
        known.add(key)
        new.append(BankTransaction(account=account, booked_on=line.booked_on, amount=line.amount,
                                   label=line.label[:500], counterparty=line.counterparty[:200],
                                   reference=line.reference[:500], bank_ref=line.bank_ref[:120], fingerprint=key,
                                   statement_import=record))
    BankTransaction.objects.bulk_create(new)
    record.new, record.already_imported = len(new), len(keys) - len(new)
    record.save(update_fields=["new", "already_imported"])
    propose_matches(account=account)
    return record


def _member_infos(association_id) -> list[matching.MemberInfo]:
    balances = dict(Entry.objects.filter(association_id=association_id).values("member")
                    .annotate(total=Sum("amount")).values_list("member", "total"))
    return [matching.MemberInfo(pk=pk, number=number, name=name,
                                due=max(-(balances.get(pk) or Decimal("0")), Decimal("0")))
            for pk, number, name in Member.objects.filter(association_id=association_id)
            .values_list("pk", "number", "name")]


def _hand_entries(association_id, days: list[datetime.date]) -> list[matching.HandEntry]:
    """Payments by transfer recorded by hand near these days, not matched to a bank line yet."""
    if not days:
        return []
    window = datetime.timedelta(days=matching.WINDOW_DAYS + 1)
    start, end = bank_day(min(days) - window), bank_day(max(days) + window)
    entries = (Entry.objects.filter(association_id=association_id, kind=Entry.Kind.PAYMENT, means=Means.TRANSFER,
                                    at__range=(start, end), bank_transaction__isnull=True, reversed_by__isnull=True)
               .values_list("pk", "member_id", "amount", "at"))
    return [matching.HandEntry(pk=pk, member_pk=member, amount=amount, on=timezone.localdate(at))
            for pk, member, amount, at in entries]


def propose_matches(*, account: BankAccount) -> int:
    """Proposes a match for every line still unmatched (or re-proposes); returns how many have one."""
    lines = list(BankTransaction.objects.filter(account=account, status__in=[
        BankTransaction.Status.UNMATCHED, BankTransaction.Status.PROPOSED]))
    members = _member_infos(account.association_id)
    hand = _hand_entries(account.association_id, [line.booked_on for line in lines if line.amount > 0])
    taken: set[int] = set()
    proposed = 0
    for line in lines:
        free = [e for e in hand if e.pk not in taken]
        proposal = matching.propose(amount=line.amount, booked_on=line.booked_on,
                                    text=" ".join((line.label, line.reference, line.counterparty)),
                                    members=members, hand_entries=free)
        if proposal is None:
            line.status, line.proposed_member_id, line.proposed_entry_id, line.proposal_sure = (
                BankTransaction.Status.UNMATCHED, None, None, False)
        else:
            proposed += 1
            if proposal.entry_pk is not None:
                taken.add(proposal.entry_pk)
            line.status, line.proposed_member_id, line.proposed_entry_id, line.proposal_sure = (
                BankTransaction.Status.PROPOSED, proposal.member_pk, proposal.entry_pk, proposal.sure)
    BankTransaction.objects.bulk_update(lines, ["status", "proposed_member", "proposed_entry", "proposal_sure"])
    return proposed


@transaction.atomic
def confirm(*, line: BankTransaction, by, member=None, entry=None, now=None) -> BankTransaction:
    """A person confirms the line: matched to the hand-recorded `entry` (nothing booked), or booked as a
    payment by transfer of `member` dated by the bank. Without `member` and `entry`, the proposal.
    Confirming again returns the line as it is."""
    line = BankTransaction.objects.select_for_update(of=("self",)).get(pk=line.pk)
    if line.status == BankTransaction.Status.CONFIRMED:
        return line
    if line.amount <= 0:
        raise BankError(_("Only a credit can be matched to a member's payment."))
    if member is None and entry is None:
        entry = line.proposed_entry
        member = line.proposed_member if entry is None else None
    if entry is not None:
        entry = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if (entry.kind != Entry.Kind.PAYMENT or entry.amount != line.amount
                or entry.association_id != line.account.association_id):
            raise BankError(_("This entry is not a payment of the same amount."))
        if Entry.objects.filter(reverses=entry).exists():
            raise BankError(_("This payment was cancelled: choose the member instead."))
        if BankTransaction.objects.filter(matched_entry=entry).exists():
            raise BankError(_("This payment is already matched to another bank line."))
        line.matched_entry = entry
    elif member is not None:
        if member.association_id != line.account.association_id:
            raise BankError(_("This member is not in the account's association."))
        line.matched_entry = record_payment(
            member=member, amount=line.amount, means=Means.TRANSFER, key=payment_key(line), by=by,
            reference=(line.bank_ref or line.reference)[:60], note=line.label[:200], now=bank_day(line.booked_on))
    else:
        raise BankError(_("Choose the member or the payment this line is."))
    line.status, line.confirmed_by, line.confirmed_at = BankTransaction.Status.CONFIRMED, by, now or timezone.now()
    line.save(update_fields=["status", "matched_entry", "confirmed_by", "confirmed_at"])
    return line


def confirm_sure(*, lines, by, now=None) -> int:
    """Confirms the proposals the import is sure of (see matching.propose); returns how many."""
    done = 0
    for line in lines:
        if line.status == BankTransaction.Status.PROPOSED and line.proposal_sure:
            confirm(line=line, by=by, now=now)
            done += 1
    return done


@transaction.atomic
def ignore(*, line: BankTransaction, by, now=None) -> BankTransaction:
    """A line that is no payment to match (bank fees, a transfer between the association's accounts)."""
    line = BankTransaction.objects.select_for_update(of=("self",)).get(pk=line.pk)
    if line.status == BankTransaction.Status.CONFIRMED:
        raise BankError(_("This line is already matched."))
    line.status, line.confirmed_by, line.confirmed_at = BankTransaction.Status.IGNORED, by, now or timezone.now()
    line.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return line
