"""The routing engine: benchmark instances, and the van's day (order, times, break, limits)."""

import itertools
import random
import runpy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.core.data import shared_data_dir
from grappe.tours.benchmark.instances import check_routes, parse_solomon, read_instance, route_cost
from grappe.tours.benchmark.solver import solve
from grappe.tours.routing import DayRoute, DayRules, Visit, plan_day

VRP = shared_data_dir() / "vrp"
needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="shared data not found")

TWO_TRUCKS = """TWO

VEHICLE
NUMBER     CAPACITY
  {vehicles}         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        100          0
    1      3          4          6          0         50          2
    2      6          8          6          0         50          2
    7     -3         -4          2          0         50          2
"""


@needs_data
def test_a_n32_k5_is_solved_feasibly_with_half_a_second_of_search():
    # the wall-clock time is measured by bench/routing.py (docs/benchmarks.md), not asserted here
    instance = read_instance(VRP / "cvrp" / "A-n32-k5.vrp")
    solution = solve(instance, 0.5)
    assert solution.feasible and solution.problems == []
    assert solution.cost >= 784
    assert solution.cost == route_cost(instance, solution.routes)
    assert sorted(n for r in solution.routes for n in r) == list(range(2, 33))
    assert solution.vehicles == len(solution.routes) >= 5


@needs_data
def test_solomon_routes_respect_the_real_time_windows():
    instance = read_instance(VRP / "solomon" / "R101.txt")
    solution = solve(instance, 0.5)
    assert solution.feasible
    assert check_routes(instance, solution.routes) == []  # checked in real numbers, independently
    assert solution.cost >= 1642.8


def test_capacity_splits_customers_into_routes_named_by_file_numbers():
    instance = parse_solomon(TWO_TRUCKS.format(vehicles=2))
    solution = solve(instance, 0.2)
    assert solution.feasible
    assert sorted(map(sorted, solution.routes)) == [[1, 7], [2]] or sorted(map(sorted, solution.routes)) == [
        [1],
        [2, 7],
    ]


def test_too_few_vehicles_is_reported_as_infeasible():
    instance = parse_solomon(TWO_TRUCKS.format(vehicles=1))
    solution = solve(instance, 0.2)
    assert not solution.feasible


def test_the_hierarchical_objective_uses_fewest_vehicles():
    instance = parse_solomon(TWO_TRUCKS.format(vehicles=3))
    assert solve(instance, 0.2, objective="hierarchical").vehicles == 2
    with pytest.raises(ValueError):
        solve(instance, 0.2, objective="prizes")


# --------------------------------------------------------------------------- the van's day

NINE = 9 * 60
FIVE = 17 * 60


def rules(start=NINE, end=FIVE, capacity=500, **more):
    """The rules of a working day (from 9:00 to 17:00, 500 kg, no break unless told)."""
    return DayRules(day_start=start, day_end=end, capacity_kg=capacity, **more)


def line_matrices(positions_km):
    """Places on a straight road: km from the depot (position 0), 1 km per minute."""
    points = [0, *positions_km]
    distance = [[abs(a - b) * 1000 for b in points] for a in points]
    duration = [[abs(a - b) for b in points] for a in points]
    return distance, duration


def test_an_empty_day_is_feasible_and_empty():
    route = plan_day([], [[0]], [[0]], rules())
    assert route == DayRoute(order=[], arrivals=[], km=0.0, minutes=0, feasible=True, start=NINE, end=NINE)


def test_visits_along_a_road_are_served_in_order_with_their_times():
    visits = [Visit("far", 30), Visit("near", 30), Visit("middle", 30)]
    distance, duration = line_matrices([30, 10, 20])
    route = plan_day(visits, distance, duration, rules())
    assert route.feasible
    assert route.order in (["near", "middle", "far"], ["far", "middle", "near"])
    assert route.km == pytest.approx(60)
    assert route.minutes == 60 + 3 * 30
    if route.order[0] == "near":
        assert route.arrivals == [NINE + 10, NINE + 50, NINE + 90]


def test_a_time_window_is_waited_for():
    visits = [Visit("market", 60, window=(14 * 60, 15 * 60))]
    distance, duration = line_matrices([20])
    route = plan_day(visits, distance, duration, rules())
    assert route.feasible
    assert route.arrivals == [14 * 60]
    assert route.start == 14 * 60 - 20  # leaves as late as possible: no waiting
    assert route.end == 15 * 60 + 20


def test_a_day_too_short_for_all_visits_is_infeasible_and_says_why():
    visits = [Visit(k, 120) for k in "abcde"]  # 10 h of service in an 8 h day
    distance, duration = line_matrices([5, 6, 7, 8, 9])
    route = plan_day(visits, distance, duration, rules(), seconds=0.2)
    assert not route.feasible
    assert route.problems


def test_the_van_capacity_is_a_limit():
    visits = [Visit("a", 30, demand_kg=300), Visit("b", 30, demand_kg=300)]
    distance, duration = line_matrices([5, 6])
    assert plan_day(visits, distance, duration, rules(capacity=600)).feasible
    tight = plan_day(visits, distance, duration, rules())
    assert not tight.feasible
    assert any("capacity" in p for p in tight.problems)


