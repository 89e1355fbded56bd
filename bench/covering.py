"""Stop-selection benchmark: maximal covering over all Drôme communes, K = 1 to 12.

Run from the repository root:  /work/venv/bin/python bench/covering.py

All 362 communes of ../shared/data/drome_communes.csv are both candidate stops and demand
points weighted by their population. A stop reaches a commune when the estimated road distance
between their centroids (straight line x 1.4) is at most 15 km. For each K, HiGHS solves the
exact model (grappe.tours.covering.select_stops); the table gives the time, whether the
optimum is proven, and the population reached. Target: proven optimal in under 5 s each.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import highspy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grappe.core.data import shared_data_dir  # noqa: E402
from grappe.tours.covering import select_stops  # noqa: E402
from grappe.tours.geo import haversine_km, road_km  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radius-km", type=float, default=15.0, help="road reach of a stop (default 15)")
    parser.add_argument("--detour", type=float, default=1.4)
    parser.add_argument("--max-k", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args(argv)

    with (shared_data_dir() / "drome_communes.csv").open(encoding="utf-8") as handle:
        communes = list(csv.DictReader(handle))
    highspy.Highs()  # HiGHS prints its banner once, at the first model: before our table
    started = datetime.now(UTC)
    print(f"# Covering benchmark — {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(f"# load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t0 = time.perf_counter()
    places = [(c["insee"], float(c["lat"]), float(c["lon"])) for c in communes]
    demand = {c["insee"]: float(c["population"]) for c in communes}
    covers = {
        a: {
            b
            for b, lat_b, lon_b in places
            if road_km(haversine_km(lat_a, lon_a, lat_b, lon_b), args.detour) <= args.radius_km
        }
        for a, lat_a, lon_a in places
    }
    build = time.perf_counter() - t0
    pairs = sum(len(v) for v in covers.values())
    print(
        f"# {len(communes)} communes (candidates and demand points), population {sum(demand.values()):,.0f}; "
        f"reach {args.radius_km:g} km by road (straight x {args.detour:g}): {pairs} pairs, built in {build:.2f} s"
    )
    print()
    print("| K | seconds | proven optimal | gap | population reached | share |")
    print("|---:|---:|---|---:|---:|---:|")
    worst = 0.0
    all_proven = True
    for k in range(1, args.max_k + 1):
        result = select_stops(demand, covers, max_stops=k, time_limit=args.time_limit)
        worst = max(worst, result.seconds)
        all_proven &= result.optimal
        print(
            f"| {k} | {result.seconds:.2f} | {'yes' if result.optimal else 'no'} | {result.gap:.2%} "
            f"| {result.covered_weight:,.0f} | {result.covered_share:.1%} |",
            flush=True,
        )
    print()
    print(f"# slowest K: {worst:.2f} s; all proven optimal: {'yes' if all_proven else 'no'}")
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
