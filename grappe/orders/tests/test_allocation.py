"""The pack and sharing rules: hand-checked examples, then Hypothesis properties."""

import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.orders.allocation import Increment, allocate, change_line, decrease, packs_to_order

# --- packs_to_order: examples ---------------------------------------------------------------------


def test_fill_counts_the_full_packs_the_quantity_fills():
    assert packs_to_order(D("25"), D("60"), D("0")) == 2


def test_fill_adds_a_pack_when_remainder_and_tolerance_reach_it():
    assert packs_to_order(D("25"), D("60"), D("15")) == 3


def test_fill_does_not_add_a_pack_when_remainder_and_tolerance_fall_short():
    assert packs_to_order(D("25"), D("60"), D("14")) == 2


def test_tolerance_alone_never_starts_a_pack():
    assert packs_to_order(D("6"), D("0"), D("12")) == 0


def test_tolerance_never_adds_a_second_pack():
    assert packs_to_order(D("6"), D("1"), D("50")) == 1


def test_exact_multiple_needs_no_tolerance():
    assert packs_to_order(D("12"), D("24"), D("11")) == 2


def test_up_buys_the_last_partial_pack_and_down_never_does():
    assert packs_to_order(D("25"), D("51"), D("0"), rounding="up") == 3
    assert packs_to_order(D("25"), D("74"), D("100"), rounding="down") == 2


def test_minimum_not_reached_even_with_tolerance_buys_nothing():
    assert packs_to_order(D("10"), D("25"), D("4"), minimum_packs=3) == 0


def test_minimum_reached_with_tolerance_buys_the_minimum():
    assert packs_to_order(D("10"), D("25"), D("5"), minimum_packs=3) == 3


def test_minimum_reached_by_quantity_applies_the_usual_rounding():
    assert packs_to_order(D("10"), D("43"), D("7"), minimum_packs=3) == 5
    assert packs_to_order(D("10"), D("43"), D("6"), minimum_packs=3) == 4


def test_product_without_packs_is_ordered_as_the_exact_quantity():
    assert packs_to_order(None, D("12.350"), D("3")) == D("12.350")


def test_unknown_rounding_is_refused():
    with pytest.raises(ValueError):
        packs_to_order(D("6"), D("1"), D("0"), rounding="nearest")


# --- allocate: examples ---------------------------------------------------------------------------


def foodsoft_example():
    # A carton of 6; Anna orders 2 (would take 1 more), Bruno 3 (2 more), Chloé 2.
    return [
        Increment("anna", D("2"), D("1"), 1),
        Increment("bruno", D("3"), D("2"), 2),
        Increment("chloe", D("2"), D("0"), 3),
    ]


def test_foodsoft_example_buys_one_carton_and_serves_in_order_of_arrival():
    increments = foodsoft_example()
    packs = packs_to_order(D("6"), D("7"), D("3"))
    assert packs == 1
    assert allocate(packs * 6, increments, "fifo") == {"anna": D("2"), "bruno": D("3"), "chloe": D("1")}


def test_fifo_second_pass_fills_tolerances_in_order():
    increments = foodsoft_example()
    # 12 available: every quantity (7) then tolerances in order: Anna +1, Bruno +2, 2 left over.
    assert allocate(D("12"), increments, "fifo") == {"anna": D("3"), "bruno": D("5"), "chloe": D("2")}


def test_fair_fills_level_by_level_in_steps():
    increments = [
        Increment("a", D("1"), D("0"), 1),
        Increment("b", D("5"), D("0"), 2),
        Increment("c", D("8"), D("0"), 3),
    ]
    # 10 units: level 1 (a, b, c: 3), a is served; then b and c share: 1+4+4 = 9, one more to b (tie order).
    assert allocate(D("10"), increments, "fair") == {"a": D("1"), "b": D("5"), "c": D("4")}
    assert allocate(D("9"), increments, "fair") == {"a": D("1"), "b": D("4"), "c": D("4")}


