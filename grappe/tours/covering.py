"""Choosing the van's stops: maximal covering location, solved exactly with HiGHS.

Given demand points with a weight (need-weighted population) and candidate stops, each
covering the demand points within reach, choose at most K stops and/or stay within a budget
(e.g. van hours per month) so as to maximise the weight covered:

    maximise   sum_p w_p z_p
    subject to z_p <= sum_{c covers p} y_c      for every demand point p
               sum_c y_c <= K                    (when max_stops is given)
               sum_c cost_c y_c <= budget        (when budget is given)
               y_c in {0, 1},  0 <= z_p <= 1

z_p may stay continuous: for any integral y the best z_p is min(1, sum y) in {0, 1}.
Points that no candidate covers and points of zero weight are left out of the model, and
points covered by the same set of candidates are merged (their weights added); this changes
nothing to the optimum and makes the model much smaller.

HiGHS reports whether the optimum is proven (model status "Optimal", gap within its
tolerance) or the relative gap between the best solution and the best bound when the time
limit stops it. No Django here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Generic, TypeVar

import highspy
from highspy import ObjSense

# HiGHS's default relative MIP gap tolerance is 1e-4; a covering optimum is proven exactly here.
MIP_REL_GAP = 1e-9


C = TypeVar("C", bound=Hashable)  # a candidate stop
P = TypeVar("P", bound=Hashable)  # a demand point


@dataclass(frozen=True)
class CoverResult(Generic[C]):
    chosen: list[C]  # candidate keys, in the order of ``covers``
    covered_weight: float
    total_weight: float
    optimal: bool  # proven optimal by HiGHS
    gap: float  # relative gap between the solution and HiGHS's bound (0 when proven)
    seconds: float
    status: str = ""

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0


def select_stops(
    demand: Mapping[P, float],
    covers: Mapping[C, AbstractSet[P]],
    max_stops: int | None = None,
    cost: Mapping[C, float] | None = None,
    budget: float | None = None,
    time_limit: float = 30.0,
    *,
    threads: int = 1,
    presolve: bool = False,
    log: bool = False,
) -> CoverResult[C]:
    """Choose stops maximising the demand weight within reach; see the module's docstring.

    ``demand`` maps a demand point to its weight (>= 0); ``covers`` maps each candidate stop to
    the demand points it reaches (points not in ``demand`` are ignored). ``max_stops`` bounds
    the number of stops, ``budget`` the sum of ``cost`` of the chosen stops (a candidate without
    a cost costs 0). With neither bound, every useful candidate is chosen.

    Three steps: reduce the instance (:func:`_reduce`), build HiGHS's model (:func:`_build`),
    solve it and read the result (:func:`_read`).
    """
    started = time.perf_counter()
    if any(w < 0 or math.isnan(w) for w in demand.values()):
        raise ValueError("demand weights must be non-negative numbers")
    if max_stops is not None and max_stops < 0:
        raise ValueError("max_stops must be >= 0")
    if budget is not None and cost is None:
        raise ValueError("a budget needs a cost per candidate")
    costs = dict(cost or {})
    if any(c < 0 for c in costs.values()):
        raise ValueError("costs must be non-negative")
    reduced = _reduce(demand, covers, costs, budget)
    if not reduced.groups or max_stops == 0:
        return CoverResult([], 0.0, reduced.total, True, 0.0, time.perf_counter() - started, "trivial")
    model = _build(
        reduced, max_stops, costs, budget, time_limit=time_limit, threads=threads, presolve=presolve, log=log
    )
    model.highs.solve()
    return _read(model, reduced, started)


@dataclass(frozen=True)
class _Reduced(Generic[C]):
    """The instance once reduced: what the model is built from."""

    candidates: list[C]  # every candidate, in the order of ``covers``
    groups: list[tuple[frozenset[int], float]]  # merged demand points: their candidates, their weight
    usable: list[int]  # the candidates (indices) that cover some group, in order
    total: float  # weight of all demand points, covered or not


def _reduce(
    demand: Mapping[P, float],
    covers: Mapping[C, AbstractSet[P]],
    cost: Mapping[C, float],
    budget: float | None,
) -> _Reduced[C]:
    """Leave out what cannot matter and merge demand points covered by the same candidates."""
    candidates = list(covers)
    # A candidate dearer than the whole budget can never be chosen.
    allowed = [
        c
        for c, candidate in enumerate(candidates)
        if budget is None or cost.get(candidate, 0.0) <= budget + 1e-9
    ]
    # Merge demand points covered by the same candidates; drop those no one covers.
    covering: dict[P, list[int]] = {}
    for c in allowed:
        for point in covers[candidates[c]]:
            if point in demand:
                covering.setdefault(point, []).append(c)
    groups: dict[frozenset[int], float] = {}
    for point, weight in demand.items():
        if weight > 0 and point in covering:
            key = frozenset(covering[point])
            groups[key] = groups.get(key, 0.0) + float(weight)
    return _Reduced(
        candidates=candidates,
        groups=list(groups.items()),
        usable=sorted({c for key in groups for c in key}),
        total=float(sum(demand.values())),
    )


@dataclass(frozen=True)
class _Model:
    highs: highspy.Highs
    chosen: highspy.HighspyArray  # y_c, one per usable candidate, in the order of ``usable``


def _build(
    reduced: _Reduced[C],
    max_stops: int | None,
    cost: Mapping[C, float],
    budget: float | None,
    *,
    time_limit: float,
    threads: int,
    presolve: bool,
    log: bool,
) -> _Model:
    """HiGHS's model of the reduced instance, with its options (the module's docstring gives it)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 1)
    # HiGHS's presolve spends seconds probing this model (7 s for K = 1 over the 362 Drôme
    # communes) and gains nothing after the merging of demand points above: off by default.
    h.setOptionValue("presolve", "on" if presolve else "off")
    usable, groups = reduced.usable, reduced.groups
    y = h.addBinaries(len(usable))  # the stop is chosen
    z = h.addVariables(len(groups), lb=0, ub=1)  # the group of demand points is covered
    y_of = dict(zip(usable, y, strict=True))
    h.setObjective(h.qsum(weight * z_g for z_g, (_, weight) in zip(z, groups, strict=True)), ObjSense.kMaximize)
    h.addConstrs(  # a group is covered only if one of its candidates is chosen
        z_g - h.qsum(y_of[c] for c in sorted(key)) <= 0 for z_g, (key, _) in zip(z, groups, strict=True)
    )
    if max_stops is not None and max_stops < len(usable):
        h.addConstr(h.qsum(y) <= max_stops)
    if budget is not None:
        h.addConstr(h.qsum(float(cost.get(reduced.candidates[c], 0.0)) * y_of[c] for c in usable) <= budget)
    return _Model(h, y)


