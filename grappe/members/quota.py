"""The priority quota: at least `threshold` % of a group's active members are priority households.

Pure and exact (fractions, no rounding): a share of exactly the threshold is allowed.
"""

from decimal import Decimal
from fractions import Fraction


def _fraction(threshold_percent: Decimal) -> Fraction:
    return Fraction(Decimal(threshold_percent)) / 100


def share(priority: int, solidarity: int) -> Fraction:
    """The share of priority members; an empty group counts as fully priority."""
    total = priority + solidarity
    return Fraction(priority, total) if total else Fraction(1)


def allows(priority: int, solidarity: int, threshold_percent: Decimal) -> bool:
    return share(priority, solidarity) >= _fraction(threshold_percent)


def can_admit_solidarity(priority: int, solidarity: int, threshold_percent: Decimal) -> bool:
    return allows(priority, solidarity + 1, threshold_percent)


def solidarity_capacity(priority: int, solidarity: int, threshold_percent: Decimal) -> int:
    """How many more solidarity members the group can admit now (never negative)."""
    t = _fraction(threshold_percent)
    if t == 0:
        raise ValueError("a threshold of 0 % sets no limit")
    # p / (p + s) >= t  <=>  s <= p (1 - t) / t
    maximum = (priority * (1 - t)) / t
    return max(0, int(maximum) - solidarity) if maximum >= 0 else 0


def priority_needed(priority: int, solidarity: int, threshold_percent: Decimal) -> int:
    """How many more priority members the group needs to reach the threshold."""
    t = _fraction(threshold_percent)
    if t >= 1:
        return 0 if solidarity == 0 else -1  # cannot be reached while solidarity members remain
    # p / (p + s) >= t  <=>  p >= t s / (1 - t)
    needed = t * solidarity / (1 - t)
    whole = -(-needed.numerator // needed.denominator)  # ceiling
    return max(0, whole - priority)
