"""Assigning the van's stops to the days of a four-week period, and ordering each day.

Each stop comes at a frequency: every week ("weekly"), every other week ("fortnightly", odd or
even weeks as the spreading below chooses; "fortnightly_even" forces weeks 2 and 4,
"fortnightly_odd" weeks 1 and 3) or once in the period ("monthly"). A stop
keeps the same weekday all period, so people know when the van comes. Seasonal pauses remove a
stop from some weeks (the caller turns dates into week numbers 1..weeks).

How it is done (a "route first, cluster second" heuristic, then repair):

1. Every stop is first tried alone (depot, stop, depot): one that cannot fit in a day at all
   (too far, too long, window outside the day, load above the capacity) is reported in
   ``unassigned`` with the reason.
2. One tour through all the other stops is computed (PyVRP, or exactly for a few stops); stops
   next to each other on it are close to each other. That tour is cut into as few contiguous
   pieces as the estimated work needs (at most one per working weekday), balanced by work
   (service time plus driving, weighted by how often the stop comes); each piece becomes a
   weekday, spread over the week.
3. Weeks are spread: each "fortnightly" stop takes the parity (odd or even weeks) with fewer
   visits so far, and each monthly stop the week with fewest visits (then the least work on its
   weekday). Later moves never widen the gap between the busiest and the quietest week beyond
   one visit (or beyond what forced weeks and pauses already make it), so when every stop is
   placed and none is paused or forced, the weeks' visit counts differ by at most one.
4. Each day is ordered by :func:`grappe.tours.routing.plan_day` (time windows, service times,
   capacity, length of the day, break). While a day does not fit, a stop leaves it: the one
   whose removal saves the most time and that fits elsewhere (another weekday for a weekly or
   fortnightly stop, keeping its weeks; another week or weekday for a monthly stop), trying
   the days whose stops are nearest first. When no stop of the day can move, the stop of lowest
   ``priority`` (e.g. the need it serves), then saving the most time, is reported in
   ``unassigned``; none is ever dropped silently. Left-out stops get a second chance at the end.
5. Improvement: single stops move to another day (weekday, or week for a monthly stop) when
   that shortens the period's km (then hours) and every day still fits; at most
   ``improve_passes`` passes and ``improve_seconds`` seconds.

No Django here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from grappe.tours.routing import DAY, DayRoute, DayRules, Visit, plan_day

# Why a stop is left unassigned (codes for the interface to translate):
CAPACITY = "capacity"  # its load alone (kg, or litres) is above the van's capacity
DAY_LENGTH = "day_length"  # driving there and back plus its service do not fit in a working day
WINDOW = "window"  # its time window cannot be met within the working day
NO_ROOM = "no_room"  # it fits alone, but no working day has room for it at its frequency

FREQUENCIES = ("weekly", "fortnightly", "fortnightly_even", "fortnightly_odd", "monthly")
FILL = 0.8  # share of a day's budget the first grouping aims to fill (the rest is for slack)
MAX_OPTIONS = 8  # relocation options tried per stop leaving a day


@dataclass(frozen=True)
class StopSpec:
    key: Hashable
    frequency: str  # one of FREQUENCIES
    service_minutes: int
    demand_kg: int = 0
    window: tuple[int, int] = (0, DAY)
    paused_weeks: frozenset[int] = frozenset()
    volume_l: int = 0
    priority: float = 0.0  # when days are full, stops of lower priority are left out first

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")

    def visit(self) -> Visit:
        return Visit(self.key, self.service_minutes, self.demand_kg, self.window, self.volume_l)


@dataclass(frozen=True)
class PlannedDay:
    week: int  # 1..weeks
    weekday: int  # 0 = Monday
    route: DayRoute


@dataclass(frozen=True)
class PeriodPlan:
    days: list[PlannedDay]  # every working day of the period, in order (empty days included)
    unassigned: list[Hashable]  # stops that fit on no day
    km: float
    minutes: int
    reasons: dict[Hashable, str] = field(default_factory=dict)  # why each stop is unassigned, in words
    # ... and as a code to translate: CAPACITY, WINDOW, DAY_LENGTH or NO_ROOM
    reason_codes: dict[Hashable, str] = field(default_factory=dict)
    schedule: dict[Hashable, list[tuple[int, int]]] = field(default_factory=dict)  # (week, weekday)
    paused: list[Hashable] = field(default_factory=list)  # paused in every week: no visit due
    # For a stop left out for NO_ROOM: the (week, weekday) of the first day it did not fit in
    conflicts: dict[Hashable, tuple[int, int]] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return all(day.route.feasible for day in self.days)


def frequency_weeks(frequency: str, weeks: int) -> list[int]:
    """Weeks (1..weeks) a stop of this frequency may come; a monthly stop comes in one of them, a
    "fortnightly" stop in the odd or the even ones (see :func:`parity_weeks`)."""
    if frequency in ("weekly", "monthly", "fortnightly"):
        return list(range(1, weeks + 1))
    if frequency == "fortnightly_even":
        return [w for w in range(1, weeks + 1) if w % 2 == 0]
    if frequency == "fortnightly_odd":
        return [w for w in range(1, weeks + 1) if w % 2 == 1]
    raise ValueError(f"unknown frequency {frequency!r}")


def parity_weeks(parity: int, weeks: int) -> list[int]:
    """Odd weeks (parity 1) or even weeks (parity 0) of the period."""
    return [w for w in range(1, weeks + 1) if w % 2 == parity]


def week_counts(weeks_of: dict, weeks: int) -> list[int]:
    """Visits per week (index 0 is week 1) of a stop -> weeks mapping."""
    counts = [0] * weeks
    for chosen in weeks_of.values():
        for w in chosen:
            counts[w - 1] += 1
    return counts


def spread(counts: list[int]) -> int:
    return max(counts) - min(counts) if counts else 0


def plan_period(
    stops: Sequence[StopSpec],
    distance_m: Sequence[Sequence[int]],
    duration_min: Sequence[Sequence[int]],
    working_weekdays: Sequence[int],
    rules: DayRules,
    *,
    weeks: int = 4,
    seconds_per_day: float = 0.5,
    seed: int = 1,
    improve_passes: int = 2,
    improve_seconds: float = 5.0,
) -> PeriodPlan:
    """Assign stops to the working days of ``weeks`` weeks and order each day; see the module doc.

    Index 0 of the matrices is the depot and index i+1 is ``stops[i]``. Every working day follows
    the same ``rules`` (start and end, capacity, break).
    """
    planner = _Planner(
        list(stops),
        distance_m,
        duration_min,
        sorted(set(working_weekdays)),
        rules,
        weeks=weeks,
        seconds=seconds_per_day,
        seed=seed,
        improve_passes=improve_passes,
        improve_seconds=improve_seconds,
    )
    return planner.run()


class _Planner:
    def __init__(
        self,
        stops: list[StopSpec],
        distance_m: Sequence[Sequence[int]],
        duration_min: Sequence[Sequence[int]],
        weekdays: list[int],
        rules: DayRules,
        *,
        weeks: int,
        seconds: float,
        seed: int,
        improve_passes: int,
        improve_seconds: float,
    ) -> None:
        n = len(stops)
        if len(distance_m) != n + 1 or len(duration_min) != n + 1:
            raise ValueError("the matrices must have one row for the depot and one per stop")
        if len({s.key for s in stops}) != n:
            raise ValueError("stop keys must be unique")
        if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
            raise ValueError("working weekdays are 0 (Monday) to 6 (Sunday), at least one")
        if weeks < 1:
            raise ValueError("a period has at least one week")
        self.stops = stops
        self.distance = distance_m
        self.duration = duration_min
        self.weekdays = weekdays
        self.rules = rules
        self.weeks = weeks
        self.seconds = seconds
        self.seed = seed
        self.cache: dict[frozenset[int], DayRoute] = {}
        # stop index -> weekday, and the weeks it comes (after pauses)
        self.weekday_of: dict[int, int] = {}
        self.weeks_of: dict[int, list[int]] = {}
        self.unassigned: dict[int, str] = {}
        self.paused: list[int] = []
        self.left_out: set[int] = set()  # unassigned by the repair (each fits alone)
        self.codes: dict[int, str] = {}  # reason code per unassigned stop
        self.conflicts: dict[int, tuple[int, int]] = {}  # (week, weekday) where a NO_ROOM stop did not fit
        self.parity: dict[int, int] = {}  # "fortnightly" stop -> 1 (odd weeks) or 0 (even weeks)
        self.improve_passes = improve_passes
        self.improve_seconds = improve_seconds

    # ----------------------------------------------------------------- days and their routes

    def route(self, members: frozenset[int]) -> DayRoute:
        """Planned route of a set of stop indices (cached: weeks often repeat the same set)."""
        cached = self.cache.get(members)
        if cached is not None:
            return cached
        order = sorted(members)
        rows = [0, *(i + 1 for i in order)]
        distance = [[self.distance[a][b] for b in rows] for a in rows]
        duration = [[self.duration[a][b] for b in rows] for a in rows]
        route = plan_day(
            [self.stops[i].visit() for i in order], distance, duration, self.rules, seconds=self.seconds, seed=self.seed
        )
        self.cache[members] = route
        return route

    def fits(self, members: frozenset[int]) -> bool:
        """Whether a day with these stops can be planned; a quick bound rules out hopeless days.

        Lower bound of a day: the service times plus, for the depot and each stop, the shortest
        drive into it from another place of the day (every place is entered once).
        """
        rules = self.rules
        if sum(self.stops[i].demand_kg for i in members) > rules.capacity_kg:
            return False
        if rules.capacity_l is not None and sum(self.stops[i].volume_l for i in members) > rules.capacity_l:
            return False
        places = [0, *(i + 1 for i in members)]
        drive = sum(min(self.duration[u][v] for u in places if u != v) for v in places)
        service = sum(self.stops[i].service_minutes for i in members)
        if service + drive > rules.working_minutes:
            return False
        return self.route(members).feasible

    def members(self, week: int, weekday: int) -> frozenset[int]:
        return frozenset(
            i for i, d in self.weekday_of.items() if d == weekday and week in self.weeks_of.get(i, ())
        )

    def active_weeks(self, i: int) -> list[int]:
        stop = self.stops[i]
        if stop.frequency == "fortnightly" and i in self.parity:
            allowed = parity_weeks(self.parity[i], self.weeks)
        else:
            allowed = frequency_weeks(stop.frequency, self.weeks)
        return [w for w in allowed if w not in stop.paused_weeks]

    def counts(self, without: int | None = None) -> list[int]:
        """Visits per week of the stops placed so far (leaving out stop ``without``)."""
        return week_counts({i: w for i, w in self.weeks_of.items() if i != without}, self.weeks)

    def keeps_balance(self, i: int, new_weeks: list[int]) -> bool:
        """Whether stop i coming in ``new_weeks`` keeps the weeks' visit counts within one of each
        other (or no further apart than they already are)."""
        now = spread(self.counts())
        counts = self.counts(without=i)
        for w in new_weeks:
            counts[w - 1] += 1
        return spread(counts) <= max(1, now)

    def choose_parities(self, candidates: list[int]) -> None:
        """Odd or even weeks for each "fortnightly" stop: the parity whose weeks have fewer visits
        so far (the stops of fixed weeks counted first), so that the weeks stay balanced."""
        counts = [0] * self.weeks
        flexible = []
        for i in candidates:
            stop = self.stops[i]
            if stop.frequency == "fortnightly":
                flexible.append(i)
            elif stop.frequency != "monthly":
                for w in self.active_weeks(i):
                    counts[w - 1] += 1
        for i in flexible:
            paused = self.stops[i].paused_weeks
            options = []
            for parity in (1, 0):
                chosen = [w for w in parity_weeks(parity, self.weeks) if w not in paused]
                after = list(counts)
                for w in chosen:
                    after[w - 1] += 1
                options.append((spread(after), max(after), -len(chosen), parity, after))
            *_, parity, after = min(options)
            self.parity[i] = parity
            counts = after

    # ----------------------------------------------------------------- the steps

    def run(self) -> PeriodPlan:
        candidates = []
        for i in range(len(self.stops)):
            if not self.active_weeks(i):
                self.paused.append(i)
                continue
            alone = self.route(frozenset([i]))
            if not alone.feasible:
                self.unassigned[i] = "; ".join(alone.problems) or "does not fit in a day"
                self.codes[i] = self.why_alone(i)
                continue
            candidates.append(i)
        self.choose_parities(candidates)
        self.group(candidates)
        self.repair()
        self.reinsert()
        if self.improve_passes:
            self.improve()
        return self.result()

    def why_alone(self, i: int) -> str:
        """Reason code for a stop that cannot be planned even alone in a day."""
        stop, rules = self.stops[i], self.rules
        if stop.demand_kg > rules.capacity_kg:
            return CAPACITY
        if rules.capacity_l is not None and stop.volume_l > rules.capacity_l:
            return CAPACITY
        there = self.duration[0][i + 1]
        back = self.duration[i + 1][0]
        if there + stop.service_minutes + back > rules.working_minutes:
            return DAY_LENGTH
        return WINDOW

    def work(self, i: int, previous: int) -> float:
        """Minutes a stop adds to a day, weighted by the share of weeks it comes."""
        stop = self.stops[i]
        share = (1 if stop.frequency == "monthly" else len(self.active_weeks(i))) / self.weeks
        return share * (stop.service_minutes + self.duration[previous][i + 1])

    def group(self, candidates: list[int]) -> None:
        if not candidates:
            return
        tour = self.giant_tour(candidates)
        loads = []
        previous = 0
        for i in tour:
            loads.append(self.work(i, previous))
            previous = i + 1
        budget = max(1, self.rules.working_minutes)
        depot_legs = 2 * max(self.duration[0][i + 1] for i in tour)
        needed = math.ceil((sum(loads) + depot_legs) / (FILL * budget))
        pieces = max(1, min(len(self.weekdays), needed, len(tour)))
        cuts = _balanced_cut(loads, pieces)
        days = _spread_days(self.weekdays, pieces)
        for piece, (a, b) in enumerate(cuts):
            for i in tour[a:b]:
                self.weekday_of[i] = days[piece]
                if self.stops[i].frequency != "monthly":
                    self.weeks_of[i] = self.active_weeks(i)
        # Monthly stops: the allowed week with fewest visits, then the least work on their weekday,
        # biggest stops first.
        monthly = [i for i in tour if self.stops[i].frequency == "monthly"]
        monthly.sort(key=lambda i: -self.stops[i].service_minutes)
        for i in monthly:
            day = self.weekday_of[i]
            counts = self.counts()
            self.weeks_of[i] = [min((counts[w - 1], self.day_work(w, day), w) for w in self.active_weeks(i))[2]]

    def day_work(self, week: int, weekday: int) -> int:
        return sum(self.stops[i].service_minutes for i in self.members(week, weekday))

    def giant_tour(self, candidates: list[int]) -> list[int]:
        """One tour through all stops, ignoring the day's limits: its order groups close stops."""
        rows = [0, *(i + 1 for i in candidates)]
        distance = [[self.distance[a][b] for b in rows] for a in rows]
        duration = [[self.duration[a][b] for b in rows] for a in rows]
        visits = [Visit(i, 0, window=(0, 10**9)) for i in candidates]
        unlimited = DayRules(day_start=0, day_end=10**9, capacity_kg=0)
        tour = plan_day(visits, distance, duration, unlimited, seconds=self.seconds, seed=self.seed)
        return list(tour.order)  # type: ignore[arg-type]

    def repair(self) -> None:
        while True:
            broken = [
                (w, d)
                for w in range(1, self.weeks + 1)
                for d in self.weekdays
                if (m := self.members(w, d)) and not self.route(m).feasible
            ]
            if not broken:
                return
            week, weekday = broken[0]
            members = self.members(week, weekday)
            route = self.route(members)
            ranked = sorted(members, key=lambda i: (-self.saving(i, route), str(self.stops[i].key)))
            for i in ranked:
                if self.relocate(i, week, weekday):
                    break
            else:
                # No stop can move: leave out the least important (lowest priority), and among
                # equals the one whose removal saves the most time.
                worst = min(ranked, key=lambda i: self.stops[i].priority)
                self.codes[worst] = NO_ROOM
                self.conflicts[worst] = (week, weekday)
                self.unassigned[worst] = (
                    f"no room on any working day (first conflict: week {week}, weekday {weekday})"
                )
                self.left_out.add(worst)
                del self.weekday_of[worst]
                del self.weeks_of[worst]

    def saving(self, i: int, route: DayRoute) -> int:
        """Minutes saved on a route by leaving stop i out: its service and its detour."""
        order = self.order_indices(route)
        if i not in order:
            return self.stops[i].service_minutes
        position = order.index(i)
        before = order[position - 1] + 1 if position > 0 else 0
        after = order[position + 1] + 1 if position + 1 < len(order) else 0
        t = self.duration
        detour = t[before][i + 1] + t[i + 1][after] - t[before][after]
        return self.stops[i].service_minutes + detour

    def order_indices(self, route: DayRoute) -> list[int]:
        index = {stop.key: i for i, stop in enumerate(self.stops)}
        return [index[k] for k in route.order]

    def options(
        self, i: int, week: int | None, weekday: int | None, *, strict: bool = False
    ) -> list[tuple[int, int]]:
        """Where stop i could go, nearest first: (weekday, week, or 0 for all its weeks).

        A monthly stop's weeks that would unbalance the weeks come last (``strict``: not at all);
        a stop is better placed in an unbalanced week than left out."""
        if self.stops[i].frequency == "monthly":
            options = [
                (d, w) for d in self.weekdays for w in self.active_weeks(i) if (w, d) != (week, weekday)
            ]
            balanced = {w: self.keeps_balance(i, [w]) for w in self.active_weeks(i)}
            if strict:
                options = [o for o in options if balanced[o[1]]]
            options.sort(key=lambda o: (not balanced[o[1]], self.closeness(i, o), o))
            return options
        options = [(d, 0) for d in self.weekdays if d != weekday]
        options.sort(key=lambda o: (self.closeness(i, o), o))
        return options

    def day_cost(self, members: frozenset[int]) -> tuple[float, int]:
        """(km, minutes) of a day; an empty day costs nothing (the van stays home)."""
        if not members:
            return (0.0, 0)
        route = self.route(members)
        return (route.km, route.minutes)

    def improve(self) -> None:
        """Move single stops to other days while that shortens the period (km, then hours).

        Each move keeps every affected day feasible; moving the last stop of a day away saves
        the whole trip, so this also gathers stops into fewer days when they fit.
        """
        deadline = time.perf_counter() + self.improve_seconds
        for _ in range(self.improve_passes):
            improved = False
            for i in sorted(self.weekday_of, key=lambda i: str(self.stops[i].key)):
                if time.perf_counter() > deadline:
                    return
                old_day, old_weeks = self.weekday_of[i], self.weeks_of[i]
                best: tuple[tuple[float, int], int, list[int]] | None = None
                week = old_weeks[0] if len(old_weeks) == 1 else None
                for d, w in self.options(i, week, old_day, strict=True):
                    new_weeks = [w] if w else self.active_weeks(i)
                    if d == old_day and new_weeks == old_weeks:
                        continue
                    delta = self.move_delta(i, old_day, old_weeks, d, new_weeks)
                    if delta is not None and delta < (-1e-6, 0) and (best is None or delta < best[0]):
                        best = (delta, d, new_weeks)
                if best is not None:
                    _, d, new_weeks = best
                    self.weekday_of[i], self.weeks_of[i] = d, new_weeks
                    improved = True
            if not improved:
                return

    def move_delta(
        self, i: int, old_day: int, old_weeks: list[int], day: int, weeks: list[int]
    ) -> tuple[float, int] | None:
        """Change of (km, minutes) over the period if stop i moves; None if a day would not fit."""
        km = 0.0
        minutes = 0
        for w in old_weeks:
            before = self.members(w, old_day)
            after = before - {i}
            if after and not self.route(after).feasible:
                return None  # possible only with roads breaking the triangle inequality
            (k0, m0), (k1, m1) = self.day_cost(before), self.day_cost(after)
            km += k1 - k0
            minutes += m1 - m0
        for w in weeks:
            before = self.members(w, day) - {i}
            after = before | {i}
            if not self.fits(after):
                return None
            (k0, m0), (k1, m1) = self.day_cost(before), self.day_cost(after)
            km += k1 - k0
            minutes += m1 - m0
        return (round(km, 6), minutes)

    def reinsert(self) -> None:
        """Give the stops left out by the repair a second chance, now that the days are settled."""
        for i in sorted(self.unassigned):
            if i not in self.left_out:
                continue  # does not fit even alone
            for d, w in self.options(i, None, None):
                new_weeks = [w] if w else self.active_weeks(i)
                if all(self.fits(self.members(x, d) | {i}) for x in new_weeks):
                    self.weekday_of[i], self.weeks_of[i] = d, new_weeks
                    del self.unassigned[i]
                    del self.codes[i]
                    self.conflicts.pop(i, None)
                    self.left_out.discard(i)
                    break

    def relocate(self, i: int, week: int, weekday: int) -> bool:
        """Move stop i out of (week, weekday) to days where everything still fits."""
        options = self.options(i, week, weekday)
        old_day, old_weeks = self.weekday_of[i], self.weeks_of[i]
        for d, w in options[:MAX_OPTIONS]:
            new_weeks = [w] if w else self.active_weeks(i)
            if all(self.fits(self.members(x, d) | {i}) for x in new_weeks):
                self.weekday_of[i], self.weeks_of[i] = d, new_weeks
                return True
        self.weekday_of[i], self.weeks_of[i] = old_day, old_weeks
        return False

    def closeness(self, i: int, option: tuple[int, int]) -> float:
        """Minutes from stop i to the nearest stop already on the option's day(s) (depot if none)."""
        d, w = option
        weeks = [w] if w else self.active_weeks(i)
        others = {j for x in weeks for j in self.members(x, d)} - {i}
        targets = [j + 1 for j in others] or [0]
        return min(self.duration[i + 1][t] for t in targets)

    def result(self) -> PeriodPlan:
        days = []
        km = 0.0
        minutes = 0
        for w in range(1, self.weeks + 1):
            for d in self.weekdays:
                members = self.members(w, d)
                route = self.route(members) if members else self.route(frozenset())
                days.append(PlannedDay(week=w, weekday=d, route=route))
                km += route.km
                minutes += route.minutes
        schedule = {
            self.stops[i].key: [(w, self.weekday_of[i]) for w in sorted(self.weeks_of[i])]
            for i in sorted(self.weekday_of)
        }
        unassigned = sorted(self.unassigned)
        return PeriodPlan(
            days=days,
            unassigned=[self.stops[i].key for i in unassigned],
            km=km,
            minutes=minutes,
            reasons={self.stops[i].key: self.unassigned[i] for i in unassigned},
            reason_codes={self.stops[i].key: self.codes[i] for i in unassigned},
            schedule=schedule,
            paused=[self.stops[i].key for i in self.paused],
            conflicts={self.stops[i].key: self.conflicts[i] for i in unassigned if i in self.conflicts},
        )


