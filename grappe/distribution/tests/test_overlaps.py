"""Overlapping rota slots of one person, against a brute-force reference (issue 17)."""

from hypothesis import given
from hypothesis import strategies as st

from grappe.distribution.overlaps import Slot, overlapping

MINUTES = st.one_of(st.none(), st.integers(min_value=0, max_value=24 * 60))


@st.composite
def slot_lists(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    return [Slot(index, draw(st.sampled_from([None, "a", "b", "c"])), draw(MINUTES), draw(MINUTES))
            for index in range(count)]


def reference(slots):
    def span(slot):
        end = slot.end if slot.end is not None and slot.end > slot.start else slot.start + 1
        return set(range(slot.start, end))

    timed = [slot for slot in slots if slot.person is not None and slot.start is not None]
    return {one.id for one in timed for two in timed
            if one.id != two.id and one.person == two.person and span(one) & span(two)}


@given(slot_lists())
def test_overlapping_matches_the_brute_force_reference(slots):
    assert overlapping(slots) == reference(slots)


def test_examples():
    assert overlapping([Slot(1, "a", 600, 720), Slot(2, "a", 700, 800), Slot(3, "b", 600, 720)]) == {1, 2}
    assert overlapping([Slot(1, "a", 600, 720), Slot(2, "a", 720, 800)]) == set()  # back to back
    assert overlapping([Slot(1, "a", 600, None), Slot(2, "a", 540, 660)]) == {1, 2}
