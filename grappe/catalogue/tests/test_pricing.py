"""The cost price rule: examples, then properties (Hypothesis)."""

import itertools
import math
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.catalogue.pricing import MAX_PACK_SIZE, CostBreakdown, member_price, split_euro, unit_cost
from grappe.core.money import line_total

D = Decimal


def test_a_25_kg_sack_of_lentils_costs_its_pack_price_incl_vat_divided_by_25():
    # by hand: 52.50 / 25 = 2.10 excl. VAT; 52.50 x 1.055 = 55.3875 incl. VAT, / 25 = 2.2155;
    # VAT per kg 2.2155 - 2.10 = 0.1155; the whole sack at 2.2155 x 25 = 55.3875 -> 55.39
    cost = unit_cost(D("52.50"), D("5.5"), D("25"))
    assert cost.supplier_excl_vat == D("2.100000")
    assert cost.vat == D("0.115500")
    assert cost.total == D("2.215500")
    assert line_total(cost.total, D("25")) == D("55.39")


def test_a_product_without_packs_costs_one_unit():
    # 3.00 x 1.20 = 3.60
    assert unit_cost(D("3.00"), D("20"), None).total == D("3.600000")
    assert unit_cost(D("3.00"), D("20"), None) == unit_cost(D("3.00"), D("20"), D("1"))


def test_transport_is_passed_on_by_weight_and_other_costs_as_a_share_of_value():
    # A 5 L can of oil weighing 0.92 kg per litre, transport 0.10 EUR/kg, 2 % other costs.
    # by hand: 40.00 / 5 = 8.00 excl. VAT, x 1.055 = 8.44 incl.; transport 0.10 x 0.92 = 0.092;
    # other costs 2 % of 8.44 (incl. VAT) = 0.1688; total 8.44 + 0.092 + 0.1688 = 8.7008
    cost = unit_cost(D("40.00"), D("5.5"), D("5"), transport_per_kg=D("0.10"), weight_kg_per_unit=D("0.92"),
                     cost_share_percent=D("2"))
    assert cost.supplier_incl_vat == D("8.440000")
    assert cost.transport == D("0.092000")
    assert cost.other_costs == D("0.168800")
    assert cost.total == D("8.700800")


def test_each_part_is_rounded_to_the_millionth_on_a_price_that_does_not_divide_evenly():
    # 19.99 EUR for a pack of 3, VAT 5.5 %, transport 0.0333 EUR/kg at 1 kg a unit, 1.5 % other costs.
    # by hand: excl. VAT 19.99 / 3 = 6.6633333... -> 6.663333
    #          incl. VAT 19.99 x 1.055 = 21.08945, / 3 = 7.0298166... -> 7.029817 (rounded once, not 6.663333 x 1.055)
    #          VAT 7.029817 - 6.663333 = 0.366484
    #          transport 0.0333 x 1 = 0.033300; other costs 1.5 % of 7.029817 = 0.10544725... -> 0.105447
    #          total 7.029817 + 0.033300 + 0.105447 = 7.168564
    cost = unit_cost(D("19.99"), D("5.5"), D("3"), transport_per_kg=D("0.0333"), cost_share_percent=D("1.5"))
    assert cost == CostBreakdown(supplier_excl_vat=D("6.663333"), vat=D("0.366484"), transport=D("0.033300"),
                                 other_costs=D("0.105447"), total=D("7.168564"))


@pytest.mark.parametrize("kwargs", [
    {"pack_price_excl_vat": D("-1"), "vat_rate": D("5.5"), "pack_size": D("1")},
    {"pack_price_excl_vat": D("1"), "vat_rate": D("-5.5"), "pack_size": D("1")},
    {"pack_price_excl_vat": D("1"), "vat_rate": D("5.5"), "pack_size": D("0")},
    {"pack_price_excl_vat": D("1"), "vat_rate": D("5.5"), "pack_size": MAX_PACK_SIZE + 1},
    {"pack_price_excl_vat": D("1"), "vat_rate": D("5.5"), "pack_size": D("1"), "transport_per_kg": D("-0.1")},
])
def test_impossible_prices_are_refused(kwargs):
    with pytest.raises(ValueError):
        unit_cost(**kwargs)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        unit_cost(52.5, D("5.5"), D("25"))


def test_no_tier_means_cost_price():
    assert member_price(D("2.2155"), D("0")) == (D("2.2155"), D("0"))


def test_a_solidarity_tier_adds_its_percentage_apart():
    # 15 % of 2.2155 = 0.332325; 2.2155 + 0.332325 = 2.547825
    price, adjustment = member_price(D("2.215500"), D("15"))
    assert adjustment == D("0.332325")
    assert price == D("2.547825")


def test_a_subsidised_tier_takes_off_its_percentage():
    # half of 2.2155 = 1.10775 taken off; at -100 % the goods are free
    price, adjustment = member_price(D("2.215500"), D("-50"))
    assert (price, adjustment) == (D("1.107750"), D("-1.107750"))
    assert member_price(D("3"), D("-100"))[0] == 0


def test_a_tier_below_minus_100_percent_is_refused():
    with pytest.raises(ValueError):
        member_price(D("1"), D("-101"))


def test_one_euro_splits_into_cents_that_add_up_to_one_euro():
    # whole 2.1 + 0.1155 + 0.33 = 2.5455; shares 82.498 / 4.537 / 12.964 cents:
    # floors 82 + 4 + 12 = 98, the 2 cents left go to the largest remainders (vat .537, solidarity .964)
    split = split_euro({"supplier": D("2.1"), "vat": D("0.1155"), "transport": D("0"), "solidarity": D("0.33")})
    assert sum(split.values()) == D("1.00")
    assert split["transport"] == 0
    assert split == {"supplier": D("0.82"), "vat": D("0.05"), "transport": D("0"), "solidarity": D("0.13")}


