"""Solving a benchmark :class:`~grappe.tours.benchmark.instances.Instance` (CVRP or Solomon VRPTW).

:func:`solve` returns routes named by the file's node numbers, with the cost recomputed by the
instance's exact convention. It builds a :class:`pyvrp.ProblemData` from integer matrices (PyVRP
works in integers) and runs the search the van's days use, :func:`grappe.tours.routing.search`.

Integer scaling (Solomon): distances are multiplied by :data:`SOLOMON_SCALE` and rounded for
the objective; travel *times* are multiplied by the same factor and rounded **up**, and time
windows and service times (integers in the files) are multiplied exactly. A schedule that is
feasible on the scaled integers is then feasible with the real distances too; the cost
reported is recomputed with real distances. CVRP distances are the TSPLIB rounded lengths,
which are integers already, so they are used as they are.

No Django here.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning

from grappe.tours.benchmark.instances import NO_LIMIT, Instance, check_routes, route_cost
from grappe.tours.routing import search, visited_locations

SOLOMON_SCALE = 1000


@dataclass(frozen=True)
class Solution:
    routes: list[list[int]]  # node labels as in the file, depot left out
    cost: float  # by the instance's convention (CVRP rounded edges, Solomon real)
    vehicles: int
    feasible: bool
    seconds: float
    problems: list[str] = field(default_factory=list)
    seconds_to_best: float = 0.0  # when the returned solution was found (from the call's start)


class _BestClock(pyvrp.IteratedLocalSearchCallbacks):
    """Remembers when the search last found a new best solution."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.last = 0.0

    def on_start(self, ils: pyvrp.IteratedLocalSearch) -> None:
        self.last = time.perf_counter() - self.started  # the initial solution

    def on_best(self, best: pyvrp.Solution) -> None:
        self.last = time.perf_counter() - self.started


def instance_data(
    instance: Instance, objective: str = "distance", scale: int | None = None
) -> pyvrp.ProblemData:
    """The PyVRP model of a benchmark instance (integer distances, times and windows)."""
    if objective not in ("distance", "hierarchical"):
        raise ValueError("objective is 'distance' or 'hierarchical' (fewest vehicles, then distance)")
    n = len(instance.coords)
    timed = instance.kind == "vrptw"
    if scale is None:
        scale = SOLOMON_SCALE if timed else 1
    xy = np.asarray(instance.coords, dtype=float)
    euclid = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    if instance.kind == "cvrp":
        distance = np.floor(euclid + 0.5).astype(np.int64) * scale
    else:
        distance = np.rint(euclid * scale).astype(np.int64)
    if timed:
        duration = np.ceil(euclid * scale - 1e-7).astype(np.int64)
        np.fill_diagonal(duration, 0)
    else:
        duration = np.zeros((n, n), dtype=np.int64)

    def window(i: int) -> tuple[int, int]:
        ready, due = instance.windows[i]
        if not timed or due >= NO_LIMIT:
            return 0, pyvrp.constants.MAX_VALUE
        return ready * scale, due * scale

    locations = [pyvrp.Location(x=float(x), y=float(y)) for x, y in instance.coords]
    depot_early, depot_late = window(0)
    depots = [pyvrp.Depot(location=0, tw_early=depot_early, tw_late=depot_late)]
    clients = []
    for i in range(1, n):
        early, late = window(i)
        clients.append(
            pyvrp.Client(
                location=i,
                delivery=[instance.demands[i]],
                service_duration=instance.service[i] * scale if timed else 0,
                tw_early=early,
                tw_late=late,
                name=str(instance.labels[i]),
            )
        )
    vehicles = instance.vehicles if instance.vehicles is not None else n - 1
    # Hierarchical objective: a vehicle costs more than any route can (the longest edge times n).
    fixed_cost = int(distance.max()) * (n + 1) if objective == "hierarchical" else 0
    vehicle_type = pyvrp.VehicleType(
        num_available=max(1, vehicles),
        capacity=[instance.capacity],
        tw_early=depot_early,
        tw_late=depot_late,
        fixed_cost=fixed_cost,
    )
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=[vehicle_type],
        distance_matrices=[distance],
        duration_matrices=[duration],
    )


def solve(
    instance: Instance,
    seconds: float,
    seed: int = 1,
    objective: str = "distance",
    *,
    scale: int | None = None,
) -> Solution:
    """Best routes found for a benchmark instance within ``seconds`` of wall time."""
    started = time.perf_counter()
    data = instance_data(instance, objective, scale)
    clock = _BestClock(started)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)  # infeasibility is reported below
        best = search(
            data,
            seconds=max(0.0, seconds - (time.perf_counter() - started)),
            seed=seed,
            callbacks=clock,
        )
    routes = [[instance.labels[i] for i in visited_locations(data, route)] for route in best.routes()]
    routes = [route for route in routes if route]
    problems = check_routes(instance, routes)
    return Solution(
        routes=routes,
        cost=route_cost(instance, routes),
        vehicles=len(routes),
        feasible=best.is_feasible() and not problems,
        seconds=time.perf_counter() - started,
        problems=problems,
        seconds_to_best=clock.last,
    )
