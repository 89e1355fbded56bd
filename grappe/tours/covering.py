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
from dataclasses import dataclass

import highspy
import numpy as np

# HiGHS's default relative MIP gap tolerance is 1e-4; a covering optimum is proven exactly here.
MIP_REL_GAP = 1e-9


@dataclass(frozen=True)
class CoverResult:
    chosen: list[Hashable]  # candidate keys, in the order of ``covers``
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
    demand: Mapping[Hashable, float],
    covers: Mapping[Hashable, set[Hashable] | frozenset[Hashable]],
    max_stops: int | None = None,
    cost: Mapping[Hashable, float] | None = None,
    budget: float | None = None,
    time_limit: float = 30.0,
    *,
    threads: int = 1,
    presolve: bool = False,
    log: bool = False,
) -> CoverResult:
    """Choose stops maximising the demand weight within reach; see the module's docstring.

    ``demand`` maps a demand point to its weight (>= 0); ``covers`` maps each candidate stop to
    the demand points it reaches (points not in ``demand`` are ignored). ``max_stops`` bounds
    the number of stops, ``budget`` the sum of ``cost`` of the chosen stops (a candidate without
    a cost costs 0). With neither bound, every useful candidate is chosen.
    """
    started = time.perf_counter()
    if any(w < 0 or math.isnan(w) for w in demand.values()):
        raise ValueError("demand weights must be non-negative numbers")
    if max_stops is not None and max_stops < 0:
        raise ValueError("max_stops must be >= 0")
    if budget is not None and cost is None:
        raise ValueError("a budget needs a cost per candidate")
    cost = dict(cost or {})
    if any(c < 0 for c in cost.values()):
        raise ValueError("costs must be non-negative")
    total = float(sum(demand.values()))
    candidates = list(covers)

    # A candidate dearer than the whole budget can never be chosen.
    allowed = [
        c
        for c, candidate in enumerate(candidates)
        if budget is None or cost.get(candidate, 0.0) <= budget + 1e-9
    ]
    # Merge demand points covered by the same candidates; drop those no one covers.
    covering: dict[Hashable, list[int]] = {}
    for c in allowed:
        for point in covers[candidates[c]]:
            if point in demand:
                covering.setdefault(point, []).append(c)
    groups: dict[frozenset[int], float] = {}
    for point, weight in demand.items():
        if weight > 0 and point in covering:
            key = frozenset(covering[point])
            groups[key] = groups.get(key, 0.0) + float(weight)
    usable = sorted({c for key in groups for c in key})
    if not groups or max_stops == 0:
        return CoverResult([], 0.0, total, True, 0.0, time.perf_counter() - started, "trivial")

    column = {c: k for k, c in enumerate(usable)}
    n_y = len(usable)
    group_list = list(groups.items())
    n_z = len(group_list)

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 1)
    # HiGHS's presolve spends seconds probing this model (7 s for K = 1 over the 362 Drôme
    # communes) and gains nothing after the merging of demand points above: off by default.
    h.setOptionValue("presolve", "on" if presolve else "off")
    inf = highspy.kHighsInf
    # Columns: y (binary) then z (continuous in [0, 1]); maximise the covered weight.
    lower = np.zeros(n_y + n_z)
    upper = np.ones(n_y + n_z)
    objective = np.concatenate([np.zeros(n_y), np.array([w for _, w in group_list])])
    h.addVars(n_y + n_z, lower, upper)
    h.changeColsCost(n_y + n_z, np.arange(n_y + n_z, dtype=np.int32), objective)
    h.changeColsIntegrality(
        n_y, np.arange(n_y, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n_y)
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    # z_g - sum_{c in g} y_c <= 0
    starts, indices, values = [], [], []
    for g, (key, _) in enumerate(group_list):
        starts.append(len(indices))
        indices.append(n_y + g)
        values.append(1.0)
        for c in sorted(key):
            indices.append(column[c])
            values.append(-1.0)
    h.addRows(
        n_z,
        np.full(n_z, -inf),
        np.zeros(n_z),
        len(indices),
        np.array(starts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(values),
    )
    all_y = np.arange(n_y, dtype=np.int32)
    if max_stops is not None and max_stops < n_y:
        h.addRow(-inf, float(max_stops), n_y, all_y, np.ones(n_y))
    if budget is not None:
        weights = np.array([float(cost.get(candidates[c], 0.0)) for c in usable])
        h.addRow(-inf, float(budget), n_y, all_y, weights)
    h.run()

    status = h.getModelStatus()
    info = h.getInfo()
    solution = h.getSolution()
    values_y = list(solution.col_value)[:n_y] if solution.value_valid else []
    chosen_cols = {c for c, v in zip(usable, values_y, strict=False) if v > 0.5}
    chosen = [candidates[c] for c in sorted(chosen_cols)]
    covered = sum(w for key, w in group_list if key & chosen_cols)
    proven = status == highspy.HighsModelStatus.kOptimal
    gap = 0.0 if proven else _gap(info, covered)
    return CoverResult(
        chosen=chosen,
        covered_weight=float(covered),
        total_weight=total,
        optimal=proven,
        gap=gap,
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
    distance: Mapping[Hashable, Mapping[Hashable, float]],
    limit: float,
) -> dict[Hashable, set[Hashable]]:
    """Which demand points each candidate reaches: ``distance[candidate][point] <= limit``."""
    return {c: {p for p, d in row.items() if d <= limit} for c, row in distance.items()}