def test_fair_uses_the_products_step():
    increments = [Increment("a", D("2.5"), D("0"), 1), Increment("b", D("2.5"), D("0"), 2)]
    assert allocate(D("3"), increments, "fair", step=D("0.5")) == {"a": D("1.5"), "b": D("1.5")}
    assert allocate(D("2.5"), increments, "fair", step=D("0.5")) == {"a": D("1.5"), "b": D("1.0")}


def test_fair_serves_priority_members_first_by_default():
    increments = [
        Increment("solidaire", D("4"), D("0"), 1, priority=False),
        Increment("prioritaire", D("4"), D("0"), 2, priority=True),
    ]
    assert allocate(D("5"), increments, "fair", step=D("1")) == {"solidaire": D("1"), "prioritaire": D("4")}


def test_fair_without_priority_first_shares_equally():
    increments = [
        Increment("solidaire", D("4"), D("0"), 1, priority=False),
        Increment("prioritaire", D("4"), D("0"), 2, priority=True),
    ]
    assert allocate(D("5"), increments, "fair", priority_first=False) == {"solidaire": D("3"), "prioritaire": D("2")}


def test_fair_serves_tolerances_after_every_quantity():
    increments = [
        Increment("a", D("2"), D("4"), 1, priority=True),
        Increment("b", D("2"), D("0"), 2, priority=False),
    ]
    assert allocate(D("5"), increments, "fair") == {"a": D("3"), "b": D("2")}


def test_fair_breaks_ties_by_sequence_not_by_name():
    increments = [Increment("zoe", D("3"), D("0"), 1), Increment("adam", D("3"), D("0"), 2)]
    assert allocate(D("5"), increments, "fair") == {"zoe": D("3"), "adam": D("2")}
    later = [Increment("zoe", D("3"), D("0"), 7), Increment("adam", D("3"), D("0"), 2)]
    assert allocate(D("5"), later, "fair") == {"zoe": D("2"), "adam": D("3")}


def test_a_members_place_is_their_earliest_increment():
    increments = [
        Increment("a", D("1"), D("0"), 1), Increment("b", D("2"), D("0"), 2), Increment("a", D("1"), D("0"), 3),
    ]
    assert allocate(D("3"), increments, "fair") == {"a": D("2"), "b": D("1")}


def test_every_member_appears_even_with_nothing_available():
    assert allocate(D("0"), foodsoft_example(), "fair") == {"anna": 0, "bruno": 0, "chloe": 0}


def test_strategy_is_positional_and_checked():
    assert allocate(D("1"), [Increment("a", D("1"), D("0"), 1)], "fifo") == {"a": D("1")}
    with pytest.raises(ValueError):
        allocate(D("1"), [], "random")
    with pytest.raises(ValueError):
        allocate(D("1"), [], "fair", step=D("0"))


# --- the decrease rule ----------------------------------------------------------------------------


def test_decrease_takes_from_the_newest_increments_first():
    increments = [Increment("a", D("2"), D("1"), 1), Increment("a", D("3"), D("1"), 5)]
    assert decrease(increments, quantity=D("4"), tolerance=D("1")) == [Increment("a", D("1"), D("1"), 1)]


def test_decrease_keeps_the_earliest_place():
    mine = decrease([Increment("a", D("1"), D("0"), 1), Increment("a", D("5"), D("0"), 9)], quantity=D("5"))
    other = [Increment("b", D("1"), D("0"), 2)]
    assert allocate(D("1"), mine + other, "fifo") == {"a": D("1"), "b": D("0")}


def test_decrease_cannot_take_more_than_ordered():
    with pytest.raises(ValueError):
        decrease([Increment("a", D("1"), D("0"), 1)], quantity=D("2"))


def test_change_line_adds_one_increment_for_an_increase():
    line = change_line([Increment("a", D("1"), D("0"), 1)], D("3"), D("1"), 4)
    assert line == [Increment("a", D("1"), D("0"), 1), Increment("a", D("2"), D("1"), 4)]


def test_change_line_refuses_a_sequence_that_does_not_increase():
    with pytest.raises(ValueError):
        change_line([Increment("a", D("1"), D("0"), 4)], D("3"), D("0"), 4)


