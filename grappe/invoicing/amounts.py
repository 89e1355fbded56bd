"""An invoice's figures, Django-free: each line rounded to the cent, then VAT per rate on the sum of the
lines of that rate (EN 16931 computes VAT on the rate's total, not line by line)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal  # before VAT
    vat_rate: Decimal = Decimal("0")  # percent; 0 when the association is not subject to VAT

    @property
    def net(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    basis: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    breakdown: tuple[VatBreakdown, ...]


def totals(lines: list[Line]) -> Totals:
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, Decimal("0")) + line.net
    breakdown = tuple(VatBreakdown(rate, basis, to_cents(basis * rate / 100)) for rate, basis in sorted(bases.items()))
    net = sum((item.basis for item in breakdown), Decimal("0"))
    vat = sum((item.vat for item in breakdown), Decimal("0"))
    return Totals(net=net, vat=vat, gross=net + vat, breakdown=breakdown)
