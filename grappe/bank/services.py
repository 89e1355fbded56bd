"""Importing statements, proposing matches and confirming them: the only write path of bank lines."""

import datetime
import uuid
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts import vouchers
from grappe.accounts.models import Entry, Means, SupplierInvoice, SupplierPayment, VoucherClaim
from grappe.accounts.services import pay_supplier, record_payment, reverse_entry
from grappe.core.errors import DomainError
from grappe.members.models import Member, Membership
from grappe.members.services import record_membership

from . import matching
from .models import BankAccount, BankLineEvent, BankTransaction, ImportJob, StatementImport
from .statements import CsvMapping, Statement, StatementError, detect_format, fingerprints, parse

Kind = BankTransaction.Kind
Status = BankTransaction.Status

# uuid5 namespace of the ledger keys of bank lines: a line's payment has one key, whoever confirms it
_KEY_NAMESPACE = uuid.UUID("0f1c6a52-6d0e-4a63-9a8e-5b2a0c1f7d31")


class BankError(DomainError):
    pass


def payment_key(line: BankTransaction) -> uuid.UUID:
    """The ledger's idempotency key of the payment booked from this bank line (stable across runs)."""
    base = f"bank:{line.account_id}:{line.fingerprint}"
    # a line reopened (its payment reversed) and confirmed again books under a new key
    return uuid.uuid5(_KEY_NAMESPACE, base if not line.reopened else f"{base}:{line.reopened}")


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
        first_day=min((line.booked_on for line in statement.lines), default=None),
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
    propose_matches(account=account)
    record.new, record.already_imported = len(new), len(keys) - len(new)
    record.proposed = BankTransaction.objects.filter(statement_import=record, status=Status.PROPOSED).count()
    record.save(update_fields=["new", "already_imported", "proposed"])
    return record


# --- Large statements on the job queue --------------------------------------------------------------

# Above either, a file is imported by the worker (jobs.import_statement) and the page follows it; below, at
# once. A month of a small association's statement is a few kilobytes and a few dozen lines.
QUEUE_ABOVE_BYTES = 200 * 1024
QUEUE_ABOVE_LINES = 2000


def is_large(data: bytes) -> bool:
    return len(data) > QUEUE_ABOVE_BYTES or data.count(b"\n") > QUEUE_ABOVE_LINES


def unreadable(data: bytes, chosen: str, error) -> str:
    """Why a file could not be imported, in French (the import page and the job say it alike)."""
    fmt = detect_format(data) if chosen == "auto" else chosen
    return str(_("This file could not be read as a %(format)s statement. Check the format, and for a CSV the "
                 "columns below. Detail: %(detail)s") % {"format": fmt.upper(), "detail": error})


def queue_import(*, account: BankAccount, data: bytes, file_name: str, format: str,
                 csv_mapping: CsvMapping | None, by, now=None) -> ImportJob:
    """Keep the file and have the worker import it after the commit (jobs.import_statement)."""
    with transaction.atomic():
        job = ImportJob.objects.create(account=account, file_name=file_name[:255], content=data, format=format,
                                       csv_mapping=csv_mapping.as_dict() if csv_mapping is not None else None,
                                       created_by=by, created_at=now or timezone.now())
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    # Imported here: jobs.py imports this module to register its task.
    from .jobs import import_statement as task

    task.enqueue(job_id)