def _read(model: _Model, reduced: _Reduced[C], started: float) -> CoverResult[C]:
    """The chosen stops, the weight they cover and how sure HiGHS is of the optimum."""
    h = model.highs
    status = h.getModelStatus()
    chosen_cols: set[int] = set()
    if h.getSolution().value_valid:
        chosen_cols = {c for c, v in zip(reduced.usable, h.vals(model.chosen), strict=True) if v > 0.5}
    covered = sum(w for key, w in reduced.groups if key & chosen_cols)
    proven = status == highspy.HighsModelStatus.kOptimal
    return CoverResult(
        chosen=[reduced.candidates[c] for c in sorted(chosen_cols)],
        covered_weight=float(covered),
        total_weight=reduced.total,
        optimal=proven,
        gap=0.0 if proven else _gap(h.getInfo(), covered),
        seconds=time.perf_counter() - started,
        status=h.modelStatusToString(status),
    )


def _gap(info: highspy.HighsInfo, covered: float) -> float:
    bound = float(info.mip_dual_bound)
    if not math.isfinite(bound):
        return math.inf
    reported = float(info.mip_gap)
    if math.isfinite(reported) and reported >= 0:
        return reported
    return (bound - covered) / max(abs(bound), 1e-9)


def reach(
    distance: Mapping[C, Mapping[P, float]],
    limit: float,
) -> dict[C, set[P]]:
    """Which demand points each candidate reaches: ``distance[candidate][point] <= limit``."""
    return {c: {p for p, d in row.items() if d <= limit} for c, row in distance.items()}
