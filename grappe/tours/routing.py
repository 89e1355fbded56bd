"""The van's day, ordered over PyVRP: visits with service times, time windows and loads, a
working day and a lunch break, from matrices of metres and minutes.

- :class:`DayRules` are the rules of one working day of the van (when it may leave and must be
  back, what it carries, its break); :class:`Visit` is one stop of the day.
- :func:`plan_day` orders one day: exactly (dynamic programming) for a handful of visits, else
  with PyVRP's search; :func:`grappe.tours.scheduling.plan_period` calls it for every day of a
  four-week period.
- :func:`search` is the one entry point into PyVRP's solver, shared with the benchmark side
  (:mod:`grappe.tours.benchmark`, which reads the classic VRP files and solves them).

PyVRP works in integers: the matrices are whole metres and whole minutes. No Django here.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement, StoppingCriterion

EXACT_MAX_VISITS = 8  # days with at most this many visits are ordered exactly (dynamic programming)
DAY = 24 * 60
UNBOUNDED = 10**9


# --------------------------------------------------------------------------- PyVRP's search


def search(
    data: pyvrp.ProblemData,
    *,
    seconds: float,
    seed: int,
    max_iterations: int | None = None,
    no_improvement: int | None = None,
    callbacks: pyvrp.IteratedLocalSearchCallbacks | None = None,
) -> pyvrp.Solution:
    """PyVRP's search for at most ``seconds`` (and optional iteration caps); the best solution."""
    criteria: list[StoppingCriterion] = [MaxRuntime(max(seconds, 0.0))]
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    if no_improvement is not None:
        criteria.append(NoImprovement(no_improvement))
    stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
    if callbacks is None:
        callbacks = pyvrp.IteratedLocalSearchCallbacks()  # what PyVRP puts in place of None: no-ops
    params = pyvrp.SolveParams(ils=pyvrp.IteratedLocalSearchParams(callbacks=callbacks))
    result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False, params=params)
    return result.best


def visited_locations(data: pyvrp.ProblemData, route: pyvrp.Route) -> list[int]:
    """Location indices of the clients a route visits, in order."""
    return [data.client(activity.idx).location for activity in route if activity.is_client()]


# --------------------------------------------------------------------------- the van's day


@dataclass(frozen=True, kw_only=True)
class DayRules:
    """The rules of one working day of the van; times are minutes from midnight."""

    day_start: int  # leaves the depot at the earliest
    day_end: int  # back at the depot at the latest, break included
    capacity_kg: int  # load the van carries
    capacity_l: int | None = None  # volume it carries, checked against the visits' litres when given
    break_minutes: int = 0  # a break during the day (lunch), 0 for none
    lunch_at: int = 12 * 60 + 30  # the break is placed as near this time as the windows allow

    @property
    def latest_back(self) -> int:
        """When the van must be back if it drove through the break: the day shortened by it."""
        return self.day_end - self.break_minutes

    @property
    def working_minutes(self) -> int:
        """Minutes of the day for driving and service: its length less the break."""
        return self.day_end - self.day_start - self.break_minutes


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
    distance_m: Sequence[Sequence[int]],
    duration_min: Sequence[Sequence[int]],
    rules: DayRules,
    *,
    seconds: float = 1.0,
    seed: int = 1,
    objective: str = "distance",
) -> DayRoute:
    """Order one day's visits for the van, leaving from and returning to the depot.

    Index 0 of the matrices is the depot and index i+1 is ``visits[i]``; distances in metres,
    durations in minutes. The van leaves the depot at ``rules.day_start`` at the earliest and
    must be back by ``rules.day_end``. ``window`` is when service may *start* at a visit. The van
    carries at most ``rules.capacity_kg`` (and ``rules.capacity_l`` litres when given, against
    the visits' ``volume_l``).

    The break: the solver plans the route in a day shortened by the break (the van must be back
    by :attr:`DayRules.latest_back`), so that the break always fits; the break is then placed
    between two visits (or before driving home), as close to ``rules.lunch_at`` as the time
    windows allow, and the later arrivals are shifted by what waiting does not absorb.

    ``objective`` is "distance" (fewest km, the default) or "duration" (shortest day); ``seconds``
    and ``seed`` drive PyVRP's search when the day is too large to be ordered exactly.
    The result is never silently wrong: ``feasible`` is False (and ``problems`` says why) when
    not all visits fit in the day, the capacity or their windows.
    """
    visits = list(visits)
    n = len(visits)
    if len(distance_m) != n + 1 or len(duration_min) != n + 1:
        raise ValueError("the matrices must have one row for the depot and one per visit")
    if objective not in ("distance", "duration"):
        raise ValueError("objective is 'distance' or 'duration'")
    day_start = rules.day_start
    if not visits:
        return DayRoute(
            order=[], arrivals=[], km=0.0, minutes=0, feasible=True, start=day_start, end=day_start
        )
    latest_back = rules.latest_back
    distance = np.asarray(distance_m, dtype=np.int64)
    duration = np.asarray(duration_min, dtype=np.int64)
    data = _day_data(visits, distance, duration, rules, objective)  # also checks the input
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
            best = search(
                data,
                seconds=seconds,
                seed=seed,
                max_iterations=2_000 if exact else None,
                no_improvement=_stall_limit(n),
            )
        order_idx = [i - 1 for route in best.routes() for i in visited_locations(data, route)]
    return _schedule(visits, order_idx, distance, duration, rules)


