from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.tours.dates import Schedule, next_monday, slot_of, stop_dates, stops_on

START = date(2026, 4, 6)  # a Monday


def test_a_fortnightly_stop_is_served_every_other_week():
    schedule = Schedule(START, slots={"luc": ((0, 1), (2, 1))})
    assert stop_dates(schedule, "luc", date(2026, 4, 1), date(2026, 5, 10)) == [
        date(2026, 4, 7), date(2026, 4, 21), date(2026, 5, 5)]


def test_a_seasonal_pause_over_the_new_year_skips_its_dates():
    schedule = Schedule(START, slots={"col": ((0, 3), (1, 3), (2, 3), (3, 3))}, pauses={"col": ((12, 15), (3, 15))})
    served = stop_dates(schedule, "col", date(2026, 12, 1), date(2027, 3, 31))
    assert date(2026, 12, 10) in served
    assert not [d for d in served if date(2026, 12, 15) <= d <= date(2027, 3, 15)]
    assert date(2027, 3, 18) in served


def test_dates_before_the_cycle_start_follow_the_same_rhythm():
    schedule = Schedule(START, slots={"a": ((3, 0),)})
    assert slot_of(schedule, date(2026, 3, 30)) == (3, 0)
    assert stop_dates(schedule, "a", date(2026, 3, 25), date(2026, 4, 1)) == [date(2026, 3, 30)]


def test_an_unknown_stop_has_no_date_and_the_start_must_be_a_monday():
    assert stop_dates(Schedule(START), "nowhere", START, date(2026, 12, 31)) == []
    with pytest.raises(ValueError):
        Schedule(date(2026, 4, 7))


def test_stops_on_lists_the_stops_of_a_day():
    schedule = Schedule(START, slots={"a": ((0, 1),), "b": ((0, 1), (1, 1)), "c": ((1, 3),)})
    assert stops_on(schedule, date(2026, 4, 7)) == ["a", "b"]
    assert stops_on(schedule, date(2026, 4, 14)) == ["b"]


@given(st.sets(st.tuples(st.integers(0, 3), st.integers(0, 6)), min_size=1),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 120))
def test_stop_dates_fall_on_the_stops_slots_in_order(slots, start, days):
    schedule = Schedule(START, slots={"s": tuple(slots)})
    end = date.fromordinal(start.toordinal() + days)
    served = stop_dates(schedule, "s", start, end)
    assert served == sorted(served)
    assert all(start <= d <= end and slot_of(schedule, d) in slots for d in served)
    assert next_monday(start).weekday() == 0
