"""The villages' next visits (grappe/tours/visits.py), against a reference written apart: planned dates
from day numbers and pauses as real date ranges, then each cycle date replacing the nearest planned date
less than a week away."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from grappe.tours.dates import Schedule
from grappe.tours.visits import (
    CycleDate,
    Visit,
    as_told,
    first_planned_after,
    parse_hours,
    pause_touches,
    stop_visits,
)

MONDAY = date(2026, 4, 6)
TUESDAY_MORNING = {(week, 1): (9 * 60 + 30, 11 * 60) for week in range(4)}


def weekly_tuesdays(pause=None) -> Schedule:
    return Schedule(period_start=MONDAY, slots={"luc": tuple(TUESDAY_MORNING)}, pauses={"luc": pause} if pause else {})


def test_planned_visits_carry_the_runs_hours():
    found = stop_visits(weekly_tuesdays(), "luc", TUESDAY_MORNING, [], date(2026, 4, 6), date(2026, 4, 20))
    assert found == [Visit(date(2026, 4, 7), 570, 660), Visit(date(2026, 4, 14), 570, 660)]


def test_a_pause_over_the_new_year_leaves_out_its_days_both_sides():
    schedule = weekly_tuesdays(((12, 15), (3, 15)))
    found = [v.day for v in stop_visits(schedule, "luc", TUESDAY_MORNING, [], date(2026, 12, 1), date(2027, 3, 31))]
    assert found == [date(2026, 12, 1), date(2026, 12, 8), date(2027, 3, 16), date(2027, 3, 23), date(2027, 3, 30)]
    assert pause_touches(((12, 15), (3, 15)), date(2026, 12, 1), date(2026, 12, 14)) is False
    assert pause_touches(((12, 15), (3, 15)), date(2026, 12, 1), date(2026, 12, 15)) is True
    assert first_planned_after(schedule, "luc", date(2027, 1, 26)) == date(2027, 3, 16)


def test_a_cycle_date_replaces_the_nearest_planned_one_and_keeps_its_hours():
    moved = CycleDate(date(2026, 4, 16))  # Thursday instead of Tuesday 14 April
    found = stop_visits(weekly_tuesdays(), "luc", TUESDAY_MORNING, [moved], date(2026, 4, 6), date(2026, 4, 26))
    assert found == [Visit(date(2026, 4, 7), 570, 660), Visit(date(2026, 4, 16), 570, 660, from_cycle=True),
                     Visit(date(2026, 4, 21), 570, 660)]


def test_a_cycle_time_wins_and_words_that_are_not_hours_are_kept_as_typed():
    dates_ = [CycleDate(date(2026, 4, 7), "14h-15h30"), CycleDate(date(2026, 4, 14), "après le marché")]
    found = stop_visits(weekly_tuesdays(), "luc", TUESDAY_MORNING, dates_, date(2026, 4, 6), date(2026, 4, 19))
    assert found == [Visit(date(2026, 4, 7), 840, 930, from_cycle=True),
                     Visit(date(2026, 4, 14), time_text="après le marché", from_cycle=True)]


def test_a_cycle_date_in_the_pause_is_a_visit_all_the_same():
    schedule = weekly_tuesdays(((12, 15), (3, 15)))
    found = stop_visits(schedule, "luc", TUESDAY_MORNING, [CycleDate(date(2027, 1, 12), "10 h")],
                        date(2027, 1, 1), date(2027, 1, 31))
    assert found == [Visit(date(2027, 1, 12), 600, None, from_cycle=True)]


def test_a_cycle_date_outside_the_window_still_takes_away_the_planned_date_it_moved():
    found = stop_visits(weekly_tuesdays(), "luc", TUESDAY_MORNING, [CycleDate(date(2026, 4, 23))],
                        date(2026, 4, 6), date(2026, 4, 21))
    assert [v.day for v in found] == [date(2026, 4, 7), date(2026, 4, 14)]  # the 21st moved to the 23rd


def test_a_cycle_date_just_after_the_window_stands_for_the_nearer_date_beyond_it():
    # Saturday 25 April is nearer Tuesday 28 (3 days) than Tuesday 21 (4 days): the 21st stays
    found = stop_visits(weekly_tuesdays(), "luc", TUESDAY_MORNING, [CycleDate(date(2026, 4, 25))],
                        date(2026, 4, 6), date(2026, 4, 21))
    assert [v.day for v in found] == [date(2026, 4, 7), date(2026, 4, 14), date(2026, 4, 21)]


def test_typed_hours_are_read_or_left_alone():
    assert parse_hours("14h-15h30") == (840, 930)
    assert parse_hours("de 9 h 30 à 11 h") == (570, 660)
    assert parse_hours("16:30") == (990, None)
    for words in ("", "après la messe", "25h", "14h70", "15h-14h"):
        assert parse_hours(words) is None, words


# --- Property: any schedule, pause and cycle dates, against the reference -------------------------

def reference_visits(period_start, weeks, times, pause, cycle_dates, start, end):
    def paused(day):
        if pause is None:
            return False
        (sm, sd), (em, ed) = pause
        for year in (day.year - 1, day.year):
            first = date(year, sm, sd)
            last = date(year if (em, ed) >= (sm, sd) else year + 1, em, ed)
            if first <= day <= last:
                return True
        return False

    def slot(day):
        return ((day.toordinal() - period_start.toordinal()) // 7) % weeks, day.weekday()

    def planned(day):
        return slot(day) in times and not paused(day)

    around = [start + timedelta(days=n) for n in range(-20, (end - start).days + 21)]
    planned_days = [d for d in around if planned(d)]
    replaced = {}
    for cycle in cycle_dates:
        near = sorted((abs((d - cycle.day).days), d) for d in planned_days if abs((d - cycle.day).days) <= 6)
        if near:
            replaced[cycle.day] = near[0][1]
    out = {}
    for d in planned_days:
        if start <= d <= end and d not in replaced.values():
            out[d] = (times[slot(d)], "", False)
    for cycle in cycle_dates:
        if not start <= cycle.day <= end:
            continue
        if cycle.time_text:
            hours = parse_hours(cycle.time_text)
            out[cycle.day] = (hours, "", True) if hours else ((None, None), cycle.time_text, True)
        elif cycle.day in replaced:
            out[cycle.day] = (times[slot(replaced[cycle.day])], "", True)
        else:
            out[cycle.day] = (times.get(slot(cycle.day), (None, None)), "", True)
    return [Visit(day, hours[0], hours[1], text, cycle) for day, (hours, text, cycle) in sorted(out.items())]


month_days = st.tuples(st.integers(1, 12), st.integers(1, 28))


@st.composite
def cases(draw):
    weeks = draw(st.integers(1, 4))
    period_start = MONDAY + timedelta(weeks=draw(st.integers(-60, 60)))
    slots = draw(st.sets(st.tuples(st.integers(0, weeks - 1), st.integers(0, 5)), min_size=1, max_size=6))
    times = {s: (8 * 60 + 15 * i, 9 * 60 + 15 * i) for i, s in enumerate(sorted(slots))}
    pause = draw(st.none() | st.tuples(month_days, month_days))
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 800)))
    end = start + timedelta(days=draw(st.integers(0, 70)))
    texts = st.sampled_from(["", "", "14h-15h30", "10 h", "après le marché"])
    days = draw(st.sets(st.integers(-20, 90), max_size=5))
    cycle_dates = [CycleDate(start + timedelta(days=n), draw(texts)) for n in sorted(days)]
    return period_start, weeks, times, pause, cycle_dates, start, end


@given(cases())
def test_next_visits_match_the_reference(case):
    period_start, weeks, times, pause, cycle_dates, start, end = case
    schedule = Schedule(period_start=period_start, slots={"s": tuple(times)}, pauses={"s": pause} if pause else {},
                        weeks=weeks)
    found = stop_visits(schedule, "s", times, cycle_dates, start, end)
    assert found == reference_visits(period_start, weeks, times, pause, cycle_dates, start, end)
    assert all(start <= v.day <= end for v in found)
    assert [v.day for v in found] == sorted({v.day for v in found})


@given(st.integers(0, 24 * 60 - 1), st.integers(0, 24 * 60 - 1))
def test_a_village_is_told_times_to_five_minutes_never_later_in_nor_earlier_out(a, b):
    arrival, departure = min(a, b), max(a, b)
    told_in, told_out = as_told(arrival, departure)
    assert told_in % 5 == 0 and told_out % 5 == 0
    assert arrival - 5 < told_in <= arrival
    assert departure <= told_out < departure + 5
