"""Rota slots that overlap for one person (issue 17): a volunteer cannot weigh and hold the till at
once. Pure: no Django.

A slot is (id, person, start, end) in minutes since midnight; a slot without end lasts one minute
(it starts then); a slot without start or person is never in conflict. Two slots of one person
overlap when their half-open intervals [start, end) meet.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import NamedTuple


class Slot(NamedTuple):
    id: Hashable
    person: Hashable | None
    start: int | None
    end: int | None


def overlapping(slots: Iterable[Slot]) -> set:
    """The ids of the slots that overlap another slot of the same person."""
    by_person: dict = defaultdict(list)
    for slot in slots:
        if slot.person is None or slot.start is None:
            continue
        end = slot.end if slot.end is not None and slot.end > slot.start else slot.start + 1
        by_person[slot.person].append((slot.start, end, slot.id))
    found: set = set()
    for intervals in by_person.values():
        intervals.sort(key=lambda interval: (interval[0], interval[1]))
        # sweep: the slot reaching furthest so far; a start before that end is a conflict with it
        reach_end, reach_id = None, None
        for start, end, slot_id in intervals:
            if reach_end is not None and start < reach_end:
                found.update((slot_id, reach_id))
            if reach_end is None or end > reach_end:
                reach_end, reach_id = end, slot_id
    return found
