"""`manage.py plan_routes FILE --seconds S`: solve a CVRP (TSPLIB) or Solomon VRPTW file.

Prints one JSON line: {"instance", "cost", "vehicles", "routes", "feasible", "seconds"}, with the
cost by the file's convention (CVRP: each edge rounded to the nearest integer; Solomon: real
distances) and the routes named by the file's node numbers, depot left out. It runs the same
routing search as the van tours (grappe.tours.benchmark.solver.solve, over grappe.tours.routing.search).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grappe.tours.benchmark.instances import InstanceFormatError, read_instance
from grappe.tours.benchmark.solver import solve


class Command(BaseCommand):
    help = "Solve a CVRP (TSPLIB) or Solomon VRPTW instance and print one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .vrp (TSPLIB CVRP) or Solomon .txt file")
        parser.add_argument("--seconds", type=float, default=10.0, help="time limit (default 10)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--objective",
            choices=["distance", "hierarchical"],
            default="distance",
            help="distance only (default), or fewest vehicles then distance",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be positive")
        try:
            instance = read_instance(path)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except InstanceFormatError as exc:
            raise CommandError(str(exc)) from exc
        solution = solve(instance, options["seconds"], seed=options["seed"], objective=options["objective"])
        cost: float | int = solution.cost
        cost = int(round(cost)) if instance.kind == "cvrp" else round(cost, 6)
        line = {
            "instance": instance.name,
            "cost": cost,
            "vehicles": solution.vehicles,
            "routes": solution.routes,
            "feasible": solution.feasible,
            "seconds": round(solution.seconds, 3),
        }
        self.stdout.write(json.dumps(line))
