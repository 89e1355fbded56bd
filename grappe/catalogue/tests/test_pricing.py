"""The cost price rule: examples, then properties (Hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.catalogue.pricing import MAX_PACK_SIZE, member_price, split_euro, unit_cost
from grappe.core.money import line_total, round_cents

D = Decimal


def test_a_25_kg_sack_of_lentils_costs_its_pack_price_incl_vat_divided_by_25():
    cost = unit_cost(D("52.50"), D("5.5"), D("25"))
    assert cost.supplier_excl_vat == D("2.100000")
    assert cost.vat == D("0.115500")
    assert cost.total == D("2.215500")
    assert line_total(cost.total, D("25")) == D("55.39")  # 52.50 x 1.055 = 55.3875


def test_a_product_without_packs_costs_one_unit():
    assert unit_cost(D("3.00"), D("20"), None).total == D("3.600000")
    assert unit_cost(D("3.00"), D("20"), None) == unit_cost(D("3.00"), D("20"), D("1"))


def test_transport_is_passed_on_by_weight_and_other_costs_as_a_share_of_value():
    # A 5 L can of oil weighing 0.92 kg per litre, transport 0.10 EUR/kg, 2 % other costs.
    cost = unit_cost(D("40.00"), D("5.5"), D("5"), transport_per_kg=D("0.10"), weight_kg_per_unit=D("0.92"),
                     cost_share_percent=D("2"))
    assert cost.supplier_incl_vat == D("8.440000")
    assert cost.transport == D("0.092000")
    assert cost.other_costs == D("0.168800")
    assert cost.total == D("8.700800")


def test_the_breakdown_adds_up_to_the_total():
    cost = unit_cost(D("19.99"), D("5.5"), D("3"), transport_per_kg=D("0.0333"), cost_share_percent=D("1.5"))
    assert cost.supplier_excl_vat + cost.vat + cost.transport + cost.other_costs == cost.total


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
    price, adjustment = member_price(D("2.215500"), D("15"))
    assert adjustment == D("0.332325")
    assert price == D("2.547825")


def test_a_subsidised_tier_takes_off_its_percentage():
    price, adjustment = member_price(D("2.215500"), D("-50"))
    assert (price, adjustment) == (D("1.107750"), D("-1.107750"))
    assert member_price(D("3"), D("-100"))[0] == 0


def test_a_tier_below_minus_100_percent_is_refused():
    with pytest.raises(ValueError):
        member_price(D("1"), D("-101"))


def test_one_euro_splits_into_cents_that_add_up_to_one_euro():
    split = split_euro({"supplier": D("2.1"), "vat": D("0.1155"), "transport": D("0"), "solidarity": D("0.33")})
    assert sum(split.values()) == D("1.00")
    assert split["transport"] == 0
    assert split == {"supplier": D("0.82"), "vat": D("0.05"), "transport": D("0"), "solidarity": D("0.13")}


def test_splitting_nothing_gives_nothing():
    assert split_euro({"supplier": D("0")}) == {"supplier": D("0")}


# --- Properties -------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
vat_rates = st.one_of(st.sampled_from([D("0"), D("2.1"), D("5.5"), D("10"), D("20")]),
                      st.decimals(min_value=D("0"), max_value=D("100"), places=2))
pack_sizes = st.one_of(st.none(), st.decimals(min_value=D("0.001"), max_value=MAX_PACK_SIZE, places=3))
tiers = st.decimals(min_value=D("-100"), max_value=D("100"), places=2)
small = st.decimals(min_value=D("0"), max_value=D("50"), places=4)


@given(prices, vat_rates, pack_sizes)
def test_unit_price_times_pack_size_is_within_a_cent_of_the_pack_price_incl_vat(pack_price, vat, size):
    cost = unit_cost(pack_price, vat, size)
    pack_incl_vat = round_cents(pack_price * (1 + vat / 100))
    units = size if size is not None else D("1")
    assert abs(cost.total * units - pack_incl_vat) <= D("0.01")
    # ...and so is the amount a member pays for a whole pack, rounded once.
    assert abs(line_total(cost.total, units) - pack_incl_vat) <= D("0.01")


@given(prices, vat_rates, pack_sizes, small, small, st.decimals(min_value=D("0"), max_value=D("100"), places=2))
def test_the_parts_always_add_up_to_the_total(pack_price, vat, size, transport, weight, share):
    cost = unit_cost(pack_price, vat, size, transport_per_kg=transport, weight_kg_per_unit=weight,
                     cost_share_percent=share)
    assert cost.supplier_excl_vat + cost.vat + cost.transport + cost.other_costs == cost.total
    assert min(cost.supplier_excl_vat, cost.vat, cost.transport, cost.other_costs) >= 0


@given(prices, vat_rates, pack_sizes, tiers)
def test_tiers_never_change_the_cost_booked_for_the_goods(pack_price, vat, size, tier):
    cost = unit_cost(pack_price, vat, size)
    price, adjustment = member_price(cost.total, tier)
    # What the member pays, less what goes to (or comes from) the solidarity fund, is the cost.
    assert price - adjustment == cost.total
    assert price >= 0
    # The cost itself does not depend on the tier.
    assert unit_cost(pack_price, vat, size) == cost
    if tier == 0:
        assert adjustment == 0


@given(st.dictionaries(st.sampled_from(["supplier", "vat", "transport", "other", "solidarity"]),
                       st.decimals(min_value=D("0"), max_value=D("1000"), places=6), min_size=1))
def test_the_split_of_a_euro_always_adds_up_to_one_euro_or_nothing(parts):
    split = split_euro(parts)
    total = sum(split.values())
    assert total == (D("1.00") if any(v > 0 for v in parts.values()) else 0)
    assert all(v >= 0 for v in split.values())
