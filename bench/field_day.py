"""Benchmark: the van's tour day offline (issue 14), on the demo Haut Diois day.

Loads the demo (its tour day: 4 stops, 12 baskets, the van's stock), prepares a device, then prints:
the bundle's bytes (JSON, and gzipped as the server sends it), its SQL queries and time; the time to
send the whole day's entries at the depot (each basket weighed and collected, then paid in cash; one
not collected) through the device API, per entry; the same batch sent again (every entry a duplicate,
nothing changed); and what those bytes cost on slow 3G (400 kbit/s, 400 ms round trip).

    python bench/field_day.py                    # SQLite, in /tmp/grappe_bench_field.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench_field python bench/field_day.py
"""

import io
import json
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)
from basket import slow_3g  # noqa: E402  (the same slow 3G as the member's basket)


def day_entries(bundle: dict) -> list[dict]:
    """What a volunteer enters in a day: every basket served as allotted, collected and paid in cash,
    but the last one, not collected."""
    from grappe.core.money import line_total

    entries = []
    baskets = [basket for stop in bundle["stops"] for basket in stop["baskets"]]
    for index, basket in enumerate(baskets):
        def entry(kind, payload, basket=basket):
            return {"id": str(uuid.uuid4()), "at": bundle["prepared_at"], "kind": kind, "basket": basket["id"],
                    "stamp": basket["stamp"], "payload": payload}
        if index == len(baskets) - 1:
            entries.append(entry("not_collected", {}))
            continue
        lines = {str(line["id"]): line["allotted"] for line in basket["lines"]}
        total = sum((line_total(Decimal(line["unit_price"]), Decimal(line["allotted"])) for line in basket["lines"]),
                    Decimal("0.00"))
        entries.append(entry("collected", {"lines": lines}))
        due = total - Decimal(basket["balance"])
        if due > 0:
            entries.append(entry("payment", {"amount": str(due), "means": "cash", "reference": "", "issuer": "",
                                             "advance": False}))
    return entries


def main():
    fresh_database("sqlite:////tmp/grappe_bench_field.sqlite3")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from grappe.accounts.models import Entry
    from grappe.distribution.models import Distribution
    from grappe.field import services
    from grappe.field.demo import CYCLE
    from grappe.field.models import FieldEntry

    call_command("load_demo", stdout=io.StringIO())
    first = Distribution.objects.filter(cycle__name=CYCLE).select_related("group").order_by("date").first()
    from django.contrib.auth import get_user_model

    volunteer = get_user_model().objects.get(username="benevole")
    device, key = services.prepare_device(group=first.group, day=first.date, label="Tablette du camion",
                                          by=volunteer)
    settings.ALLOWED_HOSTS = ["*"]
    connection.force_debug_cursor = False
    client = Client(HTTP_AUTHORIZATION=f"Device {key}")
    day_url, send_url = reverse("field:api_day"), reverse("field:api_send")
    client.get(day_url)  # warm up
    times = []
    for _ in range(10):
        started = time.perf_counter()
        answer = client.get(day_url)
        times.append(time.perf_counter() - started)
    assert answer.status_code == 200, answer.status_code
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(day_url)
    zipped = client.get(day_url, HTTP_ACCEPT_ENCODING="gzip")
    bundle = json.loads(answer.content)
    baskets = sum(len(stop["baskets"]) for stop in bundle["stops"])
    entries = day_entries(bundle)
    body = json.dumps({"entries": entries})
    charges_before = Entry.objects.count()
    started = time.perf_counter()
    sent = client.post(send_url, body, content_type="application/json")
    first_send = time.perf_counter() - started
    results = json.loads(sent.content)["results"]
    applied = sum(1 for r in results if r["status"] == "applied")
    charges_after = Entry.objects.count()
    started = time.perf_counter()
    again = client.post(send_url, body, content_type="application/json")
    second_send = time.perf_counter() - started
    duplicates = sum(1 for r in json.loads(again.content)["results"] if r["status"] == "duplicate")
    assert Entry.objects.count() == charges_after, "a second copy changed the books"
    answer_zipped = client.post(send_url, body, content_type="application/json", HTTP_ACCEPT_ENCODING="gzip")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; database: {connection.vendor}")
    print(f"tour day: {len(bundle['stops'])} stops, {baskets} baskets, {len(bundle['stock'])} stock products")
    print(f"bundle (GET /terrain/api/jour/): median {statistics.median(times) * 1000:.0f} ms over 10, "
          f"{len(queries)} SQL queries, {len(answer.content):,} bytes ({len(zipped.content):,} gzipped)")
    print(f"sending the day: {len(entries)} entries in {first_send * 1000:.0f} ms "
          f"({first_send / len(entries) * 1000:.1f} ms an entry), {applied} applied, "
          f"{charges_after - charges_before} ledger entries written")
    print(f"the same entries again: {second_send * 1000:.0f} ms, {duplicates} duplicates, nothing written")
    print(f"bytes sent: {len(body):,} (the answer {len(sent.content):,}, {len(answer_zipped.content):,} gzipped)")
    print(f"slow 3G (400 kbit/s, 400 ms RTT), computed from the bytes: preparing the day "
          f"{slow_3g(600, len(zipped.content)):.1f} s, sending it {slow_3g(len(body) + 600, len(answer_zipped.content)):.1f} s")
    assert applied == len(entries), [r for r in results if r["status"] != "applied"][:3]
    assert FieldEntry.objects.filter(device=device).count() == len(entries)


if __name__ == "__main__":
    main()
