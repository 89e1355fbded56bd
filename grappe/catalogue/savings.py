"""What households saved against the reference prices: a pure rule, no Django.

Method (said in one sentence on the funder report): for each product bought that has a reference
price (what the same product costs per unit in an ordinary shop nearby), the saving is
quantity × (reference price − price paid); the savings are summed and rounded once, to the cent.

A reference below the price paid counts as a negative saving: the figure stays honest, it is never
flattered by leaving out the products that cost more here. Products without a reference count for
nothing in the saving; the share of spending that had a reference says how much of the basket the
figure covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SavingLine:
    quantity: Decimal
    paid_per_unit: Decimal
    reference_per_unit: Decimal | None


@dataclass(frozen=True)
class Savings:
    saved: Decimal             # to the cent; negative when the compared products cost more here
    spending: Decimal          # all the lines, to the cent
    compared_spending: Decimal  # the lines with a reference, to the cent
    compared_lines: int

    @property
    def has_reference(self) -> bool:
        return self.compared_lines > 0

    @property
    def share(self) -> Decimal | None:
        """The share of spending that had a reference (0 to 1, four places); None when nothing was spent."""
        if self.spending <= 0:
            return None
        return (self.compared_spending / self.spending).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def extra_cost(self) -> Decimal:
        """What the compared products cost more here than in the shops, when they did (saved < 0)."""
        return -self.saved

    def __add__(self, other: Savings) -> Savings:
        return Savings(saved=self.saved + other.saved, spending=self.spending + other.spending,
                       compared_spending=self.compared_spending + other.compared_spending,
                       compared_lines=self.compared_lines + other.compared_lines)


NOTHING = Savings(saved=ZERO, spending=ZERO, compared_spending=ZERO, compared_lines=0)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def savings(lines: Iterable[SavingLine]) -> Savings:
    """The saving on `lines` (one basket, or many), each sum rounded once to the cent at the end."""
    saved = spending = compared = Decimal(0)
    count = 0
    for line in lines:
        paid = line.quantity * line.paid_per_unit
        spending += paid
        if line.reference_per_unit is not None:
            saved += line.quantity * (line.reference_per_unit - line.paid_per_unit)
            compared += paid
            count += 1
    return Savings(saved=_cents(saved), spending=_cents(spending), compared_spending=_cents(compared),
                   compared_lines=count)
