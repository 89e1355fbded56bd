"""From what members want to packs, and from packs back to members. Django-free.

Public names (other code and tests rely on them; keep them stable):

- `Increment(member, quantity, tolerance, sequence, priority=False)`: one increase of a member's
  order line. A member's line is the sum of its increments. `sequence` is a strictly increasing
  integer (an order of arrival, not a timestamp: timestamps tie).
- `packs_to_order(pack_size, quantity, tolerance, minimum_packs=None, rounding="fill")`: how many
  supplier packs to buy for pooled totals.
- `pack_progress(pack_size, quantity, tolerance, packs, minimum_packs=None)`: what a pack count
  (from `packs_to_order`) means for an open cycle: firm quantity not covered, the part the "up to"
  extras take, the surplus to stock, and what is missing to fill the next pack.
- `allocate(available, increments, strategy="fair", *, step=Decimal("1"), priority_first=None)`:
  how much of `available` each member gets.
- `decrease(increments, quantity=..., tolerance=...)` and `change_line(increments, quantity,
  tolerance, sequence)`: the decrease rule (newest increments lose first, so a member keeps their
  earliest place in the queue).

All quantities are Decimals in the member's unit (kg, L, piece); a pack count is a whole Decimal.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")

STRATEGIES = ("fair", "fifo")
ROUNDINGS = ("fill", "up", "down")


@dataclass(frozen=True)
class Increment:
    """One increase of a member's order line (Decimals; `member` any hashable key)."""

    member: Hashable
    quantity: Decimal
    tolerance: Decimal
    sequence: int
    priority: bool = False


# --- Packs ----------------------------------------------------------------------------------------


def _whole(value: Decimal, rounding: str) -> Decimal:
    return value.to_integral_value(rounding=rounding)