def run_import_job(*, job_id: int, now=None) -> int | None:
    """Carry out a queued import (called by the worker): read the file with no transaction open, then import
    in one transaction that first locks the job row and imports nothing if the job is no longer running (a
    second run of the same task). Returns the StatementImport's id, or None."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=ImportJob.ACTIVE).update(
        status=ImportJob.Status.RUNNING, started_at=now or timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return None  # done, failed or deleted: a job completes once
    job = ImportJob.objects.select_related("account", "created_by").get(pk=job_id)
    data = bytes(job.content)
    mapping = CsvMapping(**job.csv_mapping) if job.csv_mapping else None
    try:
        statement = parse(data, job.format, csv_mapping=mapping)
        with transaction.atomic():
            locked = (ImportJob.objects.select_for_update(of=("self",))
                      .filter(pk=job_id, status=ImportJob.Status.RUNNING).first())
            if locked is None:
                return None
            record = import_statement(account=job.account, statement=statement, file_name=job.file_name,
                                      by=job.created_by, now=now)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.DONE, statement_import=record, error="", content=b"",
                finished_at=now or timezone.now())
    except (StatementError, ValueError, DomainError) as error:  # a parser's own ValueError too
        _fail_import(job_id, unreadable(data, job.format, error), now=now)
        return None
    except Exception:
        _fail_import(job_id, str(_("The import failed. Try again; if it fails again, tell the person who runs "
                                   "Grappe.")), now=now)
        raise
    return record.pk


def abandon_import(job_id: int, **_kwargs) -> None:
    """The job queue gave up on this import (its worker was stopped three times)."""
    _fail_import(job_id, str(_("The import was interrupted three times and was given up. Try again.")))


def _fail_import(job_id: int, message: str, *, now=None) -> None:
    ImportJob.objects.filter(pk=job_id, status__in=ImportJob.ACTIVE).update(
        status=ImportJob.Status.FAILED, error=message[:500], finished_at=now or timezone.now())


def fee_due(member: Member, year: int, memberships: dict | None = None) -> Decimal | None:
    """The membership fee `member` still has to pay for `year`: the fee of the year's membership recorded
    unpaid (chosen at joining), or the association's minimum when none is recorded; None when paid, or
    for a member who left."""
    if member.status == Member.Status.LEFT or member.erased_at is not None:
        return None
    found = (memberships.get((member.pk, year)) if memberships is not None
             else Membership.objects.filter(member=member, year=year).first())
    if found is None:
        minimum = member.association.minimum_fee
        return minimum if minimum and minimum > 0 else None
    return None if found.paid_on is not None else found.fee


def _member_infos(association_id, years) -> dict[int, list[matching.MemberInfo]]:
    """Per year, every member with what they owe now and the fee due for that year."""
    balances = dict(Entry.objects.filter(association_id=association_id).values("member")
                    .annotate(total=Sum("amount")).values_list("member", "total"))
    members = list(Member.objects.filter(association_id=association_id).select_related("association"))
    memberships = {(m.member_id, m.year): m for m in Membership.objects.filter(
        member__association_id=association_id, year__in=years)}
    return {year: [matching.MemberInfo(pk=m.pk, number=m.number, name=m.name,
                                       due=max(-(balances.get(m.pk) or Decimal("0")), Decimal("0")),
                                       fee_due=fee_due(m, year, memberships)) for m in members]
            for year in years}


def _window(days):
    window = datetime.timedelta(days=matching.WINDOW_DAYS + 1)
    return min(days) - window, max(days) + window


def _hand_entries(association_id, days: list[datetime.date]) -> list[matching.HandEntry]:
    """Payments by transfer recorded by hand near these days, not matched to a bank line yet."""
    if not days:
        return []
    start, end = _window(days)
    entries = (Entry.objects.filter(association_id=association_id, kind=Entry.Kind.PAYMENT, means=Means.TRANSFER,
                                    at__range=(bank_day(start), bank_day(end)), bank_transaction__isnull=True,
                                    reversed_by__isnull=True)
               .values_list("pk", "member_id", "amount", "at"))
    return [matching.HandEntry(pk=pk, member_pk=member, amount=amount, on=timezone.localdate(at))
            for pk, member, amount, at in entries]


def _supplier_payments(association_id, days: list[datetime.date]) -> list[matching.SupplierPaymentInfo]:
    """Supplier payments by transfer recorded near these days, not matched to a bank line yet."""
    if not days:
        return []
    start, end = _window(days)
    rows = (SupplierPayment.objects.filter(invoice__purchase_order__cycle__association_id=association_id,
                                           means=Means.TRANSFER, date__range=(start, end),
                                           bank_transaction__isnull=True)
            .values_list("pk", "amount", "date", "invoice__number"))
    return [matching.SupplierPaymentInfo(pk=pk, amount=amount, on=on, invoice_number=number)
            for pk, amount, on, number in rows]


def outstanding_invoices(association_id) -> list[matching.InvoiceInfo]:
    """The association's supplier invoices with something left to pay."""
    rows = (SupplierInvoice.objects.filter(purchase_order__cycle__association_id=association_id)
            .annotate(paid=Sum("payments__amount"))
            .values_list("pk", "number", "purchase_order__supplier__name", "amount", "paid"))
    return [matching.InvoiceInfo(pk=pk, number=number, supplier_name=supplier, remaining=amount - (paid or 0))
            for pk, number, supplier, amount, paid in rows if amount - (paid or 0) > 0]


def _claim_infos(association_id) -> list[matching.ClaimInfo]:
    """The food-voucher claims sent and not reimbursed yet (accounts.vouchers)."""
    return [matching.ClaimInfo(pk=claim.pk, reference=claim.reference, issuer_name=claim.issuer_name,
                               amount=claim.total)
            for claim in vouchers.claims_awaiting_reimbursement(association_id)]


