"""Price list imports benchmark: how long a supplier's file takes to preview.

Run from the repository root:
    /work/main/.venv/bin/python bench/imports.py [--repeat 5]

Times `preview_import` (read, check every row, store the preview) on: a 50,000-line CSV (refused
for having more than MAX_ROWS rows: it must be refused before any row is checked) and the largest
accepted CSV (MAX_ROWS rows, every row checked). These figures were once asserted in
grappe/catalogue/tests/test_imports.py (`elapsed < 2`, `< 5`); the tests now check the behaviour
only, and the times live here and in docs/benchmarks.md. Uses a throw-away SQLite file in the
system's temporary folder unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prepare_database(folder: str):
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/grappe_bench_imports.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def csv_file(rows: int) -> bytes:
    lines = ["Référence;Désignation;Prix HT"] + [f"R{i};Produit {i};{i % 90 + 1},50" for i in range(rows)]
    return "\n".join(lines).encode()


def timed(function, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        out.append(time.perf_counter() - started)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        prepare_database(folder)
        from grappe.catalogue import imports
        from grappe.catalogue.models import Supplier
        from grappe.network.models import Association

        association = Association.objects.create(name="Bench", slug="bench-imports")
        supplier = Supplier.objects.create(association=association, name="Ferme")
        cases = [(f"50,000 lines (refused: more than {imports.MAX_ROWS} rows)", csv_file(50_000), 0),
                 (f"{imports.MAX_ROWS} lines (largest accepted, every row checked)", csv_file(imports.MAX_ROWS),
                  imports.MAX_ROWS)]
        print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
              f"{os.environ['DATABASE_URL'].split(':', 1)[0]}")
        print(f"# load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("| file | rows previewed | min s | median s | max s |")
        print("|---|---:|---:|---:|---:|")
        for label, data, expected in cases:
            results = []

            def run(data=data, results=results):
                results.append(imports.preview_import(by=None, supplier=supplier, name="tarif.csv", data=data))

            seconds = timed(run, args.repeat)
            assert all(len(r.rows) == expected for r in results)
            print(f"| {label} | {expected} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | "
                  f"{max(seconds):.2f} |")
        print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