def packs_to_order(pack_size: Decimal | None, quantity: Decimal, tolerance: Decimal,
                   minimum_packs: Decimal | int | None = None, rounding: str = "fill") -> Decimal:
    """How many supplier packs to buy for the pooled `quantity` and `tolerance` (member units).

    - `rounding="fill"`: the full packs the quantity fills, plus one more only when something
      remains and that remainder plus the tolerance reach a full pack. Tolerance alone never starts
      a pack, and never adds a second one.
    - `rounding="up"`: the last partial pack is bought too (the rest goes to stock).
    - `rounding="down"`: only the packs the quantity fills.
    - `minimum_packs`: if quantity plus tolerance stay below the minimum, 0; if the quantity alone
      is below it but quantity plus tolerance reach it, the minimum.
    - No pack (`pack_size` None or 0: sold by weight or volume): the exact quantity is ordered
      (the result is then a quantity, not a pack count).
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding: {rounding!r}")
    quantity = max(Decimal(quantity), ZERO)
    tolerance = max(Decimal(tolerance), ZERO)
    if not pack_size:
        return quantity
    pack_size = Decimal(pack_size)
    if pack_size < 0:
        raise ValueError("pack_size must be positive")
    if quantity == 0:
        return ZERO  # tolerance alone never starts a pack
    full = _whole(quantity / pack_size, ROUND_FLOOR)
    remainder = quantity - full * pack_size
    if rounding == "down":
        packs = full
    elif rounding == "up":
        packs = full + (ONE if remainder > 0 else ZERO)
    else:
        packs = full + (ONE if remainder > 0 and remainder + tolerance >= pack_size else ZERO)
    if minimum_packs:
        minimum = Decimal(minimum_packs)
        needed = minimum * pack_size
        if quantity + tolerance < needed:
            return ZERO
        if quantity < needed:
            return minimum
        packs = max(packs, minimum)
    return packs


@dataclass(frozen=True)
class PackProgress:
    """What `packs` packs give for pooled `quantity` (firm) and `tolerance` (the "up to" extras)."""

    bought: Decimal  # packs x pack size (member units)
    short: Decimal  # firm quantity the packs do not cover (members would be served short)
    from_extras: Decimal  # part of the bought quantity that goes to the extras
    surplus: Decimal  # bought beyond the firm quantity and the extras (to stock)
    next_packs: Decimal  # the next pack count (one more, or the minimum): 0 without packs
    missing: Decimal  # firm quantity lacking to fill `next_packs` packs, when some is short; else 0


def pack_progress(pack_size: Decimal | None, quantity: Decimal, tolerance: Decimal, packs: Decimal,
                  minimum_packs: Decimal | int | None = None) -> PackProgress:
    """The figures an open cycle's page shows for `packs` (the count `packs_to_order` gives, the
    very one closing buys): never a second rule for the pack count, only its consequences.

    `missing` is counted against the firm quantity alone; the extras can fill part of it (under the
    "fill" rounding, `packs_to_order` already buys the pack as soon as they fill all of it)."""
    quantity = max(Decimal(quantity), ZERO)
    tolerance = max(Decimal(tolerance), ZERO)
    packs = max(Decimal(packs), ZERO)
    if not pack_size:
        bought = packs
        return PackProgress(bought, max(quantity - bought, ZERO), min(max(bought - quantity, ZERO), tolerance),
                            max(bought - quantity - tolerance, ZERO), ZERO, ZERO)
    size = Decimal(pack_size)
    bought = packs * size
    short = max(quantity - bought, ZERO)
    next_packs = max(packs + ONE, Decimal(minimum_packs or 0))
    return PackProgress(
        bought=bought, short=short, from_extras=min(max(bought - quantity, ZERO), tolerance),
        surplus=max(bought - quantity - tolerance, ZERO), next_packs=next_packs,
        missing=next_packs * size - quantity if short > 0 else ZERO)


# --- Allocation -----------------------------------------------------------------------------------


# the fields of a member's totals in `_totals`
_QUANTITY, _TOLERANCE, _PRIORITY, _Q_PLACE, _T_PLACE, _PLACE = range(6)


def _totals(ordered: Iterable[Increment]) -> dict:
    """Per member, from increments in sequence order: [quantity, tolerance, priority, place in the
    quantity queue, place in the tolerance queue, first place] (a place is a first sequence; None
    when the member asked nothing of that kind). Lists, not dicts: closing a national cycle calls
    this for 10^5 increments."""
    members: dict = {}
    for inc in ordered:
        quantity = inc.quantity if inc.quantity > 0 else ZERO
        tolerance = inc.tolerance if inc.tolerance > 0 else ZERO
        entry = members.get(inc.member)
        if entry is None:
            members[inc.member] = [quantity, tolerance, inc.priority, inc.sequence if quantity else None,
                                   inc.sequence if tolerance else None, inc.sequence]
            continue
        entry[_QUANTITY] += quantity
        entry[_TOLERANCE] += tolerance
        entry[_PRIORITY] = entry[_PRIORITY] or inc.priority
        if quantity and entry[_Q_PLACE] is None:
            entry[_Q_PLACE] = inc.sequence
        if tolerance and entry[_T_PLACE] is None:
            entry[_T_PLACE] = inc.sequence
    return members


def _fill_fair(left: Decimal, wants: list[tuple[object, Decimal]], step: Decimal) -> tuple[dict, Decimal]:
    """Max-min fair filling, level by level in `step`, of `wants` (already in tie order).

    Equivalent to: round after round, every member still missing something gets
    min(step, what they miss) in tie order, until `left` runs out. Computed without looping over
    rounds: find the number k of complete rounds (the largest k with sum(min(want, k*step)) <= left),
    then hand out the unfinished round in tie order.
    """
    given = {member: ZERO for member, _ in wants}
    active = [(member, want) for member, want in wants if want > 0]
    if not active or left <= 0:
        return given, max(left, ZERO)
    total = sum(want for _, want in active)
    if total <= left:
        for member, want in active:
            given[member] = want
        return given, left - total

    def served(k: Decimal) -> Decimal:
        level = k * step
        return sum((min(want, level) for _, want in active), ZERO)

    low, high = 0, int(_whole(max(want for _, want in active) / step, ROUND_CEILING))
    while low < high:  # largest k with served(k) <= left; served(high) == total > left
        middle = (low + high + 1) // 2
        if served(Decimal(middle)) <= left:
            low = middle
        else:
            high = middle - 1
    level = Decimal(low) * step
    for member, want in active:
        given[member] = min(want, level)
    left -= sum(given.values())
    for member, want in active:
        if left <= 0:
            break
        extra = min(step, want - given[member])
        if 0 < extra <= left:  # a leftover smaller than what the step hands out goes to nobody
            given[member] += extra
            left -= extra
    return given, left


def _classes(priority_first: bool, members: dict) -> list[list]:
    if not priority_first:
        return [list(members)]
    return [[m for m in members if members[m][_PRIORITY]], [m for m in members if not members[m][_PRIORITY]]]


def allocate(available: Decimal, increments: Sequence[Increment], strategy: str = "fair", *,
             step: Decimal | None = None, priority_first: bool | None = None) -> dict:
    """How much of `available` (member units) each member gets: {member: Decimal}.

    Every member present in `increments` appears in the result (0 when nothing is left for them).

    - `strategy="fifo"` (Foodsoft's "first order, first served"): increments in sequence order; a
      first pass over quantities (each increment gets its quantity, or what is left in whole steps),
      then, if anything is left, a second pass over tolerances in the same order.
    - `strategy="fair"` (the default of a solidarity network): max-min fair sharing. Quantities are
      filled level by level, `step` at a time (the product's order step, default 1), until the
      available amount runs out: nobody gets more than they asked, those who asked little are served
      in full first, and the rest share equally. Tolerances are then filled the same way. Ties (who
      gets the last, unfinished level) are broken by the member's earliest sequence.
    - `priority_first`: priority members (`Increment.priority`) are served before the others,
      quantities first, then tolerances (priority members' tolerances, then the others'). Default:
      True for "fair" (the association setting "priority households first in a shortage"), False
      for "fifo" (pure order of arrival); pass it explicitly to override.

    - A leftover smaller than the product's step is given to nobody (it goes to stock): a member
      short of their whole request gets whole steps only (the last, unfinished level of "fair" is
      handed out only to those whom a full step, or what they still miss, can be given).

    Deterministic: the same input gives the same result whatever the order of `increments`.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy: {strategy!r}")
    step = ONE if step is None else Decimal(step)
    if step <= 0:
        raise ValueError("step must be positive")
    if priority_first is None:
        priority_first = strategy == "fair"
    left = max(Decimal(available), ZERO)
    ordered = sorted(increments, key=lambda inc: inc.sequence)
    result: dict = {}
    for inc in ordered:
        result.setdefault(inc.member, ZERO)

    if strategy == "fifo":
        passes: list[bool | None] = [True, False] if priority_first else [None]
        for attr in ("quantity", "tolerance"):
            for wanted_priority in passes:
                for inc in ordered:
                    if left <= 0:
                        return result
                    if wanted_priority is not None and bool(inc.priority) != wanted_priority:
                        continue
                    wanted = max(getattr(inc, attr), ZERO)
                    # what is left, if short of the increment, is handed out in whole steps only
                    amount = wanted if wanted <= left else _whole(left / step, ROUND_FLOOR) * step
                    if amount > 0:
                        result[inc.member] += amount
                        left -= amount
        return result

    members = _totals(ordered)
    for field, place in ((_QUANTITY, _Q_PLACE), (_TOLERANCE, _T_PLACE)):
        for klass in _classes(priority_first, members):
            queue = sorted(klass, key=lambda m: (members[m][place] if members[m][place] is not None
                                                 else members[m][_PLACE]))
            given, left = _fill_fair(left, [(m, members[m][field]) for m in queue], step)
            for member, amount in given.items():
                result[member] += amount
    return result


# --- The decrease rule ----------------------------------------------------------------------------


def decrease(increments: Sequence[Increment], *, quantity: Decimal = ZERO,
             tolerance: Decimal = ZERO) -> list[Increment]:
    """One member's increments after taking `quantity` and `tolerance` away, newest first.

    The member keeps their earliest place: only the newest increments shrink or disappear.
    Increments left with nothing are dropped. Raises ValueError when taking more than there is.
    """
    quantity, tolerance = Decimal(quantity), Decimal(tolerance)
    if quantity < 0 or tolerance < 0:
        raise ValueError("a decrease is not negative")
    if quantity > sum((i.quantity for i in increments), ZERO) or \
            tolerance > sum((i.tolerance for i in increments), ZERO):
        raise ValueError("cannot take away more than was ordered")
    kept: list[Increment] = []
    for inc in sorted(increments, key=lambda i: i.sequence, reverse=True):
        take_q = min(inc.quantity, quantity)
        take_t = min(inc.tolerance, tolerance)
        quantity -= take_q
        tolerance -= take_t
        new = replace(inc, quantity=inc.quantity - take_q, tolerance=inc.tolerance - take_t)
        if new.quantity > 0 or new.tolerance > 0:
            kept.append(new)
    return sorted(kept, key=lambda i: i.sequence)


def change_line(increments: Sequence[Increment], quantity: Decimal, tolerance: Decimal, sequence: int,
                *, member: Hashable | None = None, priority: bool = False) -> list[Increment]:
    """One member's increments after setting their line to `quantity` and `tolerance`.

    What goes down is taken from the newest increments (`decrease`); what goes up is one new
    increment numbered `sequence` (which must be above every existing one).
    """
    quantity, tolerance = Decimal(quantity), Decimal(tolerance)
    if quantity < 0 or tolerance < 0:
        raise ValueError("quantities are not negative")
    if increments and sequence <= max(i.sequence for i in increments):
        raise ValueError("sequence must be strictly increasing")
    current_q = sum((i.quantity for i in increments), ZERO)
    current_t = sum((i.tolerance for i in increments), ZERO)
    result = decrease(increments, quantity=max(current_q - quantity, ZERO),
                      tolerance=max(current_t - tolerance, ZERO))
    add_q, add_t = max(quantity - current_q, ZERO), max(tolerance - current_t, ZERO)
    if add_q > 0 or add_t > 0:
        if member is None:
            if not increments:
                raise ValueError("member is needed for a first increment")
            member = increments[0].member
            priority = priority or increments[0].priority
        result.append(Increment(member, add_q, add_t, sequence, priority))
    return result