def test_change_line_mixes_a_decrease_and_an_increase():
    line = [Increment("a", D("2"), D("2"), 1), Increment("a", D("1"), D("1"), 2)]
    # tolerance 3 -> 1 is taken from the newest first; quantity 3 -> 4 is one new increment
    assert change_line(line, D("4"), D("1"), 3) == [
        Increment("a", D("2"), D("1"), 1), Increment("a", D("1"), D("0"), 2), Increment("a", D("1"), D("0"), 3)]


# --- properties -----------------------------------------------------------------------------------

STEPS = [D("1"), D("0.5"), D("0.25"), D("2")]


@st.composite
def orders(draw):
    step = draw(st.sampled_from(STEPS))
    count = draw(st.integers(min_value=0, max_value=25))
    sequences = draw(st.lists(st.integers(min_value=1, max_value=10_000), min_size=count, max_size=count,
                              unique=True))
    increments = []
    for sequence in sequences:
        member = draw(st.integers(min_value=0, max_value=8))
        quantity = draw(st.integers(min_value=0, max_value=20)) * step
        tolerance = draw(st.integers(min_value=0, max_value=6)) * step
        increments.append(Increment(member, quantity, tolerance, sequence, priority=member % 3 == 0))
    available = draw(st.integers(min_value=0, max_value=400)) * step / draw(st.sampled_from([1, 1, 1, 4]))
    return step, increments, available


def per_member(increments, field):
    totals = {}
    for inc in increments:
        totals[inc.member] = totals.get(inc.member, D(0)) + getattr(inc, field)
    return totals


STRATEGIES = ["fifo", "fair"]


@settings(max_examples=300, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES), st.booleans())
def test_never_more_than_available_in_total(data, strategy, priority_first):
    step, increments, available = data
    result = allocate(available, increments, strategy, step=step, priority_first=priority_first)
    assert sum(result.values(), D(0)) <= available


@settings(max_examples=300, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES), st.booleans())
def test_never_more_than_quantity_plus_tolerance_for_anyone(data, strategy, priority_first):
    step, increments, available = data
    result = allocate(available, increments, strategy, step=step, priority_first=priority_first)
    quantity, tolerance = per_member(increments, "quantity"), per_member(increments, "tolerance")
    for member, got in result.items():
        assert D(0) <= got <= quantity[member] + tolerance[member]


@settings(max_examples=300, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES), st.booleans())
def test_every_quantity_is_served_in_full_when_available_covers_it(data, strategy, priority_first):
    step, increments, available = data
    quantity = per_member(increments, "quantity")
    available = max(available, sum(quantity.values(), D(0)))
    result = allocate(available, increments, strategy, step=step, priority_first=priority_first)
    for member, wanted in quantity.items():
        assert result[member] >= wanted


@settings(max_examples=300, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES))
def test_nothing_is_left_over_while_someone_still_wants_more(data, strategy):
    step, increments, available = data
    result = allocate(available, increments, strategy, step=step)
    wanted = sum(per_member(increments, "quantity").values(), D(0)) + sum(
        per_member(increments, "tolerance").values(), D(0))
    given = sum(result.values(), D(0))
    # what stays undistributed while someone wants more is less than a step (it goes to stock)
    assert given <= min(available, wanted) < given + step


