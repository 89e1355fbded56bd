"""The settlement's rounding lines, shown in cents, add up to the total rounding as displayed, so the
page's column adds up: cost at price - cost of the goods - rounding lines (+ ledger gap) = margin."""

import itertools
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.accounts.settlement import allocate_cents, reconcile
from grappe.core.money import round_cents as cents

from .test_settlement import consistent_cycle

CENT = D("0.01")
exact_amounts = st.lists(st.decimals(min_value=D("-0.5"), max_value=D("0.5"), places=6), min_size=0, max_size=6)


def reference(amounts, total):
    """Brute force: among the vectors of each amount rounded down or up to the cent that add up to
    `total`, those closest to the exact amounts (smallest largest error)."""
    options = [((a / CENT).to_integral_value(rounding="ROUND_FLOOR") * CENT,
                (a / CENT).to_integral_value(rounding="ROUND_CEILING") * CENT) for a in amounts]
    fits = [v for v in itertools.product(*options) if sum(v, D("0")) == total]
    best = min(max((abs(x - a) for x, a in zip(v, amounts, strict=True)), default=D("0")) for v in fits)
    return best


def test_a_simple_case():
    # three thirds of a cent, shown 0, 0, 0 each rounded: the total (0.01) would not add up
    assert allocate_cents([D("0.003334"), D("0.003333"), D("0.003333")], D("0.01")) == [CENT, D("0"), D("0")]
    assert allocate_cents([], D("0")) == []


@settings(max_examples=400, deadline=None)
@given(exact_amounts)
def test_property_shown_cents_add_up_and_stay_closest(amounts):
    total = cents(sum(amounts, D("0")))
    shown = allocate_cents(amounts, total)
    assert sum(shown, D("0")) == total
    assert all(x == cents(x) for x in shown)
    assert all(abs(x - a) < CENT for x, a in zip(shown, amounts, strict=True))
    assert max((abs(x - a) for x, a in zip(shown, amounts, strict=True)), default=D("0")) == reference(amounts, total)


@settings(max_examples=200, deadline=None)
@given(consistent_cycle())
def test_property_the_page_column_adds_up(cycle):
    report = reconcile(**cycle)
    shown = sum((line.amount for line in report.rounding_shown), D("0"))
    assert shown == report.rounding
    assert report.at_cost + report.ledger_gap - report.cost_of_goods - shown == report.margin
