"""pack_progress: what the pack count packs_to_order gives means for an open cycle's page. The pack
count is never recomputed: these properties check the figures against packs_to_order itself."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.orders.allocation import ROUNDINGS, pack_progress, packs_to_order

HALF = D("0.5")


def test_a_pack_filled_by_the_extras():
    # 34 kg firm of 25 kg sacks, 18 kg "up to" more: two sacks, 16 kg of them to the extras
    progress = pack_progress(D("25"), D("34"), D("18"), packs_to_order(D("25"), D("34"), D("18")))
    assert (progress.bought, progress.short, progress.from_extras, progress.surplus) == (50, 0, 16, 0)


def test_what_is_missing_for_the_next_pack():
    progress = pack_progress(D("25"), D("35"), D("5"), packs_to_order(D("25"), D("35"), D("5")))
    assert (progress.bought, progress.short, progress.next_packs, progress.missing) == (25, 10, 2, 15)


def test_the_minimum_packs_is_the_next_step():
    packs = packs_to_order(D("10"), D("12"), D("3"), minimum_packs=3)
    progress = pack_progress(D("10"), D("12"), D("3"), packs, minimum_packs=3)
    assert (packs, progress.short, progress.next_packs, progress.missing) == (0, 12, 3, 18)


def test_without_packs_the_exact_quantity():
    progress = pack_progress(None, D("7.5"), D("0"), packs_to_order(None, D("7.5"), D("0")))
    assert (progress.bought, progress.short, progress.missing, progress.surplus) == (D("7.5"), 0, 0, 0)


@settings(max_examples=400, deadline=None)
@given(pack_size=st.integers(min_value=1, max_value=30), quantity=st.integers(min_value=0, max_value=200),
       tolerance=st.integers(min_value=0, max_value=60), minimum=st.sampled_from([None, 1, 2, 5]),
       rounding=st.sampled_from(ROUNDINGS))
def test_the_figures_agree_with_packs_to_order(pack_size, quantity, tolerance, minimum, rounding):
    size, quantity, tolerance = D(pack_size) * HALF, D(quantity) * HALF, D(tolerance) * HALF
    packs = packs_to_order(size, quantity, tolerance, minimum, rounding)
    progress = pack_progress(size, quantity, tolerance, packs, minimum)
    # what is bought goes to the firm quantity, then to the extras, then to stock
    assert progress.bought == packs * size
    assert progress.bought + progress.short == quantity + progress.from_extras + progress.surplus
    assert 0 <= progress.from_extras <= tolerance
    assert progress.surplus == 0 or progress.from_extras == tolerance
    if progress.short:
        assert progress.surplus == 0 and progress.from_extras == 0
        # ordering the missing quantity firm buys exactly the next pack count (the rule itself says so)
        assert packs_to_order(size, quantity + progress.missing, D("0"), minimum, rounding) == progress.next_packs
        assert progress.missing > 0
        if rounding == "fill":  # the fill rule buys a pack as soon as the extras reach it: they did not
            assert progress.missing > tolerance
    else:
        assert progress.missing == 0