def test_three_equal_parts_give_the_odd_cent_to_the_first():
    assert split_euro({"a": D("1"), "b": D("1"), "c": D("1")}) == {"a": D("0.34"), "b": D("0.33"), "c": D("0.33")}


def test_splitting_nothing_gives_nothing():
    assert split_euro({"supplier": D("0")}) == {"supplier": D("0")}


# --- Properties -------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
vat_rates = st.one_of(st.sampled_from([D("0"), D("2.1"), D("5.5"), D("10"), D("20")]),
                      st.decimals(min_value=D("0"), max_value=D("100"), places=2))
pack_sizes = st.one_of(st.none(), st.decimals(min_value=D("0.001"), max_value=MAX_PACK_SIZE, places=3))
tiers = st.decimals(min_value=D("-100"), max_value=D("100"), places=2)
small = st.decimals(min_value=D("0"), max_value=D("50"), places=4)


# The references below compute in exact fractions (no Decimal, no rounding until the end) straight from the
# rule written in words in pricing.py, and the code's results must stay within its stated rounding.

MILLIONTH = F(1, 10**6)


def exact(value) -> F:
    return F(str(value))


def cents_half_up(amount: F) -> F:
    """Round a non-negative fraction to the cent, half up, with integers only."""
    return F(math.floor(amount * 100 + F(1, 2)), 100)


@given(prices, vat_rates, pack_sizes, small, small, st.decimals(min_value=D("0"), max_value=D("100"), places=2))
def test_each_part_is_within_rounding_of_the_exact_cost(pack_price, vat, size, transport, weight, share):
    cost = unit_cost(pack_price, vat, size, transport_per_kg=transport, weight_kg_per_unit=weight,
                     cost_share_percent=share)
    units = exact(size) if size is not None else F(1)
    excl = exact(pack_price) / units
    incl = exact(pack_price) * (100 + exact(vat)) / 100 / units
    carried = exact(transport) * exact(weight)
    other = incl * exact(share) / 100
    half = MILLIONTH / 2
    assert abs(exact(cost.supplier_excl_vat) - excl) <= half
    assert abs(exact(cost.supplier_incl_vat) - incl) <= half
    assert abs(exact(cost.vat) - (incl - excl)) <= 2 * half
    assert abs(exact(cost.transport) - carried) <= half
    # other costs are taken on the rounded price incl. VAT: half a millionth, plus share x half a millionth
    assert abs(exact(cost.other_costs) - other) <= 2 * half
    assert abs(exact(cost.total) - (incl + carried + other)) <= 4 * half
    for part in (cost.supplier_excl_vat, cost.vat, cost.transport, cost.other_costs, cost.total):
        assert part >= 0 and (exact(part) / MILLIONTH).denominator == 1  # to the millionth


@given(prices, vat_rates, pack_sizes)
def test_a_whole_pack_costs_the_pack_price_incl_vat_within_a_cent(pack_price, vat, size):
    cost = unit_cost(pack_price, vat, size)
    units = exact(size) if size is not None else F(1)
    pack_incl_vat = cents_half_up(exact(pack_price) * (100 + exact(vat)) / 100)
    assert abs(exact(cost.total) * units - pack_incl_vat) <= F(1, 100)
    # ...and so is the amount a member pays for a whole pack, rounded once.
    whole_pack = line_total(cost.total, size if size is not None else D("1"))
    assert abs(exact(whole_pack) - pack_incl_vat) <= F(1, 100)


@given(prices, vat_rates, pack_sizes, tiers, tiers)
def test_a_tier_moves_the_price_by_its_percentage_and_never_the_cost(pack_price, vat, size, tier, other_tier):
    cost = unit_cost(pack_price, vat, size)
    price, adjustment = member_price(cost.total, tier)
    assert abs(exact(price) - exact(cost.total) * (100 + exact(tier)) / 100) <= MILLIONTH / 2
    assert price >= 0
    # the adjustment has the tier's sign (to the fund, or from it), and none without a tier
    assert (adjustment > 0) <= (tier > 0) and (adjustment < 0) <= (tier < 0)
    assert unit_cost(pack_price, vat, size) == cost  # pricing for a tier did not touch the cost
    # a higher tier never gives a lower price
    other_price, _ = member_price(cost.total, other_tier)
    assert (other_price >= price) if other_tier >= tier else (other_price <= price)


@given(st.dictionaries(st.sampled_from(["supplier", "vat", "transport", "other", "solidarity"]),
                       st.decimals(min_value=D("0"), max_value=D("1000"), places=6), min_size=1))
def test_no_other_split_of_the_cents_is_closer_to_the_exact_shares(parts):
    split = split_euro(parts)
    assert list(split) == list(parts)
    whole = sum((exact(v) for v in parts.values()), F(0))
    if whole == 0:
        assert all(v == 0 for v in split.values())
        return
    cents = {key: exact(v) * 100 / whole for key, v in parts.items()}  # exact share, in cents
    # brute force: every way of giving each part the cents just below or just above its share
    choices = [sorted({math.floor(c), math.ceil(c)}) for c in cents.values()]
    candidates = [combo for combo in itertools.product(*choices) if sum(combo) == 100]
    best = min(sum(abs(n - c) for n, c in zip(combo, cents.values(), strict=True)) for combo in candidates)
    ours = [exact(v) * 100 for v in split.values()]
    assert all(n.denominator == 1 for n in ours)
    assert sum(ours) == 100
    assert sum(abs(n - c) for n, c in zip(ours, cents.values(), strict=True)) == best
    assert all(abs(n - c) < 1 for n, c in zip(ours, cents.values(), strict=True))
