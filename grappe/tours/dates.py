"""The dates a stop is served, from a four-week schedule. No Django here.

A schedule repeats every `weeks` weeks from `period_start` (a Monday): week 0 is the first week.
Each stop has its slots, (week, weekday) pairs with weekday 0 = Monday, and may have a seasonal pause
that repeats every year (month and day only; it may run over the new year, e.g. 15 Dec to 15 Mar).
`stop_dates(...)` gives the dates of a stop between two days (the tour page).
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta

MonthDay = tuple[int, int]


@dataclass(frozen=True)
class Schedule:
    period_start: date
    slots: dict = field(default_factory=dict)  # stop key -> tuple of (week, weekday)
    pauses: dict = field(default_factory=dict)  # stop key -> (MonthDay, MonthDay)
    weeks: int = 4

    def __post_init__(self) -> None:
        if self.period_start.weekday() != 0:
            raise ValueError("period_start must be a Monday")
        if self.weeks < 1:
            raise ValueError("weeks must be at least 1")


def in_pause(day: date, pause: tuple[MonthDay, MonthDay] | None) -> bool:
    if not pause:
        return False
    start, end = pause
    current = (day.month, day.day)
    return start <= current <= end if start <= end else current >= start or current <= end


def slot_of(schedule: Schedule, day: date) -> tuple[int, int]:
    """(week in the cycle, weekday) of a date; dates before period_start count backwards."""
    weeks_since = (day - schedule.period_start).days // 7
    return weeks_since % schedule.weeks, day.weekday()


def stops_on(schedule: Schedule, day: date) -> list:
    slot = slot_of(schedule, day)
    return [key for key, slots in schedule.slots.items()
            if slot in slots and not in_pause(day, schedule.pauses.get(key))]


def stop_dates(schedule: Schedule, stop: Hashable, start: date, end: date) -> list[date]:
    """Every date from start to end (both included) on which the van serves `stop`, in order."""
    slots = set(schedule.slots.get(stop, ()))
    if not slots or end < start:
        return []
    pause = schedule.pauses.get(stop)
    out = []
    day = start
    while day <= end:
        if slot_of(schedule, day) in slots and not in_pause(day, pause):
            out.append(day)
        day += timedelta(days=1)
    return out


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)
