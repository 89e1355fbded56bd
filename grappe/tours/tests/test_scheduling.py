"""Stops assigned to the days of a four-week period: frequency, weekday, pauses, day length."""

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.tours.routing import DayRules
from grappe.tours.scheduling import StopSpec, frequency_weeks, plan_period

NINE, FIVE = 9 * 60, 17 * 60
MON, TUE, WED, THU, FRI = range(5)


def rules(capacity=500, **more):
    """The rules of every working day: 9:00 to 17:00, 500 kg, no break unless told."""
    return DayRules(day_start=NINE, day_end=FIVE, capacity_kg=capacity, **more)


def grid(points):
    """Depot at (0, 0) then the points (km); 1 km = 1 minute, Manhattan roads."""
    places = [(0, 0), *points]
    distance = [[1000 * (abs(a[0] - b[0]) + abs(a[1] - b[1])) for b in places] for a in places]
    duration = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in places] for a in places]
    return distance, duration


def visits_of(plan):
    """(key -> list of (week, weekday)) read from the planned routes themselves."""
    seen = {}
    for day in plan.days:
        for key in day.route.order:
            seen.setdefault(key, []).append((day.week, day.weekday))
    return seen


def test_frequency_weeks():
    assert frequency_weeks("weekly", 4) == [1, 2, 3, 4]
    assert frequency_weeks("fortnightly_even", 4) == [2, 4]
    assert frequency_weeks("fortnightly_odd", 4) == [1, 3]
    assert frequency_weeks("monthly", 4) == [1, 2, 3, 4]
    with pytest.raises(ValueError):
        StopSpec("x", "daily", 60)


def test_each_frequency_comes_the_right_number_of_times_on_one_weekday():
    stops = [
        StopSpec("weekly", "weekly", 60),
        StopSpec("even", "fortnightly_even", 60),
        StopSpec("odd", "fortnightly_odd", 60),
        StopSpec("monthly", "monthly", 60),
    ]
    distance, duration = grid([(5, 0), (6, 0), (7, 0), (8, 0)])
    plan = plan_period(stops, distance, duration, [TUE, THU], rules())
    seen = visits_of(plan)
    assert plan.unassigned == []
    assert len(seen["weekly"]) == 4
    assert sorted(w for w, _ in seen["even"]) == [2, 4]
    assert sorted(w for w, _ in seen["odd"]) == [1, 3]
    assert len(seen["monthly"]) == 1
    for key, dates in seen.items():
        assert len({weekday for _, weekday in dates}) == 1, key
        assert plan.schedule[key] == sorted(dates)
    assert len(plan.days) == 8  # 4 weeks x 2 working days, empty days included
    assert [(d.week, d.weekday) for d in plan.days[:3]] == [(1, TUE), (1, THU), (2, TUE)]


def test_paused_weeks_are_skipped_and_a_stop_paused_all_period_is_not_unassigned():
    stops = [
        StopSpec("winter", "weekly", 60, paused_weeks=frozenset({3, 4})),
        StopSpec("odd-paused", "fortnightly_odd", 60, paused_weeks=frozenset({1})),
        StopSpec("pass", "monthly", 60, paused_weeks=frozenset({1, 2, 3, 4})),
    ]
    distance, duration = grid([(5, 0), (6, 0), (7, 0)])
    plan = plan_period(stops, distance, duration, [MON], rules())
    seen = visits_of(plan)
    assert sorted(w for w, _ in seen["winter"]) == [1, 2]
    assert sorted(w for w, _ in seen["odd-paused"]) == [3]
    assert "pass" not in seen
    assert plan.paused == ["pass"] and plan.unassigned == []


def test_a_stop_too_far_for_one_day_is_reported_with_its_reason():
    stops = [StopSpec("near", "weekly", 60), StopSpec("far", "weekly", 60)]
    distance, duration = grid([(5, 0), (300, 0)])  # 10 h of driving there and back
    plan = plan_period(stops, distance, duration, [MON, THU], rules())
    assert plan.unassigned == ["far"]
    assert "far" in plan.reasons and plan.reasons["far"]
    assert plan.reason_codes == {"far": "day_length"}
    assert "far" not in visits_of(plan)
    assert len(visits_of(plan)["near"]) == 4


def test_a_load_above_the_van_capacity_is_reported():
    stops = [StopSpec("heavy", "weekly", 60, demand_kg=900)]
    distance, duration = grid([(5, 0)])
    plan = plan_period(stops, distance, duration, [MON], rules())
    assert plan.unassigned == ["heavy"]
    assert "capacity" in plan.reasons["heavy"]
    assert plan.reason_codes == {"heavy": "capacity"}


