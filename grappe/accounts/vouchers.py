"""Food vouchers: the association's list of issuers, the vouchers received in payment, and the
claims that gather them per issuer and period to be paid back.

The only write path for these rows. A voucher is created in the transaction of its payment
(`accounts.services.record_payment` calls `record_voucher`); it moves received → claimed →
reimbursed through its claim, never through its ledger entry, which stays as it was written.

Locking (`open_claim`): the issuer's row first, then its vouchers still received in the period in
primary-key order, then the year's counter; the vouchers are taken by a conditional update that must
touch every one of them, so two claims at once never take the same voucher. The reads the bank
import uses (`claims_awaiting_reimbursement`) and `mark_reimbursed` keep their names and arguments.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import format_euros, round_cents
from grappe.core.text import fold

from .models import Voucher, VoucherClaim, VoucherClaimCounter, VoucherClaimEvent, VoucherIssuer

ZERO = Decimal("0.00")


class VoucherError(DomainError):
    """`field`: the form field the refusal is about."""

    def __init__(self, message, field=None, **params):
        self.field = field
        super().__init__(message, **params)


# --- Issuers --------------------------------------------------------------------------------------


def issuer_key(name: str) -> str:
    return fold(name)[:100]


def active_issuers(association_id) -> QuerySet[VoucherIssuer]:
    return VoucherIssuer.objects.filter(association_id=association_id, active=True).order_by("name", "pk")


def find_issuer(association_id, issuer) -> VoucherIssuer | None:
    """The association's active issuer meant by `issuer`: an issuer row (refused when of another
    association or inactive) or its name, compared folded ("ccas  romans" is "CCAS Romans")."""
    if isinstance(issuer, VoucherIssuer):
        found = issuer if issuer.association_id == association_id and issuer.active else None
        return found
    key = issuer_key(str(issuer or ""))
    if not key:
        return None
    return active_issuers(association_id).filter(name_key=key).first()


@transaction.atomic
def save_issuer(*, association, by, name, kind=VoucherIssuer.Kind.CCAS, address="", contact="", email="",
                scheme_reference="", active=True, issuer=None, now=None) -> VoucherIssuer:
    """Create an issuer, or change `issuer`. The name is unique in the association, compared folded."""
    name = " ".join(str(name).split())
    if not name:
        raise VoucherError(_("Enter the issuer's name."), field="name")
    if kind not in VoucherIssuer.Kind.values:
        raise VoucherError(_("Choose the kind of issuer."), field="kind")
    key = issuer_key(name)
    same = VoucherIssuer.objects.filter(association=association, name_key=key)
    if issuer is not None:
        if issuer.association_id != association.pk:
            raise VoucherError(_("This issuer belongs to another association."))
        same = same.exclude(pk=issuer.pk)
    clash = same.first()
    if clash is not None:
        raise VoucherError(_("“%(name)s” is already in the list (as “%(existing)s”)."), field="name", name=name,
                           existing=clash.name)
    fields = {"name": name, "name_key": key, "kind": kind, "address": address.strip(), "contact": contact.strip(),
              "email": email.strip(), "scheme_reference": scheme_reference.strip(), "active": active}
    try:
        with transaction.atomic():
            if issuer is None:
                return VoucherIssuer.objects.create(association=association, by=by, at=now or timezone.now(),
                                                    **fields)
            for attribute, value in fields.items():
                setattr(issuer, attribute, value)
            issuer.save(update_fields=list(fields))
            return issuer
    except IntegrityError:  # the same name saved meanwhile by someone else
        raise VoucherError(_("“%(name)s” is already in the list."), field="name", name=name) from None


# --- Vouchers received ----------------------------------------------------------------------------

_NUMBER_NOISE = re.compile(r"[\s\-./_]+")


def number_key(number: str) -> str:
    """A voucher number as compared for duplicates: folded, without spaces, dashes, dots or slashes
    ("BA-118", "ba 118" and "BA118" are one number)."""
    return _NUMBER_NOISE.sub("", fold(number))[:60]


def record_voucher(*, entry, issuer: VoucherIssuer, number: str, value: Decimal, member, distribution=None,
                   now=None) -> Voucher:
    """The voucher of a payment entry; called by `record_payment` inside its transaction."""
    day = timezone.localtime(now).date() if now else timezone.localdate()
    return Voucher.objects.create(association_id=entry.association_id, entry=entry, issuer=issuer,
                                  number=number.strip(), number_key=number_key(number), value=round_cents(value),
                                  received_on=day, member=member, distribution=distribution)


def _live() -> Q:
    """Vouchers whose payment was not corrected (a reversed payment's voucher is not claimed)."""
    return Q(entry__reversed_by__isnull=True)


def with_flags(vouchers: QuerySet[Voucher]) -> QuerySet[Voucher]:
    """`duplicate`: another voucher of the same issuer has the same number; `reversed`: its payment
    was corrected."""
    others = Voucher.objects.filter(_live(), issuer=OuterRef("issuer"), number_key=OuterRef("number_key")).exclude(
        pk=OuterRef("pk"))
    return vouchers.annotate(duplicate=Exists(others),
                             reversed=Exists(Voucher.objects.filter(pk=OuterRef("pk"), entry__reversed_by__isnull=False)))


def duplicate_vouchers(association) -> QuerySet[Voucher]:
    """The vouchers (of payments not corrected) whose number was seen more than once for one issuer."""
    association_id = getattr(association, "pk", association)
    others = Voucher.objects.filter(_live(), issuer=OuterRef("issuer"), number_key=OuterRef("number_key")).exclude(
        pk=OuterRef("pk"))
    return (Voucher.objects.filter(_live(), Exists(others), association_id=association_id)
            .select_related("issuer", "member").order_by("issuer__name", "number_key", "received_on", "pk"))


def same_number(voucher: Voucher) -> list[Voucher]:
    """The other vouchers of the issuer with this number (the warning at the till)."""
    return list(Voucher.objects.filter(_live(), issuer_id=voucher.issuer_id, number_key=voucher.number_key)
                .exclude(pk=voucher.pk).select_related("member").order_by("received_on", "pk"))


# --- Claims ---------------------------------------------------------------------------------------


def claimable(issuer, start: datetime.date, end: datetime.date) -> QuerySet[Voucher]:
    """The issuer's vouchers still received (not claimed) from `start` to `end`, payments not corrected."""
    return Voucher.objects.filter(_live(), issuer=issuer, status=Voucher.Status.RECEIVED, claim__isnull=True,
                                  received_on__gte=start, received_on__lte=end)


def claim_preview(issuer, start, end) -> tuple[int, Decimal]:
    """(count, total) of what `open_claim` would take now."""
    found = claimable(issuer, start, end).aggregate(n=Count("pk"), total=Sum("value"))
    return found["n"], found["total"] or ZERO


def _check_period(start, end):
    if start is None or end is None:
        raise VoucherError(_("Enter the period's first and last days."), field="start")
    if end < start:
        raise VoucherError(_("The end comes before the start."), field="end")


def _next_number(association_id, year: int) -> int:
    VoucherClaimCounter.objects.get_or_create(association_id=association_id, year=year)
    counter = VoucherClaimCounter.objects.select_for_update(of=("self",)).get(association_id=association_id,
                                                                             year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def open_claim(association, issuer, start: datetime.date, end: datetime.date, by, now=None) -> VoucherClaim:
    """Gather the issuer's vouchers still received from `start` to `end` into a new claim, numbered
    "BR-<year>-<nnn>" in the association's sequence of the year. Refused when there is none."""
    _check_period(start, end)
    if issuer.association_id != association.pk:
        raise VoucherError(_("This issuer belongs to another association."), field="issuer")
    now = now or timezone.now()
    issuer = VoucherIssuer.objects.select_for_update(of=("self",)).get(pk=issuer.pk)
    vouchers = list(claimable(issuer, start, end).select_for_update(of=("self",)).order_by("pk"))
    if not vouchers:
        raise VoucherError(_("No voucher of %(issuer)s received from %(start)s to %(end)s is waiting to be "
                             "claimed: nothing was claimed."), field="issuer", issuer=issuer.name,
                           start=date_format(start, "j F Y"), end=date_format(end, "j F Y"))
    year = timezone.localtime(now).year
    sequence = _next_number(association.pk, year)
    total = round_cents(sum((v.value for v in vouchers), ZERO))
    claim = VoucherClaim.objects.create(association=association, issuer=issuer, reference=f"BR-{year}-{sequence:03d}",
                                        year=year, sequence=sequence, period_start=start, period_end=end, total=total,
                                        count=len(vouchers), issued_at=now, issued_by=by)
    taken = Voucher.objects.filter(pk__in=[v.pk for v in vouchers], status=Voucher.Status.RECEIVED,
                                   claim__isnull=True).update(status=Voucher.Status.CLAIMED, claim=claim)
    if taken != len(vouchers):  # cannot happen under the locks; refuse rather than claim a voucher twice
        raise VoucherError(_("Some of these vouchers were claimed meanwhile: nothing was claimed, try again."))
    VoucherClaimEvent.objects.create(claim=claim, kind=VoucherClaimEvent.Kind.CLAIMED, by=by, at=now,
                                     note=f"{len(vouchers)} · {format_euros(total)}")
    return claim


def _claim(claim) -> VoucherClaim:
    return VoucherClaim.objects.get(pk=getattr(claim, "pk", claim))


def _refuse_status(claim: VoucherClaim):
    claim.refresh_from_db()
    if claim.status == VoucherClaim.Status.REIMBURSED:
        raise VoucherError(_("Claim %(reference)s was already marked reimbursed on %(day)s."),
                           reference=claim.reference, day=date_format(claim.reimbursed_on or "", "j F Y"))
    if claim.status == VoucherClaim.Status.CANCELLED:
        raise VoucherError(_("Claim %(reference)s is cancelled."), reference=claim.reference)
    raise VoucherError(_("Claim %(reference)s is not reimbursed."), reference=claim.reference)


@transaction.atomic
def mark_reimbursed(claim, *, on: datetime.date, by, now=None, bank_reference: str = "") -> VoucherClaim:
    """The issuer paid the claim back on `on` (the bank's day); its vouchers become reimbursed.
    `claim`: a claim or its primary key. Refused for a claim already reimbursed or cancelled, and for
    a day after today. Called by the bank import when a credit is confirmed as this reimbursement."""
    now = now or timezone.now()
    claim = _claim(claim)
    if not isinstance(on, datetime.date):
        raise VoucherError(_("Enter the day the money arrived."), field="on")
    if on > timezone.localtime(now).date():
        raise VoucherError(_("The day of the reimbursement cannot be in the future."), field="on")
    bank_reference = " ".join(str(bank_reference or "").split())[:60]
    done = VoucherClaim.objects.filter(pk=claim.pk, status=VoucherClaim.Status.CLAIMED).update(
        status=VoucherClaim.Status.REIMBURSED, reimbursed_on=on, reimbursed_by=by, bank_reference=bank_reference)
    if done != 1:
        _refuse_status(claim)
    Voucher.objects.filter(claim=claim, status=Voucher.Status.CLAIMED).update(status=Voucher.Status.REIMBURSED)
    VoucherClaimEvent.objects.create(claim=claim, kind=VoucherClaimEvent.Kind.REIMBURSED, by=by, at=now,
                                     note=" · ".join(filter(None, [on.isoformat(), bank_reference])))
    claim.refresh_from_db()
    return claim


@transaction.atomic
def reopen_claim(claim, *, by, reason: str, now=None) -> VoucherClaim:
    """Undo "reimbursed" (a mistaken match, money returned): back to claimed, with the reason kept."""
    reason = " ".join(str(reason or "").split())[:300]
    if not reason:
        raise VoucherError(_("Say why the reimbursement is undone."), field="reason")
    claim = _claim(claim)
    done = VoucherClaim.objects.filter(pk=claim.pk, status=VoucherClaim.Status.REIMBURSED).update(
        status=VoucherClaim.Status.CLAIMED, reimbursed_on=None, reimbursed_by=None, bank_reference="")
    if done != 1:
        _refuse_status(claim)
    Voucher.objects.filter(claim=claim, status=Voucher.Status.REIMBURSED).update(status=Voucher.Status.CLAIMED)
    VoucherClaimEvent.objects.create(claim=claim, kind=VoucherClaimEvent.Kind.REOPENED, by=by,
                                     at=now or timezone.now(), note=reason)
    claim.refresh_from_db()
    return claim


@transaction.atomic
def cancel_claim(claim, *, by, reason: str = "", now=None) -> VoucherClaim:
    """A claim not reimbursed is withdrawn: its vouchers go back to received (to be claimed again);
    the claim keeps its number, its total and its history."""
    claim = _claim(claim)
    done = VoucherClaim.objects.filter(pk=claim.pk, status=VoucherClaim.Status.CLAIMED).update(
        status=VoucherClaim.Status.CANCELLED)
    if done != 1:
        claim.refresh_from_db()
        if claim.status == VoucherClaim.Status.REIMBURSED:
            raise VoucherError(_("Claim %(reference)s is reimbursed: undo the reimbursement first."),
                               reference=claim.reference)
        _refuse_status(claim)
    numbers = list(Voucher.objects.filter(claim=claim).order_by("pk").values_list("number", flat=True))
    Voucher.objects.filter(claim=claim).update(status=Voucher.Status.RECEIVED, claim=None)
    note = " · ".join(filter(None, [" ".join(str(reason or "").split()), ", ".join(numbers)]))
    VoucherClaimEvent.objects.create(claim=claim, kind=VoucherClaimEvent.Kind.CANCELLED, by=by,
                                     at=now or timezone.now(), note=note[:300])
    claim.refresh_from_db()
    return claim


def claim_of_entry(entry) -> VoucherClaim | None:
    """The claim (claimed or reimbursed) holding the voucher of this payment entry, if any."""
    voucher = Voucher.objects.filter(entry_id=entry.pk).select_related("claim").first()
    return voucher.claim if voucher is not None and voucher.claim_id else None


# --- Reads for the bank import --------------------------------------------------------------------


@dataclass(frozen=True)
class AwaitingClaim:
    pk: int
    reference: str
    issuer_name: str
    total: Decimal
    issued_on: datetime.date


def claims_awaiting_reimbursement(association_id) -> list[AwaitingClaim]:
    """The association's claims sent and not yet paid back (status claimed), oldest first."""
    rows = (VoucherClaim.objects.filter(association_id=association_id, status=VoucherClaim.Status.CLAIMED)
            .select_related("issuer").order_by("issued_at", "pk"))
    return [AwaitingClaim(pk=c.pk, reference=c.reference, issuer_name=c.issuer.name, total=c.total,
                          issued_on=timezone.localtime(c.issued_at).date()) for c in rows]
