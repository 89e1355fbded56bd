"""What a bank line is, proposed for a person to confirm. Django-free.

A credit is proposed as:
- the transfer already recorded by hand (a payment by transfer of the same member and amount, dated
  within `WINDOW_DAYS`, not yet matched to another bank line): matched to it, never booked again;
- else a payment of the member it names, when the amount is what that member owes;
- else that member's membership fee, when the amount is the fee due for the bank day's year;
- else (no member named) the reimbursement of a food-voucher claim: the amount is the claim's total
  and the text holds the claim's reference or its issuer's name.
A debit is proposed as:
- a supplier payment by transfer already recorded (same amount, within `WINDOW_DAYS`): matched to it;
- else the payment of the outstanding supplier invoice whose number is in the text, when the amount is
  what remains due on it.

A proposal is `sure` (booked without a person by `import_bank_statement --confirm`) only when the
text names exactly one member number (or one invoice number) and the amount is exactly what is due.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from grappe.core.text import fold

WINDOW_DAYS = 5

# The kinds of proposal (and of confirmed match): BankTransaction.proposal_kind / match_kind
PAYMENT = "payment"  # a member's payment by transfer, to book
HAND = "hand"  # a member's transfer recorded by hand: matched, nothing booked
FEE = "fee"  # a member's membership fee, to record as paid by transfer
SUPPLIER_PAYMENT = "supplier_payment"  # a supplier payment by transfer recorded by hand: matched
INVOICE = "invoice"  # an outstanding supplier invoice: its payment to record
CLAIM = "claim"  # a food-voucher claim reimbursed by its issuer
KINDS = (PAYMENT, HAND, FEE, SUPPLIER_PAYMENT, INVOICE, CLAIM)

# "ADH 42", "adherent 42", "adh.42", "n°42", "no 42", "num 42", "numero 42" (the text folded: "n°" stays)
_NUMBER = re.compile(r"(?:\badh(?:erente?)?|\bmembre|\bn\s*°|\bno|\bnum(?:ero)?)\s*[.:#-]?\s*(\d{1,6})\b")


@dataclass(frozen=True)
class MemberInfo:
    pk: int
    number: int
    name: str
    due: Decimal  # what the member owes now (0 when in credit)
    fee_due: Decimal | None = None  # the membership fee still to pay for the bank day's year, if any


@dataclass(frozen=True)
class HandEntry:
    pk: int
    member_pk: int
    amount: Decimal
    on: datetime.date


@dataclass(frozen=True)
class SupplierPaymentInfo:
    """A payment to a supplier recorded by hand with means transfer, not matched to a bank line yet."""

    pk: int
    amount: Decimal  # positive: what left the account
    on: datetime.date
    invoice_number: str = ""


@dataclass(frozen=True)
class InvoiceInfo:
    """A supplier invoice not fully paid."""

    pk: int
    number: str
    supplier_name: str
    remaining: Decimal  # what remains to pay (> 0)


@dataclass(frozen=True)
class ClaimInfo:
    """A food-voucher claim sent to its issuer and not reimbursed yet."""

    pk: int
    reference: str  # "BR-2026-003"
    issuer_name: str
    amount: Decimal


@dataclass(frozen=True)
class Proposal:
    kind: str
    member_pk: int | None = None
    entry_pk: int | None = None  # HAND: the hand-recorded entry to match
    supplier_payment_pk: int | None = None
    invoice_pk: int | None = None
    claim_pk: int | None = None
    sure: bool = False


def member_numbers(text: str) -> set[int]:
    return {int(number) for number in _NUMBER.findall(fold(text))}


def _words(text: str) -> list[str]:
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).split()


def named_members(text: str, members: list[MemberInfo]) -> list[MemberInfo]:
    """Members whose every name word (two letters or more; at least two words) is in `text`."""
    words = set(_words(text))
    found = []
    for member in members:
        name_words = {w for w in _words(member.name) if len(w) >= 2}
        if len(name_words) >= 2 and name_words <= words:
            found.append(member)
    return found


def phrase_in(phrase: str, text: str) -> bool:
    """Whether `phrase` (an invoice number, a claim reference, a name: three characters or more once
    folded) appears in `text` as whole words, whatever the punctuation: "F-2026-118" in "FACTURE F2026 118"
    is not, in "facture f 2026/118" it is."""
    wanted = _words(phrase)
    if len("".join(wanted)) < 3:
        return False
    words = _words(text)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def _closest(candidates, booked_on):
    return min(candidates, key=lambda c: (abs((c.on - booked_on).days), c.pk))


def _credit(amount, booked_on, text, members, hand_entries, claims) -> Proposal | None:
    by_number = {m.number: m for m in members}
    numbers = [n for n in member_numbers(text) if n in by_number]
    candidate = None
    if len(numbers) == 1:
        candidate, by_reference = by_number[numbers[0]], True
    elif not numbers:
        named = named_members(text, members)
        if len(named) == 1:
            candidate, by_reference = named[0], False
        elif not named:
            return _claim(amount, text, claims)
    if candidate is None:
        return None
    near = [e for e in hand_entries if e.member_pk == candidate.pk and e.amount == amount
            and abs((e.on - booked_on).days) <= WINDOW_DAYS]
    if near:
        return Proposal(kind=HAND, member_pk=candidate.pk, entry_pk=_closest(near, booked_on).pk, sure=by_reference)
    is_fee = candidate.fee_due is not None and candidate.fee_due > 0 and amount == candidate.fee_due
    if candidate.due > 0 and amount == candidate.due:
        # the amount is both what the member owes and the year's fee: a person says which
        return Proposal(kind=PAYMENT, member_pk=candidate.pk, sure=by_reference and not is_fee)
    if is_fee:
        return Proposal(kind=FEE, member_pk=candidate.pk, sure=by_reference)
    return None


def _claim(amount, text, claims) -> Proposal | None:
    found = [c for c in claims if c.amount == amount and (phrase_in(c.reference, text) or phrase_in(c.issuer_name, text))]
    if len(found) != 1:
        return None
    return Proposal(kind=CLAIM, claim_pk=found[0].pk, sure=False)  # never booked without a person (yet)


def _debit(paid, booked_on, text, supplier_payments, invoices) -> Proposal | None:
    near = [p for p in supplier_payments if p.amount == paid and abs((p.on - booked_on).days) <= WINDOW_DAYS]
    if near:
        closest = _closest(near, booked_on)
        return Proposal(kind=SUPPLIER_PAYMENT, supplier_payment_pk=closest.pk,
                        sure=bool(closest.invoice_number) and phrase_in(closest.invoice_number, text))
    named = [i for i in invoices if phrase_in(i.number, text)]
    due = [i for i in named if i.remaining == paid]
    if len(due) == 1:
        return Proposal(kind=INVOICE, invoice_pk=due[0].pk, sure=len(named) == 1)
    return None


def propose(*, amount: Decimal, booked_on: datetime.date, text: str, members: list[MemberInfo],
            hand_entries: list[HandEntry], supplier_payments: list[SupplierPaymentInfo] | None = None,
            invoices: list[InvoiceInfo] | None = None, claims: list[ClaimInfo] | None = None) -> Proposal | None:
    """The proposal for one bank line (`text`: its label, reference and counterparty), or None."""
    if amount > 0:
        return _credit(amount, booked_on, text, members, hand_entries, claims or [])
    if amount < 0:
        return _debit(-amount, booked_on, text, supplier_payments or [], invoices or [])
    return None