@settings(max_examples=300, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES))
def test_a_leftover_below_the_step_is_given_to_nobody(data, strategy):
    """Requests in whole steps get whole steps: the result is the one for the available amount rounded
    down to a whole number of steps (a crumb of 0.2 kg with a 0.5 kg step is not handed out)."""
    step, increments, available = data
    result = allocate(available, increments, strategy, step=step)
    assert all(amount % step == 0 for amount in result.values())
    whole = (available // step) * step
    assert result == allocate(whole, increments, strategy, step=step)
    if available < step:
        assert not any(result.values())


@settings(max_examples=300, deadline=None)
@given(orders())
def test_fair_two_members_still_missing_never_differ_by_more_than_one_step(data):
    step, increments, available = data
    result = allocate(available, increments, "fair", step=step, priority_first=False)
    quantity = per_member(increments, "quantity")
    missing = [m for m in result if result[m] < quantity[m]]
    for a in missing:
        for b in missing:
            assert abs(result[a] - result[b]) <= step


@settings(max_examples=300, deadline=None)
@given(orders())
def test_fair_with_priority_first_levels_within_each_category(data):
    step, increments, available = data
    result = allocate(available, increments, "fair", step=step)
    quantity = per_member(increments, "quantity")
    priority = {inc.member: inc.priority for inc in increments}
    missing = [m for m in result if result[m] < quantity[m]]
    for a in missing:
        for b in missing:
            if priority[a] == priority[b]:
                assert abs(result[a] - result[b]) <= step
    # and a solidarity member only gets something once every priority quantity is served
    if any(priority[m] for m in missing):
        assert all(result[m] == 0 for m in result if not priority[m])


@settings(max_examples=200, deadline=None)
@given(orders(), st.sampled_from(STRATEGIES), st.randoms(use_true_random=False))
def test_result_is_deterministic_whatever_the_input_order(data, strategy, rnd):
    step, increments, available = data
    shuffled = list(increments)
    rnd.shuffle(shuffled)
    assert allocate(available, increments, strategy, step=step) == allocate(available, shuffled, strategy, step=step)


def level_by_level(available, increments, step):
    """The naive fair rule, one round at a time (reference for the fast one), no priority."""
    totals = {}
    place = {}
    for inc in sorted(increments, key=lambda i: i.sequence):
        totals[inc.member] = totals.get(inc.member, D(0)) + inc.quantity
        if inc.quantity > 0:
            place.setdefault(inc.member, inc.sequence)
    got = {m: D(0) for m in totals}
    left = available
    order = sorted((m for m in totals if totals[m] > 0), key=lambda m: place[m])
    progress = True
    while progress:
        progress = False
        for m in order:
            extra = min(step, totals[m] - got[m])
            if 0 < extra <= left:  # a crumb below the step is given to nobody
                got[m] += extra
                left -= extra
                progress = True
    return got


@settings(max_examples=300, deadline=None)
@given(orders())
def test_fair_quantities_match_the_naive_level_by_level_rule(data):
    step, increments, available = data
    quantity_only = [Increment(i.member, i.quantity, D(0), i.sequence) for i in increments]
    assert allocate(available, quantity_only, "fair", step=step, priority_first=False) == level_by_level(
        available, quantity_only, step)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 5)), min_size=1, max_size=6),
       st.integers(0, 40), st.integers(0, 20))
def test_decrease_only_touches_the_newest_and_removes_exactly(parts, take_q, take_t):
    increments = [Increment("a", D(q), D(t), n + 1) for n, (q, t) in enumerate(parts)]
    total_q, total_t = sum(D(q) for q, _ in parts), sum(D(t) for _, t in parts)
    take_q, take_t = min(D(take_q), total_q), min(D(take_t), total_t)
    after = decrease(increments, quantity=take_q, tolerance=take_t)
    assert sum((i.quantity for i in after), D(0)) == total_q - take_q
    assert sum((i.tolerance for i in after), D(0)) == total_t - take_t
    # what remains is the oldest part of the line: each increment keeps its amount in sequence order
    # until the remaining total is used up (a prefix fill), so the member keeps their earliest place
    left = {i.sequence: i for i in after}
    for field, remaining in (("quantity", total_q - take_q), ("tolerance", total_t - take_t)):
        for inc in increments:
            expected = min(getattr(inc, field), max(remaining, D(0)))
            remaining -= getattr(inc, field)
            kept = getattr(left[inc.sequence], field) if inc.sequence in left else D(0)
            assert kept == expected


@settings(max_examples=100, deadline=None)
@given(orders())
def test_packs_from_fill_never_exceed_what_quantity_and_tolerance_can_take(data):
    step, increments, _ = data
    quantity = sum((i.quantity for i in increments), D(0))
    tolerance = sum((i.tolerance for i in increments), D(0))
    pack = random.Random(len(increments)).choice([D("1"), D("6"), D("12.5"), D("25")])
    packs = packs_to_order(pack, quantity, tolerance)
    assert packs * pack <= quantity + tolerance
    assert (packs + 1) * pack > quantity  # every full pack the quantity fills is bought