def _balanced_cut(loads: list[float], pieces: int) -> list[tuple[int, int]]:
    """Cut a sequence into ``pieces`` contiguous non-empty parts minimising the largest sum."""
    n = len(loads)
    prefix = [0.0]
    for x in loads:
        prefix.append(prefix[-1] + x)
    inf = math.inf
    # best[k][j]: smallest possible max-sum cutting the first j items into k parts
    best = [[inf] * (n + 1) for _ in range(pieces + 1)]
    cut = [[0] * (n + 1) for _ in range(pieces + 1)]
    best[0][0] = 0.0
    for k in range(1, pieces + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                value = max(best[k - 1][i], prefix[j] - prefix[i])
                if value < best[k][j]:
                    best[k][j], cut[k][j] = value, i
    bounds = []
    j = n
    for k in range(pieces, 0, -1):
        i = cut[k][j]
        bounds.append((i, j))
        j = i
    return bounds[::-1]


def _spread_days(weekdays: list[int], pieces: int) -> list[int]:
    """``pieces`` weekdays spread over the working week (e.g. 2 of Mon-Fri: Mon, Wed)."""
    if pieces >= len(weekdays):
        return weekdays[:pieces]
    step = len(weekdays) / pieces
    return [weekdays[int(k * step)] for k in range(pieces)]
