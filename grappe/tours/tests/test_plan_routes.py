"""`manage.py plan_routes`: one JSON line per benchmark file, by the file's conventions."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from grappe.core.data import shared_data_dir
from grappe.tours.benchmark.instances import check_routes, read_instance, route_cost

VRP = shared_data_dir() / "vrp"
needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="shared data not found")


def run(*args):
    out = StringIO()
    call_command("plan_routes", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@needs_data
def test_a_n32_k5_prints_one_feasible_json_line_named_by_file_nodes():
    path = VRP / "cvrp" / "A-n32-k5.vrp"
    result = run(str(path), "--seconds", "1", "--seed", "3")
    assert set(result) == {"instance", "cost", "vehicles", "routes", "feasible", "seconds"}
    assert result["instance"] == "A-n32-k5"
    assert result["feasible"] is True
    assert isinstance(result["cost"], int) and result["cost"] >= 784
    assert result["vehicles"] == len(result["routes"])
    visited = sorted(node for route in result["routes"] for node in route)
    assert visited == list(range(2, 33))  # customers 2..32, depot 1 left out
    instance = read_instance(path)
    assert route_cost(instance, result["routes"]) == result["cost"]
    assert result["seconds"] < 5


@needs_data
def test_a_solomon_file_gets_a_real_valued_cost_and_its_customer_numbers():
    path = VRP / "solomon" / "C101.txt"
    result = run(str(path), "--seconds", "1")
    instance = read_instance(path)
    assert result["instance"] == "C101"
    assert sorted(n for r in result["routes"] for n in r) == list(range(1, 101))
    assert result["cost"] == pytest.approx(route_cost(instance, result["routes"]), abs=1e-5)
    assert result["feasible"] is True and check_routes(instance, result["routes"]) == []
    assert result["cost"] >= 828.93


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("plan_routes", str(tmp_path / "nothing.vrp"), "--seconds", "1", stdout=StringIO())


def test_an_unreadable_file_is_a_command_error(tmp_path):
    bad = tmp_path / "bad.vrp"
    bad.write_text("not a routing file\n")
    with pytest.raises(CommandError):
        call_command("plan_routes", str(bad), "--seconds", "1", stdout=StringIO())