def test_the_break_is_placed_near_lunch_and_counted_in_the_day():
    visits = [Visit(k, 90) for k in "abc"]
    distance, duration = line_matrices([10, 20, 30])
    route = plan_day(visits, distance, duration, rules(break_minutes=60))
    assert route.feasible
    assert route.break_start is not None
    assert 11 * 60 <= route.break_start <= 14 * 60
    assert route.minutes == 60 + 3 * 90 + 60
    assert route.end <= FIVE
    # no arrival falls inside the break
    assert all(not (route.break_start < a < route.break_start + 60) for a in route.arrivals)


def test_a_break_that_does_not_fit_makes_the_day_infeasible():
    visits = [Visit(k, 110) for k in "abcd"]  # 7 h 20 of service + 80 min of driving = 8 h 40
    distance, duration = line_matrices([10, 20, 30, 40])
    assert not plan_day(visits, distance, duration, rules(end=18 * 60, break_minutes=60)).feasible
    assert plan_day(visits, distance, duration, rules(end=18 * 60 + 40, break_minutes=60)).feasible


def test_a_large_day_goes_through_pyvrp_and_stays_within_the_rules():
    rng = random.Random(7)
    positions = [(rng.uniform(-20, 20), rng.uniform(-20, 20)) for _ in range(14)]
    points = [(0.0, 0.0), *positions]
    distance = [
        [round(1400 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5) for b in points] for a in points
    ]
    duration = [[-(-d // 1000) for d in row] for row in distance]
    visits = [Visit(i, 20, demand_kg=10, window=(NINE, FIVE)) for i in range(14)]
    route = plan_day(visits, distance, duration, rules(8 * 60, 19 * 60, break_minutes=45), seconds=0.3)
    assert route.feasible
    assert sorted(route.order) == list(range(14))
    assert route.end <= 19 * 60 and route.start >= 8 * 60
    assert all(NINE <= a <= FIVE for a in route.arrivals)
    assert route.arrivals == sorted(route.arrivals)


def brute_force_km(visits, distance, duration, day_start, day_end):
    best = None
    for order in itertools.permutations(range(len(visits))):
        t, previous, km = day_start, 0, 0
        ok = True
        for i in order:
            t += duration[previous][i + 1]
            t = max(t, visits[i].window[0])
            if t > visits[i].window[1]:
                ok = False
                break
            t += visits[i].service_minutes
            km += distance[previous][i + 1]
            previous = i + 1
        t += duration[previous][0]
        km += distance[previous][0]
        if ok and t <= day_end and (best is None or km < best):
            best = km
    return best


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 40),  # x km
            st.integers(1, 40),  # y km
            st.integers(10, 90),  # service
            st.integers(8 * 60, 16 * 60),  # window start
            st.integers(0, 240),  # window width
        ),
        min_size=1,
        max_size=6,
    )
)
def test_small_days_are_ordered_optimally(rows):
    points = [(0, 0)] + [(x, y) for x, y, *_ in rows]
    distance = [[1000 * (abs(a[0] - b[0]) + abs(a[1] - b[1])) for b in points] for a in points]
    duration = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in points] for a in points]
    visits = [Visit(i, s, window=(w, w + width)) for i, (_, _, s, w, width) in enumerate(rows)]
    route = plan_day(visits, distance, duration, rules(NINE - 60, 18 * 60, 1000))
    best = brute_force_km(visits, distance, duration, NINE - 60, 18 * 60)
    if best is None:
        assert not route.feasible
    else:
        assert route.feasible
        assert route.km * 1000 == pytest.approx(best)


def test_the_van_volume_is_a_limit_when_given():
    visits = [Visit("a", 30, demand_kg=10, volume_l=600), Visit("b", 30, demand_kg=10, volume_l=600)]
    distance, duration = line_matrices([5, 6])
    assert plan_day(visits, distance, duration, rules()).feasible  # no volume limit
    assert plan_day(visits, distance, duration, rules(capacity_l=1200)).feasible
    tight = plan_day(visits, distance, duration, rules(capacity_l=1000))
    assert not tight.feasible
    assert any("volume" in p for p in tight.problems)


def test_the_duration_objective_prefers_the_quicker_road():
    # Two visits; going a -> b is short but slow (a mountain pass), b -> a is long but fast.
    distance = [[0, 10_000, 10_000], [10_000, 0, 5_000], [10_000, 30_000, 0]]
    duration = [[0, 10, 10], [10, 0, 60], [10, 15, 0]]
    visits = [Visit("a", 10), Visit("b", 10)]
    shortest = plan_day(visits, distance, duration, rules())
    quickest = plan_day(visits, distance, duration, rules(), objective="duration")
    assert shortest.order == ["a", "b"] and shortest.km == pytest.approx(25)
    assert quickest.order == ["b", "a"] and quickest.minutes == 10 + 10 + 15 + 10 + 10
    assert quickest.minutes < shortest.minutes
    with pytest.raises(ValueError):
        plan_day(visits, distance, duration, rules(), objective="fun")


def test_a_visit_with_an_impossible_window_or_negative_time_is_refused():
    with pytest.raises(ValueError):
        Visit("a", 30, window=(15 * 60, 14 * 60))
    with pytest.raises(ValueError):
        Visit("a", -5)


@needs_data
def test_the_routing_benchmark_script_runs_and_prints_its_table(capsys):
    pytest.importorskip("ortools")
    script = Path(__file__).resolve().parents[3] / "bench" / "routing.py"
    bench = runpy.run_path(str(script), run_name="bench_routing")
    assert bench["main"](["--seconds", "0.3", "--only", "A-n32-k5"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| A-n32-k5 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "784" and int(cells[2]) >= 784
    assert "| CVRP | 1 |" in out
