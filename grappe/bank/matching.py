"""Which member or hand-recorded entry a bank credit is, proposed for a person to confirm. Django-free.

A credit is proposed as:
- the transfer already recorded by hand (a payment by transfer of the same member and amount, dated
  within `WINDOW_DAYS`, not yet matched to another bank line): matched to it, never booked again;
- else a payment of the member it names, when the amount is what that member owes.
A proposal is `sure` (booked without a person by `import_bank_statement --confirm`) only when the
reference names exactly one member number and the amount is exactly that member's due.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from grappe.core.text import fold

WINDOW_DAYS = 5

# "ADH 42", "adherent 42", "adh.42", "n°42", "no 42", "num 42", "numero 42" (the text folded: "n°" stays)
_NUMBER = re.compile(r"(?:\badh(?:erente?)?|\bmembre|\bn\s*°|\bno|\bnum(?:ero)?)\s*[.:#-]?\s*(\d{1,6})\b")


@dataclass(frozen=True)
class MemberInfo:
    pk: int
    number: int
    name: str
    due: Decimal  # what the member owes now (0 when in credit)


@dataclass(frozen=True)
class HandEntry:
    pk: int
    member_pk: int
    amount: Decimal
    on: datetime.date


@dataclass(frozen=True)
class Proposal:
    member_pk: int
    entry_pk: int | None = None  # a hand-recorded entry to match; None: a payment to book
    sure: bool = False


def member_numbers(text: str) -> set[int]:
    return {int(number) for number in _NUMBER.findall(fold(text))}


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def named_members(text: str, members: list[MemberInfo]) -> list[MemberInfo]:
    """Members whose every name word (two letters or more; at least two words) is in `text`."""
    words = _words(text)
    found = []
    for member in members:
        name_words = {w for w in _words(member.name) if len(w) >= 2}
        if len(name_words) >= 2 and name_words <= words:
            found.append(member)
    return found


def propose(*, amount: Decimal, booked_on: datetime.date, text: str, members: list[MemberInfo],
            hand_entries: list[HandEntry]) -> Proposal | None:
    """The proposal for one bank line (`text`: its label, reference and counterparty), or None."""
    if amount <= 0:
        return None
    by_number = {m.number: m for m in members}
    numbers = [n for n in member_numbers(text) if n in by_number]
    if len(numbers) == 1:
        candidate, by_reference = by_number[numbers[0]], True
    else:
        named = named_members(text, members) if not numbers else []
        if len(named) != 1:
            return None
        candidate, by_reference = named[0], False
    near = [e for e in hand_entries if e.member_pk == candidate.pk and e.amount == amount
            and abs((e.on - booked_on).days) <= WINDOW_DAYS]
    if near:
        closest = min(near, key=lambda e: (abs((e.on - booked_on).days), e.pk))
        return Proposal(member_pk=candidate.pk, entry_pk=closest.pk, sure=by_reference)
    if candidate.due > 0 and amount == candidate.due:
        return Proposal(member_pk=candidate.pk, sure=by_reference)
    return None