def _mark_claim_reimbursed(*, claim_pk: int, line: BankTransaction, by, now=None) -> None:
    """The claim's status to reimbursed, dated by the bank (its line's reference kept on the claim)."""
    if line.amount <= 0:
        raise BankError(_("Only a credit can be a claim's reimbursement."))
    claim = VoucherClaim.objects.filter(pk=claim_pk, association_id=line.account.association_id).first()
    if claim is None:
        raise BankError(_("This claim is not one of the association's."))
    if claim.total != line.amount:
        raise BankError(_("The claim's total is not the line's amount."))
    try:
        vouchers.mark_reimbursed(claim, on=line.booked_on, by=by, now=now,
                                 bank_reference=line.bank_ref or line.reference)
    except vouchers.VoucherError as error:
        raise BankError(error.message, **error.params) from error


def propose_matches(*, account: BankAccount) -> int:
    """Proposes a match for every line still unmatched (or re-proposes); returns how many have one."""
    lines = list(BankTransaction.objects.filter(account=account, status__in=[Status.UNMATCHED, Status.PROPOSED]))
    association_id = account.association_id
    members = _member_infos(association_id, {line.booked_on.year for line in lines if line.amount > 0})
    hand = _hand_entries(association_id, [line.booked_on for line in lines if line.amount > 0])
    debits = [line.booked_on for line in lines if line.amount < 0]
    paid = _supplier_payments(association_id, debits)
    invoices = outstanding_invoices(association_id) if debits else []
    claims = _claim_infos(association_id)
    taken: set[tuple[str, int]] = set()
    proposed = 0
    for line in lines:
        proposal = matching.propose(
            amount=line.amount, booked_on=line.booked_on, text=" ".join((line.label, line.reference, line.counterparty)),
            members=members.get(line.booked_on.year, []), hand_entries=[e for e in hand if ("e", e.pk) not in taken],
            supplier_payments=[p for p in paid if ("p", p.pk) not in taken],
            invoices=[i for i in invoices if ("i", i.pk) not in taken],
            claims=[c for c in claims if ("c", c.pk) not in taken])
        line.status, line.proposal_kind, line.proposal_sure = Status.UNMATCHED, "", False
        line.proposed_member_id = line.proposed_entry_id = None
        line.proposed_supplier_payment_id = line.proposed_invoice_id = line.proposed_claim_id = None
        if proposal is None:
            continue
        proposed += 1
        for tag, pk in (("e", proposal.entry_pk), ("p", proposal.supplier_payment_pk), ("i", proposal.invoice_pk),
                        ("c", proposal.claim_pk)):
            if pk is not None:
                taken.add((tag, pk))
        line.status, line.proposal_kind, line.proposal_sure = Status.PROPOSED, proposal.kind, proposal.sure
        line.proposed_member_id, line.proposed_entry_id = proposal.member_pk, proposal.entry_pk
        line.proposed_supplier_payment_id, line.proposed_invoice_id = proposal.supplier_payment_pk, proposal.invoice_pk
        line.proposed_claim_id = proposal.claim_pk
    BankTransaction.objects.bulk_update(lines, [
        "status", "proposal_kind", "proposal_sure", "proposed_member", "proposed_entry", "proposed_supplier_payment",
        "proposed_invoice", "proposed_claim_id"])
    return proposed


def _event(line, action, by, now, kind="", note=""):
    BankLineEvent.objects.create(line=line, action=action, kind=kind, note=note[:300], by=by, at=now or timezone.now())


