"""Benchmark readers (TSPLIB CVRP, Solomon VRPTW) and their cost conventions."""

import pytest

from grappe.core.data import shared_data_dir
from grappe.tours.benchmark.instances import (
    InstanceFormatError,
    check_routes,
    nint,
    parse_cvrp,
    parse_solomon,
    read_instance,
    route_cost,
)

VRP = shared_data_dir() / "vrp"
needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="shared data not found")

# A-n32-k5's optimal solution as published by CVRPLIB (customers numbered 1..31 there).
A_N32_K5_OPTIMUM = [
    [21, 31, 19, 17, 13, 7, 26],
    [12, 1, 16, 30],
    [27, 24],
    [29, 18, 8, 9, 22, 15, 10, 25, 5, 20],
    [14, 28, 11, 4, 23, 3, 2, 6],
]

TINY_CVRP = """NAME : tiny
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
 1 3 0
 2 0 0
 3 0 4
 4 3 4
DEMAND_SECTION
1 6
2 0
3 5
4 5
DEPOT_SECTION
 2
 -1
EOF
"""

TINY_SOLOMON = """TINY

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        100          0
    1      3          4          4          0         10          2
    2      6          8          4         20         30          2
"""


def test_shared_data_is_found_beside_the_repository():
    assert shared_data_dir().name == "data"
    assert shared_data_dir().parent.name == "shared"


def test_shared_data_can_be_moved_with_an_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPPE_SHARED_DATA", str(tmp_path))
    assert shared_data_dir() == tmp_path


def test_nint_rounds_halves_up():
    assert nint(2.5) == 3
    assert nint(2.4999) == 2
    assert nint(0.0) == 0


@needs_data
def test_a_n32_k5_is_read_with_the_depot_first():
    instance = read_instance(VRP / "cvrp" / "A-n32-k5.vrp")
    assert instance.name == "A-n32-k5"
    assert instance.kind == "cvrp"
    assert instance.num_customers == 31
    assert instance.capacity == 100
    assert instance.labels[0] == 1 and instance.labels[1:] == list(range(2, 33))
    assert instance.coords[0] == (82.0, 76.0)
    assert instance.demands[0] == 0 and instance.demands[1] == 19
    assert instance.vehicles is None


@needs_data
def test_the_optimal_routes_of_a_n32_k5_cost_784():
    instance = read_instance(VRP / "cvrp" / "A-n32-k5.vrp")
    routes = [[customer + 1 for customer in route] for route in A_N32_K5_OPTIMUM]  # file numbers
    assert route_cost(instance, routes) == 784
    assert check_routes(instance, routes) == []


@needs_data
def test_unrounded_edges_would_not_give_784():
    instance = read_instance(VRP / "cvrp" / "A-n32-k5.vrp")
    routes = [[customer + 1 for customer in route] for route in A_N32_K5_OPTIMUM]
    real = 0.0
    for route in routes:
        path = [0, *(instance.index_of(n) for n in route), 0]
        real += sum(instance.euclidean(a, b) for a, b in zip(path, path[1:], strict=False))
    assert real != pytest.approx(784, abs=0.5)


@needs_data
def test_solomon_c101_is_read_with_windows_and_service_times():
    instance = read_instance(VRP / "solomon" / "C101.txt")
    assert instance.name == "C101"
    assert instance.kind == "vrptw"
    assert instance.vehicles == 25 and instance.capacity == 200
    assert instance.num_customers == 100
    assert instance.labels == list(range(101))
    assert instance.windows[0] == (0, 1236)
    assert instance.windows[1] == (912, 967)
    assert instance.service[1] == 90 and instance.demands[1] == 10


def test_a_depot_that_is_not_node_1_is_moved_first():
    instance = parse_cvrp(TINY_CVRP)
    assert instance.labels == [2, 1, 3, 4]
    assert instance.coords[0] == (0.0, 0.0)
    assert instance.demands == [0, 6, 5, 5]


def test_cvrp_cost_rounds_each_edge():
    instance = parse_cvrp(TINY_CVRP)
    # depot (0,0) -> 1 (3,0) -> 4 (3,4) -> depot (5), then depot -> 3 (0,4) -> depot
    assert route_cost(instance, [[1, 4], [3]]) == 3 + 4 + 5 + 4 + 4
    # a non-integer edge: (0,0)-(3,4) is 5 exactly; (3,0)-(0,4) is 5; use a skewed point
    skewed = parse_cvrp(TINY_CVRP.replace(" 4 3 4", " 4 1 1"))  # sqrt(2) = 1.41 -> 1
    assert route_cost(skewed, [[4]]) == 2


def test_check_routes_reports_capacity_and_missing_customers():
    instance = parse_cvrp(TINY_CVRP)
    problems = check_routes(instance, [[1, 4]])
    assert any("load 11" in p for p in problems)
    assert any("customer 3 visited 0 times" in p for p in problems)
    assert any("2 is not a customer" in p for p in check_routes(instance, [[2]]))


def test_solomon_cost_is_real_and_windows_are_checked():
    instance = parse_solomon(TINY_SOLOMON)
    assert instance.name == "TINY"
    assert route_cost(instance, [[1, 2]]) == pytest.approx(5 + 5 + 10)
    assert check_routes(instance, [[1, 2]]) == []  # 1 at 5, leaves 7, 2 at 12 -> waits to 20
    problems = check_routes(instance, [[2, 1]])  # 2 at 20 (waits), leaves 22, 1 at 27 > 10
    assert any("customer 1 served at 27.00 > 10" in p for p in problems)


def test_too_many_routes_for_the_vehicles_is_reported():
    instance = parse_solomon(TINY_SOLOMON.replace("  2         10", "  1         10"))
    assert any("2 routes for 1 vehicles" in p for p in check_routes(instance, [[1], [2]]))


def test_unknown_node_label_raises():
    instance = parse_cvrp(TINY_CVRP)
    with pytest.raises(KeyError):
        route_cost(instance, [[9]])


def test_unsupported_files_are_refused(tmp_path):
    other = tmp_path / "x.vrp"
    other.write_text("hello\n")
    with pytest.raises(InstanceFormatError):
        read_instance(other)
    with pytest.raises(InstanceFormatError):
        parse_cvrp(TINY_CVRP.replace("EUC_2D", "EXPLICIT"))
    with pytest.raises(InstanceFormatError):
        parse_cvrp(TINY_CVRP.replace("DIMENSION : 4", "DIMENSION : 5"))