def test_a_window_outside_the_working_day_is_reported():
    stops = [StopSpec("night", "weekly", 60, window=(20 * 60, 21 * 60))]
    distance, duration = grid([(5, 0)])
    plan = plan_period(stops, distance, duration, [MON], rules())
    assert plan.reason_codes == {"night": "window"}


def test_days_never_exceed_their_length_and_overflow_moves_to_another_weekday():
    # Six weekly stops of 2 h: 12 h of service per week, a day holds three at most (with driving).
    stops = [StopSpec(f"s{i}", "weekly", 120) for i in range(6)]
    distance, duration = grid([(5, i) for i in range(6)])
    plan = plan_period(stops, distance, duration, [MON, WED, FRI], rules(break_minutes=45))
    assert plan.unassigned == []
    assert plan.feasible
    for day in plan.days:
        route = day.route
        assert route.feasible
        if route.order:
            assert NINE <= route.start and route.end <= FIVE
            assert route.minutes <= FIVE - NINE
    per_weekday = Counter(weekday for key, dates in plan.schedule.items() for _, weekday in dates[:1])
    assert max(per_weekday.values()) <= 3


def test_stops_that_fit_nowhere_are_reported_never_dropped():
    stops = [StopSpec(f"s{i}", "weekly", 200) for i in range(5)]  # 2 fit per day at most
    distance, duration = grid([(5, i) for i in range(5)])
    plan = plan_period(stops, distance, duration, [MON, TUE], rules())
    placed = set(plan.schedule)
    assert len(plan.unassigned) == 1
    assert list(plan.reason_codes.values()) == ["no_room"]
    assert placed | set(plan.unassigned) == {s.key for s in stops}
    assert not placed & set(plan.unassigned)
    assert plan.feasible


def test_close_stops_share_a_weekday():
    west = [(-30, y) for y in range(3)]
    east = [(30, y) for y in range(3)]
    stops = [StopSpec(f"w{i}", "weekly", 100) for i in range(3)] + [
        StopSpec(f"e{i}", "weekly", 100) for i in range(3)
    ]
    distance, duration = grid(west + east)
    plan = plan_period(stops, distance, duration, [MON, THU], rules())
    weekday = {key: dates[0][1] for key, dates in plan.schedule.items()}
    assert plan.unassigned == []
    assert len({weekday[f"w{i}"] for i in range(3)}) == 1
    assert len({weekday[f"e{i}"] for i in range(3)}) == 1
    assert weekday["w0"] != weekday["e0"]


def test_totals_add_up_the_days():
    stops = [StopSpec("a", "weekly", 60), StopSpec("b", "monthly", 60)]
    distance, duration = grid([(10, 0), (0, 10)])
    plan = plan_period(stops, distance, duration, [MON], rules())
    assert plan.km == pytest.approx(sum(d.route.km for d in plan.days))
    assert plan.minutes == sum(d.route.minutes for d in plan.days)
    assert plan.km == pytest.approx(3 * 20 + 40)  # a alone 3 weeks, a + b one week


def test_no_stop_gives_empty_days():
    plan = plan_period([], [[0]], [[0]], [MON], rules())
    assert len(plan.days) == 4 and all(not d.route.order for d in plan.days)
    assert plan.km == 0 and plan.unassigned == []


def test_bad_arguments_are_refused():
    distance, duration = grid([(1, 1)])
    with pytest.raises(ValueError):
        plan_period([StopSpec("a", "weekly", 10)], distance, duration, [], rules())
    with pytest.raises(ValueError):
        plan_period([StopSpec("a", "weekly", 10)], [[0]], [[0]], [MON], rules())


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["weekly", "fortnightly_even", "fortnightly_odd", "monthly"]),
            st.integers(30, 150),
            st.sets(st.integers(1, 4), max_size=2),
        ),
        min_size=1,
        max_size=9,
    ),
    st.integers(0, 10_000),
)
def test_every_stop_is_planned_at_its_frequency_or_reported(rows, salt):
    rng = random.Random(salt)
    points = [(rng.randint(-40, 40), rng.randint(-40, 40)) for _ in rows]
    stops = [
        StopSpec(i, frequency, service, paused_weeks=frozenset(paused))
        for i, (frequency, service, paused) in enumerate(rows)
    ]
    distance, duration = grid(points)
    plan = plan_period(stops, distance, duration, [TUE, FRI], rules(1000, break_minutes=30))
    seen = visits_of(plan)
    assert plan.feasible
    for stop in stops:
        dates = seen.get(stop.key, [])
        expected = [w for w in frequency_weeks(stop.frequency, 4) if w not in stop.paused_weeks]
        if stop.key in plan.unassigned:
            assert not dates
        elif not expected:
            assert not dates and stop.key in plan.paused
        elif stop.frequency == "monthly":
            assert len(dates) == 1 and dates[0][0] in expected
        else:
            assert sorted(w for w, _ in dates) == expected
        assert len({weekday for _, weekday in dates}) <= 1
    for day in plan.days:
        assert day.route.end <= FIVE


