"""The van's next visits at one stop, as the villages read them: dates with their times, where a cycle's
own date for the stop replaces the planned one. No Django here.

The tour's schedule (`dates.Schedule`) gives the planned dates, seasonal pauses left out; the run's
visits give each planned date its arrival and departure (minutes after midnight, by (week, weekday)
slot). A cycle may set its own date (and time, in its own words) for a stop: that date is a visit
whatever the schedule says (it is what the members were told), and it replaces the planned date it
stands for, the nearest planned date less than a week away (the earlier one on a tie), so that moving
Tuesday's visit to Thursday does not show both.
"""

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import MonthDay, Schedule, in_pause, slot_of, stop_dates

REPLACES_WITHIN_DAYS = 6  # a cycle's date stands for a planned date at most this many days away
SEARCH_AFTER_PAUSE_DAYS = 400  # how far to look for the first visit after a pause (over a year)


@dataclass(frozen=True)
class CycleDate:
    """A cycle's own date for the stop, with the time as the coordinator typed it ("" when none)."""

    day: date
    time_text: str = ""


@dataclass(frozen=True)
class Visit:
    day: date
    arrival: int | None = None  # minutes after midnight
    departure: int | None = None
    time_text: str = ""  # a cycle's time typed in words that are not hours, shown as typed
    from_cycle: bool = False


_HOUR = r"(\d{1,2})\s*(?:h|H|:)\s*(\d{2})?"
_HOURS = re.compile(rf"^\s*(?:de\s+)?{_HOUR}\s*(?:-|–|à|a|to)?\s*(?:{_HOUR})?\s*$")


def parse_hours(text: str) -> tuple[int, int | None] | None:
    """A cycle's typed time as minutes after midnight: "14h-15h30", "14 h 30 à 16 h", "9:30" ->
    (start, end or None); None when it is not hours ("après la messe"), which is then shown as typed."""
    found = _HOURS.match(text or "")
    if not found:
        return None
    hour, minutes, end_hour, end_minutes = found.groups()
    if any(part and int(part) > 59 for part in (minutes, end_minutes)):
        return None
    start = int(hour) * 60 + int(minutes or 0)
    end = int(end_hour) * 60 + int(end_minutes or 0) if end_hour else None
    if start >= 24 * 60 or (end is not None and (end >= 24 * 60 or end <= start)):
        return None
    return start, end


def as_told(arrival: int, departure: int) -> tuple[int, int]:
    """The solver's minutes as a village is told them: the arrival to the five minutes below, the
    departure to the five minutes above (8:33-10:03 is told 8 h 30 - 10 h 05): the van is never
    announced later than it comes, nor leaving before it does."""
    return arrival // 5 * 5, -(-departure // 5) * 5


def _planned(schedule: Schedule, stop: Hashable, times: dict, day: date) -> Visit:
    arrival, departure = times.get(slot_of(schedule, day), (None, None))
    return Visit(day, arrival, departure)


def stop_visits(schedule: Schedule, stop: Hashable, times: dict, cycle_dates: Iterable[CycleDate],
                start: date, end: date) -> list[Visit]:
    """The visits of `stop` from start to end (both included), in order of date.

    `times`: (week, weekday) -> (arrival, departure) of the stop's slots. `cycle_dates`: every cycle date
    of the stop near the window (those within REPLACES_WITHIN_DAYS of it matter); a cycle date with no
    time of its own keeps the time of the planned date it replaces, else of its own slot if it has one.
    """
    if end < start:
        return []
    # a cycle date that replaces a planned date of the window lies within one margin of it, and the
    # planned dates it is compared with within one more
    margin = timedelta(days=2 * REPLACES_WITHIN_DAYS)
    planned = stop_dates(schedule, stop, start - margin, end + margin)
    replaced: dict[date, Visit] = {}
    from_cycles: list[Visit] = []
    for cycle_date in sorted(set(cycle_dates), key=lambda c: (c.day, c.time_text)):
        near = [d for d in planned if abs((d - cycle_date.day).days) <= REPLACES_WITHIN_DAYS]
        standing_for = min(near, key=lambda d: (abs((d - cycle_date.day).days), d)) if near else None
        if standing_for is not None:
            replaced[standing_for] = _planned(schedule, stop, times, standing_for)
        if start <= cycle_date.day <= end:
            if cycle_date.time_text:
                hours = parse_hours(cycle_date.time_text)
                if hours is None:
                    from_cycles.append(Visit(cycle_date.day, time_text=cycle_date.time_text, from_cycle=True))
                else:
                    from_cycles.append(Visit(cycle_date.day, hours[0], hours[1], from_cycle=True))
                continue
            if standing_for is not None:
                source = replaced[standing_for]
            else:
                source = _planned(schedule, stop, times, cycle_date.day)
            from_cycles.append(Visit(cycle_date.day, source.arrival, source.departure, from_cycle=True))
    kept = [_planned(schedule, stop, times, d) for d in planned if start <= d <= end and d not in replaced]
    cycle_days = {v.day for v in from_cycles}
    kept = [v for v in kept if v.day not in cycle_days]  # the same day twice: the cycle's words win
    return sorted(kept + from_cycles, key=lambda v: (v.day, v.time_text))


def first_planned_after(schedule: Schedule, stop: Hashable, day: date) -> date | None:
    """The first planned date after `day` (a pause's end, typically), within about a year."""
    found = stop_dates(schedule, stop, day + timedelta(days=1), day + timedelta(days=SEARCH_AFTER_PAUSE_DAYS))
    return found[0] if found else None


def pause_touches(pause: tuple[MonthDay, MonthDay] | None, start: date, end: date) -> bool:
    """Whether a yearly pause covers at least one day from start to end."""
    if not pause:
        return False
    day = start
    while day <= end:
        if in_pause(day, pause):
            return True
        day += timedelta(days=1)
    return False
