from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from grappe.members import quota

SEVENTY = Decimal("70")


def test_exactly_seventy_percent_is_allowed():
    assert quota.allows(7, 3, SEVENTY)
    assert quota.can_admit_solidarity(7, 2, SEVENTY)


def test_one_below_seventy_percent_is_refused():
    assert not quota.can_admit_solidarity(7, 3, SEVENTY)
    assert not quota.allows(69, 31, SEVENTY)


def test_capacity_at_the_boundary():
    assert quota.solidarity_capacity(7, 3, SEVENTY) == 0
    assert quota.solidarity_capacity(14, 3, SEVENTY) == 3
    assert quota.solidarity_capacity(0, 0, SEVENTY) == 0


def test_priority_needed():
    assert quota.priority_needed(6, 3, SEVENTY) == 1
    assert quota.priority_needed(7, 3, SEVENTY) == 0


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 99))
def test_capacity_is_exactly_what_keeps_the_share(priority, solidarity, percent):
    threshold = Decimal(percent)
    capacity = quota.solidarity_capacity(priority, solidarity, threshold)
    if capacity > 0:
        assert quota.share(priority, solidarity + capacity) >= Fraction(percent, 100)
    assert quota.share(priority, solidarity + capacity + 1) < Fraction(percent, 100)
