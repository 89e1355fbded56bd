"""The savings rule: examples by hand, then properties against an exact computation (Fraction)."""

import math
from decimal import Decimal
from fractions import Fraction as F

from hypothesis import given
from hypothesis import strategies as st

from grappe.catalogue.savings import NOTHING, SavingLine, savings

D = Decimal


def test_the_issue_example_six_euros_forty():
    # by hand: 4 kg × (2.90 − 2.10) = 3.20; 2 l × (3.10 − 1.50) = 3.20; the oil has no reference
    result = savings([SavingLine(D("4"), D("2.10"), D("2.90")), SavingLine(D("2"), D("1.50"), D("3.10")),
                      SavingLine(D("1"), D("5.00"), None)])
    assert result.saved == D("6.40")
    assert result.spending == D("16.40")         # 8.40 + 3.00 + 5.00
    assert result.compared_spending == D("11.40")
    assert result.share == D("0.6951")           # 11.40 / 16.40 = 0.69512...
    assert result.compared_lines == 2


def test_a_reference_below_the_price_paid_counts_against_the_saving():
    # 3 × (1.00 − 1.20) = −0.60; 1 × (2.00 − 1.50) = 0.50: the honest figure is −0.10
    result = savings([SavingLine(D("3"), D("1.20"), D("1.00")), SavingLine(D("1"), D("1.50"), D("2.00"))])
    assert result.saved == D("-0.10")


def test_no_reference_no_saving_and_nothing_spent_no_share():
    result = savings([SavingLine(D("2"), D("1.00"), None)])
    assert not result.has_reference and result.saved == D("0.00") and result.share == D("0.0000")
    assert savings([]).share is None and savings([]) == NOTHING


def test_rounded_once_not_per_line():
    # three lines of 1 × 0.005 each: 0.015 → 0.02 once (per line it would be 0.01 × 3 = 0.03)
    assert savings([SavingLine(D("1"), D("1.000"), D("1.005"))] * 3).saved == D("0.02")


quantities = st.decimals(min_value=D("0"), max_value=D("500"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("200"), places=6)
lines = st.lists(st.builds(SavingLine, quantities, prices, st.one_of(st.none(), prices)), max_size=30)


def exact_cents(value: F) -> D:
    """Round a Fraction half away from zero to the cent, the ROUND_HALF_UP of Decimal."""
    hundredths = value * 100
    magnitude = math.floor(abs(hundredths) + F(1, 2))
    return D(magnitude if hundredths >= 0 else -magnitude) / 100


@given(lines)
def test_matches_an_exact_computation(drawn):
    result = savings(drawn)
    exact_saved = sum((F(line.quantity) * (F(line.reference_per_unit) - F(line.paid_per_unit))
                       for line in drawn if line.reference_per_unit is not None), F(0))
    exact_spending = sum((F(line.quantity) * F(line.paid_per_unit) for line in drawn), F(0))
    exact_compared = sum((F(line.quantity) * F(line.paid_per_unit)
                          for line in drawn if line.reference_per_unit is not None), F(0))
    assert result.saved == exact_cents(exact_saved)
    assert result.spending == exact_cents(exact_spending)
    assert result.compared_spending == exact_cents(exact_compared)
    assert result.compared_lines == sum(1 for line in drawn if line.reference_per_unit is not None)
    if exact_spending > 0 and result.share is not None:
        assert abs(F(result.share) - F(result.compared_spending) / F(result.spending)) <= F(1, 20000)
        assert 0 <= result.share <= 1


@given(lines, lines)
def test_adding_two_baskets_stays_within_a_cent_per_basket(first, second):
    together, apart = savings(first + second), savings(first) + savings(second)
    assert abs(together.saved - apart.saved) <= D("0.01")
    assert together.compared_lines == apart.compared_lines
