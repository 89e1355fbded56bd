"""One routing engine, over PyVRP, for the benchmark files and for the van's days.

- :func:`solve` solves a benchmark :class:`~grappe.tours.vrplib.Instance` (CVRP or Solomon
  VRPTW) and returns routes named by the file's node numbers, with the cost recomputed by the
  instance's exact convention.
- :func:`plan_day` orders one day of the van: visits with service times, time windows and
  loads, a working day and a lunch break, from matrices of metres and minutes.

Both build a :class:`pyvrp.ProblemData` from integer matrices (PyVRP works in integers) and
run the same solver entry point, :func:`_run`.

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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from grappe.tours.vrplib import NO_LIMIT, Instance, check_routes, nint, route_cost

SOLOMON_SCALE = 1000
EXACT_MAX_VISITS = 8  # days with at most this many visits are ordered exactly (dynamic programming)
DAY = 24 * 60
UNBOUNDED = 10**9


# --------------------------------------------------------------------------- benchmark files


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
        best = _run(
            data,
            seconds=max(0.0, seconds - (time.perf_counter() - started)),
            seed=seed,
            callbacks=clock,
        )
    routes = [[instance.labels[i] for i in _visits(data, route)] for route in best.routes()]
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


def _visits(data: pyvrp.ProblemData, route: pyvrp.Route) -> list[int]:
    """Location indices of the clients a route visits, in order."""
    return [data.client(activity.idx).location for activity in route if activity.is_client()]


def _run(
    data: pyvrp.ProblemData,
    *,
    seconds: float,
    seed: int,
    max_iterations: int | None = None,
    no_improvement: int | None = None,
    callbacks: pyvrp.IteratedLocalSearchCallbacks | None = None,
) -> pyvrp.Solution:
    """PyVRP's search for at most ``seconds`` (and optional iteration caps); the best solution."""
    criteria = [MaxRuntime(max(seconds, 0.0))]
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    if no_improvement is not None:
        criteria.append(NoImprovement(no_improvement))
    stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
    params = pyvrp.SolveParams(ils=pyvrp.IteratedLocalSearchParams(callbacks=callbacks))
    result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False, params=params)
    return result.best


# --------------------------------------------------------------------------- the van's day


@dataclass(frozen=True)
class Visit:
    key: Hashable
    service_minutes: int
    demand_kg: int = 0
    window: tuple[int, int] = (0, DAY)  # earliest and latest arrival, minutes from midnight
    volume_l: int = 0  # litres, checked against ``capacity_l`` when one is given

    def __post_init__(self) -> None:
        if self.service_minutes < 0 or self.demand_kg < 0 or self.volume_l < 0:
            raise ValueError(f"{self.key}: service, load and volume cannot be negative")
        if self.window[0] > self.window[1]:
            raise ValueError(f"{self.key}: the time window ends before it starts")


@dataclass(frozen=True)
class DayRoute:
    order: list[Hashable]  # visit keys in driving order
    arrivals: list[int]  # arrival (= start of service) at each visit, minutes from midnight
    km: float
    minutes: int  # from leaving the depot to coming back, break included
    feasible: bool
    start: int = 0  # leaves the depot, minutes from midnight
    end: int = 0  # back at the depot, minutes from midnight
    break_start: int | None = None  # when the break begins (after the visit before it)
    problems: list[str] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return self.minutes / 60