@transaction.atomic
def confirm(*, line: BankTransaction, by, kind: str = "", member=None, entry=None, invoice=None,
            supplier_payment=None, claim_pk: int | None = None, now=None) -> BankTransaction:
    """A person confirms what the line is. Without a choice, the proposal; else `kind` with its object
    (`member` alone is a payment, `entry` alone the hand-recorded transfer):
    - HAND (`entry`) / SUPPLIER_PAYMENT (`supplier_payment`): matched to what was recorded by hand, nothing booked;
    - PAYMENT (`member`): booked as the member's payment by transfer, dated by the bank;
    - FEE (`member`): the membership fee of the bank day's year recorded paid by transfer on that day;
    - INVOICE (`invoice`): the supplier payment recorded (accounts.services.pay_supplier), by transfer;
    - CLAIM (`claim_pk`): the food-voucher claim reimbursed (a seam: see _claim_infos).
    Confirming again returns the line as it is."""
    line = BankTransaction.objects.select_for_update(of=("self",)).select_related("account").get(pk=line.pk)
    if line.status == Status.CONFIRMED:
        return line
    if not kind:
        if member is not None:
            kind = Kind.PAYMENT
        elif entry is not None:
            kind = Kind.HAND
        elif invoice is not None:
            kind = Kind.INVOICE
        elif supplier_payment is not None:
            kind = Kind.SUPPLIER_PAYMENT
        elif claim_pk is not None:
            kind = Kind.CLAIM
        elif line.status == Status.PROPOSED:
            kind = line.proposal_kind
            member, entry = line.proposed_member, line.proposed_entry
            invoice, supplier_payment = line.proposed_invoice, line.proposed_supplier_payment
            claim_pk = line.proposed_claim_id
        else:
            raise BankError(_("Choose what this line is."))
    association_id = line.account.association_id
    credit_kinds = (Kind.PAYMENT, Kind.HAND, Kind.FEE, Kind.CLAIM)
    if kind in credit_kinds and line.amount <= 0:
        raise BankError(_("Only a credit can be matched to a member's payment, a fee or a claim."))
    if kind not in credit_kinds and line.amount >= 0:
        raise BankError(_("Only a debit can be matched to a supplier's invoice or payment."))
    if kind == Kind.HAND:
        line.matched_entry = _check_hand_entry(entry, line, association_id)
    elif kind == Kind.PAYMENT:
        _check_member(member, association_id)
        line.matched_entry = record_payment(
            member=member, amount=line.amount, means=Means.TRANSFER, key=payment_key(line), by=by,
            reference=(line.bank_ref or line.reference)[:60], note=line.label[:200], now=bank_day(line.booked_on))
    elif kind == Kind.FEE:
        _check_member(member, association_id)
        year = line.booked_on.year
        member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
        if Membership.objects.filter(member=member, year=year, paid_on__isnull=False).exists():
            raise BankError(_("The membership fee of %(year)s is already paid."), year=year)
        line.matched_membership = record_membership(member=member, by=by, year=year, fee=line.amount,
                                                    paid_on=line.booked_on, means=Membership.Means.TRANSFER)
    elif kind == Kind.SUPPLIER_PAYMENT:
        line.matched_supplier_payment = _check_supplier_payment(supplier_payment, line, association_id)
    elif kind == Kind.INVOICE:
        if invoice is None or invoice.purchase_order.cycle.association_id != association_id:
            raise BankError(_("Choose the supplier's invoice."))
        line.matched_supplier_payment = pay_supplier(invoice=invoice, amount=-line.amount, date=line.booked_on,
                                                     means=Means.TRANSFER, reference=(line.bank_ref or line.reference)[:60],
                                                     by=by)
    elif kind == Kind.CLAIM:
        if claim_pk is None:
            raise BankError(_("Choose the food-voucher claim."))
        _mark_claim_reimbursed(claim_pk=claim_pk, line=line, by=by, now=now)
        line.matched_claim_id = claim_pk
    else:
        raise BankError(_("Choose what this line is."))
    line.status, line.match_kind = Status.CONFIRMED, kind
    line.confirmed_by, line.confirmed_at = by, now or timezone.now()
    line.ignore_reason = ""
    line.save(update_fields=["status", "match_kind", "matched_entry", "matched_membership", "matched_supplier_payment",
                             "matched_claim_id", "ignore_reason", "confirmed_by", "confirmed_at"])
    _event(line, BankLineEvent.Action.CONFIRMED, by, now, kind=kind)
    return line


def _check_member(member, association_id):
    if member is None:
        raise BankError(_("Choose the member."))
    if member.association_id != association_id:
        raise BankError(_("This member is not in the account's association."))


def _check_hand_entry(entry, line, association_id) -> Entry:
    if entry is None:
        raise BankError(_("Choose the member or the payment this line is."))
    entry = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if entry.kind != Entry.Kind.PAYMENT or entry.amount != line.amount or entry.association_id != association_id:
        raise BankError(_("This entry is not a payment of the same amount."))
    if Entry.objects.filter(reverses=entry).exists():
        raise BankError(_("This payment was cancelled: choose the member instead."))
    if BankTransaction.objects.filter(matched_entry=entry).exists():
        raise BankError(_("This payment is already matched to another bank line."))
    return entry


def _check_supplier_payment(payment, line, association_id) -> SupplierPayment:
    if payment is None:
        raise BankError(_("Choose the supplier payment."))
    payment = SupplierPayment.objects.select_for_update(of=("self",)).select_related(
        "invoice__purchase_order__cycle").get(pk=payment.pk)
    if payment.amount != -line.amount or payment.invoice.purchase_order.cycle.association_id != association_id:
        raise BankError(_("This supplier payment is not of the same amount."))
    if BankTransaction.objects.filter(matched_supplier_payment=payment).exists():
        raise BankError(_("This supplier payment is already matched to another bank line."))
    return payment