def _day_data(
    visits: list[Visit], distance: np.ndarray, duration: np.ndarray, rules: DayRules, objective: str
) -> pyvrp.ProblemData:
    """PyVRP's model of one day: one van, leaving and back within the day shortened by the break."""
    n = len(visits)
    capacity_kg, capacity_l = rules.capacity_kg, rules.capacity_l
    day_start, back_by = rules.day_start, max(rules.latest_back, rules.day_start)
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
        tw_late=back_by,
        unit_distance_cost=1 if objective == "distance" else 0,
        unit_duration_cost=0 if objective == "distance" else 1,
    )
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=[pyvrp.Depot(location=0, tw_early=day_start, tw_late=back_by)],
        vehicle_types=[vehicle],
        # PyVRP's stub says np.ndarray[int] (shape "int"), which no real array type matches.
        distance_matrices=[distance],  # type: ignore[list-item]
        duration_matrices=[duration],  # type: ignore[list-item]
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
    rules: DayRules,
) -> DayRoute:
    """Times of a given order, with the break placed as near ``rules.lunch_at`` as possible."""
    path = [0, *(i + 1 for i in order_idx)]
    km = (sum(int(distance[a, b]) for a, b in zip(path, [*path[1:], 0], strict=False))) / 1000
    candidates: Sequence[int | None] = range(len(order_idx) + 1) if rules.break_minutes > 0 else [None]
    best: tuple[tuple[int, int], int, list[int], int, int | None, list[str]] | None = None
    for position in candidates:
        start, arrivals, end, break_start, problems = _timeline(visits, order_idx, duration, rules, position)
        rank = (len(problems), abs(break_start - rules.lunch_at) if break_start is not None else 0)
        if best is None or rank < best[0]:
            best = (rank, start, arrivals, end, break_start, problems)
    assert best is not None
    _, start, arrivals, end, break_start, problems = best
    problems = list(problems)
    load = sum(visits[i].demand_kg for i in order_idx)
    if load > rules.capacity_kg:
        problems.append(f"load {load} kg > capacity {rules.capacity_kg} kg")
    volume = sum(visits[i].volume_l for i in order_idx)
    if rules.capacity_l is not None and volume > rules.capacity_l:
        problems.append(f"volume {volume} L > capacity {rules.capacity_l} L")
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
    rules: DayRules,
    break_position: int | None,
) -> tuple[int, list[int], int, int | None, list[str]]:
    """Forward schedule leaving at the latest time that adds no lateness, break after visit k."""
    day_start, day_end, break_minutes = rules.day_start, rules.day_end, rules.break_minutes

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
    "DayRules",
    "Visit",
    "plan_day",
    "search",
    "visited_locations",
]