def plan_day(
    visits: Sequence[Visit],
    depot: tuple[float, float] | int | None,
    distance_m: Sequence[Sequence[int]],
    duration_min: Sequence[Sequence[int]],
    day_start: int,
    day_end: int,
    capacity_kg: int,
    break_minutes: int = 0,
    seconds: float = 1.0,
    seed: int = 1,
    *,
    objective: str = "distance",
    lunch_at: int = 12 * 60 + 30,
    capacity_l: int | None = None,
) -> DayRoute:
    """Order one day's visits for the van, leaving from and returning to the depot.

    Index 0 of the matrices is the depot and index i+1 is ``visits[i]``; distances in metres,
    durations in minutes. ``depot`` is only informative (its (lat, lon), or 0, or None): the
    matrices already say everything about it. The van leaves the depot at ``day_start`` at the
    earliest and must be back by ``day_end``. ``window`` is when service may *start* at a visit.
    The van carries at most ``capacity_kg`` (and ``capacity_l`` litres when given, against the
    visits' ``volume_l``).

    The break: the solver plans the route in a day shortened by ``break_minutes`` (the van must
    be back by ``day_end - break_minutes``), so that the break always fits; the break is then
    placed between two visits (or before driving home), as close to ``lunch_at`` as the time
    windows allow, and the later arrivals are shifted by what waiting does not absorb.

    ``objective`` is "distance" (fewest km, the default) or "duration" (shortest day).
    The result is never silently wrong: ``feasible`` is False (and ``problems`` says why) when
    not all visits fit in the day, the capacity or their windows.
    """
    if isinstance(depot, int) and not isinstance(depot, bool) and depot != 0:
        raise ValueError("the depot is index 0 of the matrices")
    visits = list(visits)
    n = len(visits)
    if len(distance_m) != n + 1 or len(duration_min) != n + 1:
        raise ValueError("the matrices must have one row for the depot and one per visit")
    if objective not in ("distance", "duration"):
        raise ValueError("objective is 'distance' or 'duration'")
    if not visits:
        return DayRoute(
            order=[], arrivals=[], km=0.0, minutes=0, feasible=True, start=day_start, end=day_start
        )
    latest_back = day_end - break_minutes
    distance = np.asarray(distance_m, dtype=np.int64)
    duration = np.asarray(duration_min, dtype=np.int64)
    locations = [pyvrp.Location(x=0.0, y=0.0) for _ in range(n + 1)]
    clients = [
        pyvrp.Client(
            location=i + 1,
            delivery=[visit.demand_kg] if capacity_l is None else [visit.demand_kg, visit.volume_l],
            service_duration=visit.service_minutes,
            tw_early=max(visit.window[0], 0),
            tw_late=visit.window[1],
        )
        for i, visit in enumerate(visits)
    ]
    vehicle = pyvrp.VehicleType(
        num_available=1,
        capacity=[capacity_kg] if capacity_l is None else [capacity_kg, capacity_l],
        tw_early=day_start,
        tw_late=max(latest_back, day_start),
        unit_distance_cost=1 if objective == "distance" else 0,
        unit_duration_cost=0 if objective == "distance" else 1,
    )
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=[pyvrp.Depot(location=0, tw_early=day_start, tw_late=max(latest_back, day_start))],
        vehicle_types=[vehicle],
        distance_matrices=[distance],
        duration_matrices=[duration],
    )
    order_idx = None
    exact = n <= EXACT_MAX_VISITS
    if exact:
        order_idx = _best_small_order(visits, distance, duration, day_start, latest_back, objective)
        if order_idx is None:
            # Proven infeasible: report the shortest order ignoring windows and the day's end.
            relaxed = [Visit(v.key, v.service_minutes, window=(0, UNBOUNDED)) for v in visits]
            order_idx = _best_small_order(relaxed, distance, duration, day_start, UNBOUNDED, objective)
    if order_idx is None:
        # No exact order (too many visits), or none fits: PyVRP gives its best (least violating)
        # order. Small days stop once the search stalls; larger ones use the time given.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PenaltyBoundWarning)  # expected when the day is infeasible
            best = _run(
                data,
                seconds=seconds,
                seed=seed,
                max_iterations=2_000 if exact else None,
                no_improvement=_stall_limit(n),
            )
        order_idx = [i - 1 for route in best.routes() for i in _visits(data, route)]
    return _schedule(
        visits,
        order_idx,
        distance,
        duration,
        day_start,
        day_end,
        capacity_kg,
        break_minutes,
        lunch_at,
        capacity_l,
    )


def _stall_limit(n: int) -> int | None:
    """Iterations without improvement after which a day's search stops (None: use the time).

    Measured on random days of 9 to 20 visits: 1,000 idle iterations found the same routes as
    the full time limit, in a fifth of the time.
    """
    if n <= 20:
        return 1_000
    if n <= 50:
        return 5_000
    return None


def _best_small_order(
    visits: list[Visit],
    distance: np.ndarray,
    duration: np.ndarray,
    day_start: int,
    latest_back: int,
    objective: str,
) -> list[int] | None:
    """Exact best order for a handful of visits, or None when no order fits the day.

    Dynamic programming over (visited set, last visit) with Pareto labels (cost so far, finish
    time): since the van may wait, finishing earlier at a lower cost is never worse, so the
    labels kept are enough for an exact answer. "duration" counts from ``day_start``.
    """
    n = len(visits)
    Label = tuple[float, int, tuple[int, ...]]  # cost, finish of service, order
    labels: dict[tuple[int, int], list[Label]] = {}

    def add(key: tuple[int, int], label: Label) -> None:
        kept = labels.setdefault(key, [])
        if any(c <= label[0] and t <= label[1] for c, t, _ in kept):
            return
        kept[:] = [old for old in kept if not (label[0] <= old[0] and label[1] <= old[1])]
        kept.append(label)

    def step_cost(a: int, b: int, finish_a: int, finish_b: int) -> float:
        return float(distance[a, b]) if objective == "distance" else float(finish_b - finish_a)

    for i in range(n):
        start = _service_start(visits[i], day_start + int(duration[0, i + 1]))
        if start is not None:
            finish = start + visits[i].service_minutes
            add((1 << i, i), (step_cost(0, i + 1, day_start, finish), finish, (i,)))
    for mask in range(1, 1 << n):
        for last in range(n):
            for cost, t, order in labels.get((mask, last), ()):
                for j in range(n):
                    if mask & (1 << j):
                        continue
                    start = _service_start(visits[j], t + int(duration[last + 1, j + 1]))
                    if start is None:
                        continue
                    finish = start + visits[j].service_minutes
                    add(
                        (mask | (1 << j), j),
                        (cost + step_cost(last + 1, j + 1, t, finish), finish, (*order, j)),
                    )
    answer: tuple[float, tuple[int, ...]] | None = None
    full = (1 << n) - 1
    for last in range(n):
        for cost, t, order in labels.get((full, last), ()):
            back = t + int(duration[last + 1, 0])
            if back > latest_back:
                continue
            total = cost + step_cost(last + 1, 0, t, back)
            if answer is None or total < answer[0]:
                answer = (total, order)
    return list(answer[1]) if answer is not None else None