def confirm_sure(*, lines, by, now=None) -> int:
    """Confirms the proposals the import is sure of (see matching.propose); returns how many."""
    done = 0
    for line in lines:
        if line.status == Status.PROPOSED and line.proposal_sure:
            try:
                confirm(line=line, by=by, now=now)  # its own savepoint: a refusal undoes this line only
            except DomainError:
                continue  # refused meanwhile (paid since, a fee below the minimum...): left for a person
            done += 1
    return done


@transaction.atomic
def ignore(*, line: BankTransaction, by, reason: str = "", now=None) -> BankTransaction:
    """A line that is no payment to match (bank fees, a transfer between the association's accounts),
    with the reason a person gives."""
    line = BankTransaction.objects.select_for_update(of=("self",)).get(pk=line.pk)
    if line.status == Status.CONFIRMED:
        raise BankError(_("This line is already matched."))
    reason = reason.strip()
    line.status, line.ignore_reason = Status.IGNORED, reason[:200]
    line.confirmed_by, line.confirmed_at = by, now or timezone.now()
    line.save(update_fields=["status", "ignore_reason", "confirmed_by", "confirmed_at"])
    _event(line, BankLineEvent.Action.IGNORED, by, now, note=reason)
    return line


@transaction.atomic
def reopen(*, line: BankTransaction, by, reason: str, now=None) -> BankTransaction:
    """A confirmed or ignored line back to handle, said with a reason and recorded. What the match
    booked is undone through the services that booked it: a member's payment is reversed (a
    correction in the ledger), a fee goes back to unpaid; a supplier payment recorded from the bank
    cannot be undone here (refused). A match to what was recorded by hand only lets go of it."""
    line = BankTransaction.objects.select_for_update(of=("self",)).get(pk=line.pk)
    reason = reason.strip()
    if not reason:
        raise BankError(_("Say why the line is reopened."))
    if line.status not in (Status.CONFIRMED, Status.IGNORED):
        raise BankError(_("This line is not handled yet."))
    kind = line.match_kind if line.status == Status.CONFIRMED else ""
    if kind == Kind.PAYMENT and line.matched_entry_id is not None:
        reverse_entry(entry=line.matched_entry, by=by, note=str(_("bank line reopened: %(reason)s") % {
            "reason": reason})[:200], now=now)
        line.reopened += 1
    elif kind == Kind.FEE and line.matched_membership is not None:
        membership = line.matched_membership
        record_membership(member=membership.member, by=by, year=membership.year, fee=membership.fee)
    elif kind == Kind.INVOICE:
        raise BankError(_("The supplier payment recorded from this line cannot be undone here: correct the "
                          "supplier's invoice in the accounts."))
    elif kind == Kind.CLAIM and line.matched_claim_id is not None:
        try:
            vouchers.reopen_claim(line.matched_claim_id, by=by, reason=reason, now=now)
        except vouchers.VoucherError as error:
            raise BankError(error.message, **error.params) from error
    line.status, line.match_kind, line.ignore_reason = Status.UNMATCHED, "", ""
    line.matched_entry = line.matched_membership = line.matched_supplier_payment = None
    line.matched_claim_id = None
    line.confirmed_by, line.confirmed_at = None, None
    line.save(update_fields=["status", "match_kind", "ignore_reason", "matched_entry", "matched_membership",
                             "matched_supplier_payment", "matched_claim_id", "reopened", "confirmed_by",
                             "confirmed_at"])
    _event(line, BankLineEvent.Action.REOPENED, by, now, kind=kind, note=reason)
    propose_matches(account=line.account)
    line.refresh_from_db()
    return line


@transaction.atomic
def save_account(*, association, name: str, iban: str = "", account: BankAccount | None = None) -> BankAccount:
    """A bank account of the association, created or renamed (its IBAN checked by the form)."""
    name = name.strip()
    if not name:
        raise BankError(_("Give the account a name."))
    others = BankAccount.objects.filter(association=association, name__iexact=name)
    if account is not None:
        others = others.exclude(pk=account.pk)
    if others.exists():
        raise BankError(_("The association already has an account of this name."))
    if account is None:
        return BankAccount.objects.create(association=association, name=name, iban=iban)
    account.name, account.iban = name, iban
    account.save(update_fields=["name", "iban"])
    return account
