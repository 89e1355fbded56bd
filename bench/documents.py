"""Documents of one distribution for 100 households: sign sheet, basket lists, serving lists (PDF).

Run from the repository root:  /work/venv/bin/python bench/documents.py
(on a fresh SQLite file by default; DATABASE_URL to use another database). The distribution is made
by the real services (grappe.accounts.simulation: one group, 100 households, 30 products), then
each document is rendered to PDF as the view does. Target: at most 2 s for the three together.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--products", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench-documents.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from pypdf import PdfReader

    from grappe.accounts.simulation import simulate
    from grappe.core.pdf import render_pdf_bytes
    from grappe.distribution.models import Distribution
    from grappe.distribution.views import DOCUMENTS, document_context

    result = simulate(groups=1, households=args.households, products=args.products, seed=1)
    distribution = Distribution.objects.get(cycle_id=result["cycle"])
    render_pdf_bytes("distribution/pdf/sign_sheet.html", document_context(distribution, "emargement"))  # warm-up
    rows = []
    for kind in ("emargement", "paniers", "service"):
        best, pages = None, 0
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            pdf = render_pdf_bytes(f"distribution/pdf/{DOCUMENTS[kind]}.html", document_context(distribution, kind))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            best = (elapsed, cpu) if best is None else min(best, (elapsed, cpu))
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append((kind, best, pages))
    total = sum(r[1][0] for r in rows)
    total_cpu = sum(r[1][1] for r in rows)
    print(f"Documents of one distribution, {args.households} households, {args.products} products "
          f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores)")
    print(f"| document | wall seconds (best of {args.repeat}) | CPU seconds | pages |")
    print("|---|---|---|---|")
    for kind, (seconds, cpu), pages in rows:
        print(f"| {kind} | {seconds:.2f} | {cpu:.2f} | {pages} |")
    print(f"| **all three** | **{total:.2f}** | **{total_cpu:.2f}** | |")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print("target <= 2 s:", "met" if total <= 2 else "NOT met")
    return 0 if total <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
