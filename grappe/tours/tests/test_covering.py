"""Stop selection: the exact covering model agrees with brute force on small cases."""

import itertools
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.core.data import shared_data_dir
from grappe.tours.covering import _gap, reach, select_stops


def brute_force(demand, covers, max_stops=None, cost=None, budget=None):
    candidates = list(covers)
    best = 0.0
    for size in range(len(candidates) + 1):
        if max_stops is not None and size > max_stops:
            break
        for chosen in itertools.combinations(candidates, size):
            if budget is not None and sum(cost.get(c, 0) for c in chosen) > budget + 1e-9:
                continue
            reached = set().union(*(covers[c] for c in chosen)) if chosen else set()
            best = max(best, sum(w for p, w in demand.items() if p in reached))
    return best


def covered_by(result, demand, covers):
    reached = set().union(*(covers[c] for c in result.chosen)) if result.chosen else set()
    return sum(w for p, w in demand.items() if p in reached)


cases = st.integers(2, 9).flatmap(
    lambda n_points: st.tuples(
        st.lists(st.integers(0, 50), min_size=n_points, max_size=n_points),  # weights
        st.lists(  # candidates: the points each one reaches
            st.sets(st.integers(0, n_points - 1), max_size=n_points), min_size=1, max_size=7
        ),
        st.lists(st.integers(1, 10), min_size=7, max_size=7),  # costs
    )
)


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(0, 4))
def test_at_most_k_stops_cover_as_much_as_brute_force(case, k):
    weights, reaches, _ = case
    demand = {f"p{i}": float(w) for i, w in enumerate(weights)}
    covers = {f"c{j}": {f"p{i}" for i in r} for j, r in enumerate(reaches)}
    result = select_stops(demand, covers, max_stops=k)
    assert result.optimal and result.gap == 0
    assert len(result.chosen) <= k
    assert result.covered_weight == pytest.approx(brute_force(demand, covers, max_stops=k))
    assert result.covered_weight == pytest.approx(covered_by(result, demand, covers))
    assert result.total_weight == pytest.approx(sum(weights))


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(0, 20), st.one_of(st.none(), st.integers(1, 3)))
def test_a_budget_alone_or_with_k_matches_brute_force(case, budget, k):
    weights, reaches, costs = case
    demand = {f"p{i}": float(w) for i, w in enumerate(weights)}
    covers = {f"c{j}": {f"p{i}" for i in r} for j, r in enumerate(reaches)}
    cost = {f"c{j}": float(costs[j]) for j in range(len(reaches))}
    result = select_stops(demand, covers, max_stops=k, cost=cost, budget=budget)
    assert result.optimal
    assert sum(cost[c] for c in result.chosen) <= budget
    if k is not None:
        assert len(result.chosen) <= k
    expected = brute_force(demand, covers, max_stops=k, cost=cost, budget=budget)
    assert result.covered_weight == pytest.approx(expected)


def test_the_best_single_stop_is_the_one_reaching_most_people():
    demand = {"Die": 4844, "Chatillon": 700, "Luc": 500, "Valdrome": 60}
    covers = {
        "Die": {"Die", "Chatillon"},
        "Luc": {"Luc", "Valdrome", "Chatillon"},
        "Valdrome": {"Valdrome"},
    }
    result = select_stops(demand, covers, max_stops=1)
    assert result.chosen == ["Die"]
    assert result.covered_weight == 5544
    assert result.covered_share == pytest.approx(5544 / 6104)
    two = select_stops(demand, covers, max_stops=2)
    assert two.chosen == ["Die", "Luc"] and two.covered_weight == 6104


def test_no_demand_no_candidates_and_zero_stops_give_an_empty_choice():
    assert select_stops({}, {"a": {"x"}}, max_stops=3).chosen == []
    empty = select_stops({"x": 5.0}, {}, max_stops=3)
    assert empty.chosen == [] and empty.covered_weight == 0 and empty.total_weight == 5
    assert empty.optimal
    assert select_stops({"x": 5.0}, {"a": {"x"}}, max_stops=0).chosen == []
    assert select_stops({"x": 5.0}, {"a": set()}, max_stops=1).covered_weight == 0


def test_a_candidate_dearer_than_the_budget_is_never_chosen():
    demand = {"x": 100.0, "y": 1.0}
    covers = {"big": {"x"}, "small": {"y"}}
    result = select_stops(demand, covers, cost={"big": 30, "small": 5}, budget=20)
    assert result.chosen == ["small"]


def test_without_any_bound_every_useful_candidate_may_be_chosen():
    result = select_stops({"x": 1.0, "y": 2.0}, {"a": {"x"}, "b": {"y"}, "c": set()})
    assert result.covered_weight == 3.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        select_stops({"x": -1.0}, {"a": {"x"}}, max_stops=1)
    with pytest.raises(ValueError):
        select_stops({"x": 1.0}, {"a": {"x"}}, budget=3)
    with pytest.raises(ValueError):
        select_stops({"x": 1.0}, {"a": {"x"}}, max_stops=-1)


def test_reach_keeps_the_points_within_the_limit():
    distance = {"a": {"x": 10.0, "y": 15.0, "z": 15.1}}
    assert reach(distance, 15) == {"a": {"x", "y"}}


def test_the_gap_comes_from_highs_or_from_its_bound():
    assert _gap(SimpleNamespace(mip_dual_bound=110.0, mip_gap=0.1), 100.0) == 0.1
    assert _gap(SimpleNamespace(mip_dual_bound=110.0, mip_gap=float("inf")), 100.0) == pytest.approx(10 / 110)
    assert _gap(SimpleNamespace(mip_dual_bound=float("inf"), mip_gap=float("inf")), 100.0) == float("inf")


def test_the_covering_benchmark_script_proves_small_k_optimal(capsys):
    if not (shared_data_dir() / "drome_communes.csv").is_file():
        pytest.skip("shared data not found")
    script = Path(__file__).resolve().parents[3] / "bench" / "covering.py"
    bench = runpy.run_path(str(script), run_name="bench_covering")
    assert bench["main"](["--max-k", "2"]) == 0
    out = capsys.readouterr().out
    assert "| 1 |" in out and "| 2 |" in out
    assert "172,180" in out  # the best single stop reaches 172,180 inhabitants
    assert "all proven optimal: yes" in out