def test_a_volume_above_the_van_is_reported_and_volumes_split_days():
    stops = [StopSpec("bulky", "weekly", 30, volume_l=3000)] + [
        StopSpec(f"s{i}", "weekly", 30, volume_l=600) for i in range(2)
    ]
    distance, duration = grid([(5, 0), (6, 0), (7, 0)])
    plan = plan_period(stops, distance, duration, [MON, THU], rules(capacity_l=1000))
    assert plan.reason_codes == {"bulky": "capacity"}
    weekdays = {dates[0][1] for dates in plan.schedule.values()}
    assert weekdays == {MON, THU}  # 600 + 600 L do not fit in one 1000 L van


def test_when_days_are_full_the_lowest_priority_stop_is_left_out():
    stops = [StopSpec(f"s{i}", "weekly", 200, priority=10.0) for i in range(3)]
    stops[1] = StopSpec("s1", "weekly", 200, priority=1.0)
    distance, duration = grid([(5, 0), (5, 1), (5, 2)])
    plan = plan_period(stops, distance, duration, [MON], rules())
    assert plan.unassigned == ["s1"]
    assert plan.reason_codes == {"s1": "no_room"}


def test_the_improvement_pass_never_lengthens_the_period_and_keeps_the_rules():
    rng = random.Random(11)
    points = [(rng.randint(-30, 30), rng.randint(-30, 30)) for _ in range(14)]
    frequencies = ["weekly", "fortnightly_even", "fortnightly_odd", "monthly"]
    stops = [StopSpec(i, frequencies[i % 4], 45) for i in range(14)]
    distance, duration = grid(points)
    args = (stops, distance, duration, [MON, WED, FRI], rules(1000, break_minutes=30))
    plain = plan_period(*args, improve_passes=0)
    improved = plan_period(*args)
    assert improved.km <= plain.km
    assert improved.feasible and improved.unassigned == plain.unassigned == []
    seen = visits_of(improved)
    for stop in stops:
        assert len({weekday for _, weekday in seen[stop.key]}) == 1
        expected = 1 if stop.frequency == "monthly" else len(frequency_weeks(stop.frequency, 4))
        assert len(seen[stop.key]) == expected


def per_week_by_count(plan, weeks=4):
    """Reference: visits per week counted one by one from the planned routes (not from the schedule)."""
    counts = Counter({w: 0 for w in range(1, weeks + 1)})
    for day in plan.days:
        for _key in day.route.order:
            counts[day.week] += 1
    return [counts[w] for w in range(1, weeks + 1)]


def test_the_default_fortnightly_stops_alternate_between_odd_and_even_weeks():
    """The old default put every stop on even weeks, leaving weeks 1 and 3 empty."""
    stops = [StopSpec(f"s{k}", "fortnightly", 60) for k in range(4)]
    distance, duration = grid([(5, 0), (6, 0), (7, 0), (8, 0)])
    plan = plan_period(stops, distance, duration, [TUE, THU], rules())
    assert plan.unassigned == []
    assert per_week_by_count(plan) == [2, 2, 2, 2]


EXPECTED_VISITS = {"weekly": 4, "fortnightly": 2, "monthly": 1}


@settings(max_examples=40, deadline=None)
@given(
    frequencies=st.lists(st.sampled_from(sorted(EXPECTED_VISITS)), min_size=1, max_size=9),
    weekdays=st.sets(st.integers(0, 4), min_size=1, max_size=3),
    places=st.randoms(use_true_random=False),
)
def test_weeks_are_spread_visits_per_week_differ_by_at_most_one(frequencies, weekdays, places):
    """Stops that all fit (short stops, a long day): whatever the mix of frequencies and working days,
    the busiest and the quietest week differ by at most one visit, and every stop comes as often as
    its frequency says."""
    stops = [StopSpec(k, f, 10) for k, f in enumerate(frequencies)]
    points = [(places.randint(1, 6), places.randint(0, 6)) for _ in stops]
    distance, duration = grid(points)
    long_day = DayRules(day_start=0, day_end=24 * 60, capacity_kg=500)
    plan = plan_period(stops, distance, duration, sorted(weekdays), long_day, seconds_per_day=0.05,
                       improve_seconds=1.0)
    assert plan.unassigned == []
    seen = visits_of(plan)
    for key, frequency in enumerate(frequencies):
        assert len(seen[key]) == EXPECTED_VISITS[frequency]
        assert len({d for _, d in seen[key]}) == 1  # same weekday all period
        if frequency == "fortnightly":
            assert {w % 2 for w, _ in seen[key]} in ({0}, {1})
    counts = per_week_by_count(plan)
    assert max(counts) - min(counts) <= 1, counts