def _service_start(visit: Visit, arrival: int) -> int | None:
    start = max(arrival, visit.window[0])
    return start if start <= visit.window[1] else None


def _schedule(
    visits: list[Visit],
    order_idx: list[int],
    distance: np.ndarray,
    duration: np.ndarray,
    day_start: int,
    day_end: int,
    capacity_kg: int,
    break_minutes: int,
    lunch_at: int,
    capacity_l: int | None = None,
) -> DayRoute:
    """Times of a given order, with the break placed as near ``lunch_at`` as possible."""
    path = [0, *(i + 1 for i in order_idx)]
    km = (sum(int(distance[a, b]) for a, b in zip(path, [*path[1:], 0], strict=False))) / 1000
    candidates = range(len(order_idx) + 1) if break_minutes > 0 else [None]
    best: tuple[tuple[int, int], int, list[int], int, int | None, list[str]] | None = None
    for position in candidates:
        start, arrivals, end, break_start, problems = _timeline(
            visits, order_idx, duration, day_start, day_end, break_minutes, position
        )
        rank = (len(problems), abs(break_start - lunch_at) if break_start is not None else 0)
        if best is None or rank < best[0]:
            best = (rank, start, arrivals, end, break_start, problems)
    assert best is not None
    _, start, arrivals, end, break_start, problems = best
    problems = list(problems)
    load = sum(visits[i].demand_kg for i in order_idx)
    if load > capacity_kg:
        problems.append(f"load {load} kg > capacity {capacity_kg} kg")
    volume = sum(visits[i].volume_l for i in order_idx)
    if capacity_l is not None and volume > capacity_l:
        problems.append(f"volume {volume} L > capacity {capacity_l} L")
    if sorted(order_idx) != list(range(len(visits))):
        problems.append("not every visit is in the route")
    return DayRoute(
        order=[visits[i].key for i in order_idx],
        arrivals=arrivals,
        km=km,
        minutes=end - start,
        feasible=not problems,
        start=start,
        end=end,
        break_start=break_start,
        problems=problems,
    )


def _timeline(
    visits: list[Visit],
    order_idx: list[int],
    duration: np.ndarray,
    day_start: int,
    day_end: int,
    break_minutes: int,
    break_position: int | None,
) -> tuple[int, list[int], int, int | None, list[str]]:
    """Forward schedule leaving at the latest time that adds no lateness, break after visit k."""

    def forward(leave: int) -> tuple[list[int], int, int | None, int, int]:
        t = leave
        previous = 0
        arrivals: list[int] = []
        break_start = None
        wait = late = 0
        for k, i in enumerate(order_idx):
            if break_position == k:
                break_start = t
                t += break_minutes
            t += int(duration[previous, i + 1])
            early, due = visits[i].window
            if t < early:
                wait += early - t
                t = early
            late += max(0, t - due)
            arrivals.append(t)
            t += visits[i].service_minutes
            previous = i + 1
        if break_position == len(order_idx):
            break_start = t
            t += break_minutes
        t += int(duration[previous, 0])
        return arrivals, t, break_start, wait, late

    # Leave as late as possible without adding lateness: shift the departure by the first waits.
    arrivals, end, break_start, wait, late = forward(day_start)
    low, high = 0, max(0, wait)
    while low < high:  # largest delay keeping the same lateness and the same return time
        mid = (low + high + 1) // 2
        a2, e2, _, _, l2 = forward(day_start + mid)
        if l2 <= late and e2 <= end:
            low = mid
        else:
            high = mid - 1
    leave = day_start + low
    arrivals, end, break_start, _, late = forward(leave)
    problems: list[str] = []
    for k, i in enumerate(order_idx):
        due = visits[i].window[1]
        if arrivals[k] > due:
            problems.append(f"{visits[i].key}: arrives at {arrivals[k]} after {due}")
    if end > day_end:
        problems.append(f"back at the depot at {end}, after the end of the day {day_end}")
    return leave, arrivals, end, break_start, problems


__all__ = [
    "DayRoute",
    "Solution",
    "Visit",
    "instance_data",
    "nint",
    "plan_day",
    "solve",
]
