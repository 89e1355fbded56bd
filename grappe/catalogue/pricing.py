"""Cost price, with no margin: the pure rule (no Django).

The member's price per unit (kg, L or piece) is what the goods cost the association:

    supplier price incl. VAT per unit = pack price excl. VAT x (1 + VAT rate) / pack size
    + transport passed on             = transport per kg x weight of one unit (kg)
    + other costs passed on           = share (%) x supplier price incl. VAT per unit

A product without packs is bought one unit at a time: its "pack" is one unit (pack_size None or 1).
A price tier (per member category) then adds or takes off a percentage; that difference is booked
apart (the solidarity fund), so the goods are always booked at their cost.

Rounding (all through grappe.core.money):
- unit prices are *prices*, kept to the millionth of a euro (`round_unit_price`, ROUND_HALF_UP);
  amounts are rounded to the cent once per line (`line_total`), by the caller.
- the price incl. VAT per unit is rounded ONCE from the exact pack price incl. VAT; the VAT part is
  the difference between it and the rounded price excl. VAT, so supplier + VAT equals it exactly.
- Why unit price x pack size stays within a cent of the pack price incl. VAT rounded to the cent:
  |u - P/s| <= 0.0000005, so |u x s - P| <= 0.0000005 x s <= 0.005 for s <= MAX_PACK_SIZE (10,000),
  and |P - round_cents(P)| <= 0.005; together at most 0.01. (A unit price rounded to the cent
  would not do: on a 25 kg sack the error can reach 12.5 cents, a margin or a loss.)
- total = supplier + VAT + transport + other costs, each already rounded: the breakdown adds up to
  the total exactly, so the "where your euro goes" sheet never disagrees with the price.
"""

from dataclasses import dataclass
from decimal import Decimal

from grappe.core.money import CENT, round_unit_price, to_decimal

ONE = Decimal("1")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
MAX_PACK_SIZE = Decimal("10000")


@dataclass(frozen=True)
class CostBreakdown:
    """The cost of one member unit, part by part (EUR, to the millionth)."""

    supplier_excl_vat: Decimal
    vat: Decimal
    transport: Decimal
    other_costs: Decimal
    total: Decimal

    @property
    def supplier_incl_vat(self) -> Decimal:
        return self.supplier_excl_vat + self.vat


def unit_cost(pack_price_excl_vat, vat_rate, pack_size=None, transport_per_kg=ZERO, weight_kg_per_unit=ONE,
              cost_share_percent=ZERO) -> CostBreakdown:
    """The cost price of one member unit. `pack_size` None means the product has no packs (one unit)."""
    pack_price = to_decimal(pack_price_excl_vat)
    rate = to_decimal(vat_rate)
    size = ONE if pack_size is None else to_decimal(pack_size)
    transport_per_kg = to_decimal(transport_per_kg)
    weight = to_decimal(weight_kg_per_unit)
    share = to_decimal(cost_share_percent)
    if pack_price < 0:
        raise ValueError("a pack price cannot be negative")
    if rate < 0:
        raise ValueError("a VAT rate cannot be negative")
    if size <= 0:
        raise ValueError("a pack holds a positive quantity")
    if size > MAX_PACK_SIZE:
        raise ValueError(f"a pack holds at most {MAX_PACK_SIZE} member units")
    if transport_per_kg < 0 or weight < 0 or share < 0:
        raise ValueError("costs passed on cannot be negative")

    supplier_excl_vat = round_unit_price(pack_price / size)
    supplier_incl_vat = round_unit_price(pack_price * (ONE + rate / HUNDRED) / size)
    vat = supplier_incl_vat - supplier_excl_vat
    transport = round_unit_price(transport_per_kg * weight)
    other_costs = round_unit_price(supplier_incl_vat * share / HUNDRED)
    total = supplier_incl_vat + transport + other_costs
    return CostBreakdown(supplier_excl_vat=supplier_excl_vat, vat=vat, transport=transport,
                         other_costs=other_costs, total=total)


def member_price(cost_total, tier_percent=ZERO) -> tuple[Decimal, Decimal]:
    """(price the member pays per unit, tier adjustment per unit).

    price = cost + adjustment exactly; the adjustment goes to (or comes from) the solidarity fund,
    never into the goods' cost. A tier of -100 % makes the goods free to the member.
    """
    cost = to_decimal(cost_total)
    percent = to_decimal(tier_percent)
    if percent < -HUNDRED:
        raise ValueError("a tier cannot take off more than 100 %")
    adjustment = round_unit_price(cost * percent / HUNDRED)
    return cost + adjustment, adjustment


def split_euro(parts: dict[str, Decimal]) -> dict[str, Decimal]:
    """How one euro divides between positive parts, in cents, adding up to exactly 1.00.

    Largest remainder: each part gets its share rounded down to the cent, and the cents left go to
    the parts with the largest remainders (ties: the order of `parts`). Parts <= 0 get nothing.
    """
    positive = {key: to_decimal(value) for key, value in parts.items() if to_decimal(value) > 0}
    whole = sum(positive.values(), ZERO)
    if whole == 0:
        return {key: ZERO for key in parts}
    exact = {key: value / whole for key, value in positive.items()}
    floors = {key: (share // CENT) * CENT for key, share in exact.items()}
    left = int(((ONE - sum(floors.values(), ZERO)) / CENT).to_integral_value())
    order = sorted(positive, key=lambda key: exact[key] - floors[key], reverse=True)
    for key in order[:left]:
        floors[key] += CENT
    return {key: floors.get(key, ZERO) for key in parts}


@dataclass(frozen=True)
class MemberPrice:
    """What one member unit costs and what a member of one category pays for it."""

    pack_price_excl_vat: Decimal
    vat_rate: Decimal
    cost: CostBreakdown
    tier_percent: Decimal
    tier_adjustment: Decimal
    price: Decimal

    def euro_split(self) -> dict[str, Decimal]:
        """Where each euro the member pays goes (cents adding up to 1.00).

        A positive tier adjustment shows as "solidarity"; a subsidy (negative) is not part of what
        the member pays, so the split is then of the cost, and the subsidy is shown apart.
        """
        return split_euro({
            "supplier": self.cost.supplier_excl_vat,
            "vat": self.cost.vat,
            "transport": self.cost.transport,
            "other": self.cost.other_costs,
            "solidarity": max(self.tier_adjustment, ZERO),
        })


def price_for(pack_price_excl_vat, vat_rate, pack_size=None, transport_per_kg=ZERO, weight_kg_per_unit=ONE,
              cost_share_percent=ZERO, tier_percent=ZERO) -> MemberPrice:
    cost = unit_cost(pack_price_excl_vat, vat_rate, pack_size, transport_per_kg, weight_kg_per_unit,
                     cost_share_percent)
    price, adjustment = member_price(cost.total, tier_percent)
    return MemberPrice(pack_price_excl_vat=to_decimal(pack_price_excl_vat), vat_rate=to_decimal(vat_rate),
                       cost=cost, tier_percent=to_decimal(tier_percent), tier_adjustment=adjustment, price=price)
