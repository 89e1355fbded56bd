"""Benchmark: a member's basket page on a national-size order cycle (issue 13).

Builds the cycle of bench/cycle_close.py (by default 200,000 order lines over 1,000 products), offers
the bench member's group `--offered` products (a group's catalogue: 41 in the demo), gives the member
a basket of 5 of them, then prints: the median time of the basket page (GET, through Django's test
client, no network) and its SQL queries; the bytes of a "+" with htmx (the product's box and the
summary) uncompressed and gzipped, against the whole page; and an estimate of a tap on slow 3G
(400 kbit/s, 400 ms round trip), computed from those bytes (the page height is measured elsewhere).

    python bench/basket.py                       # SQLite, in /tmp/grappe_bench_basket.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench_basket python bench/basket.py
    python bench/basket.py --lines 20000 --households 2000    # smaller
"""

import argparse
import gzip
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)

SLOW_3G_BPS = 400_000 / 8  # bytes per second
SLOW_3G_RTT = 0.4  # seconds


def slow_3g(request_bytes: int, response_bytes: int) -> float:
    """Seconds for one request on slow 3G: a round trip, then the bytes both ways (connection kept open)."""
    return SLOW_3G_RTT + (request_bytes + response_bytes) / SLOW_3G_BPS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--offered", type=int, default=41)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    fresh_database("sqlite:////tmp/grappe_bench_basket.sqlite3")

    from cycle_close import build
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from grappe.catalogue.models import GroupSelection
    from grappe.members.models import Member, Membership
    from grappe.orders import services
    from grappe.orders.models import CyclePrice

    started = time.perf_counter()
    cycle, count = build(args.groups, args.households, args.products, 20, args.lines)
    built = time.perf_counter() - started
    member = Member.objects.filter(association=cycle.association).order_by("number").first()
    user = get_user_model().objects.create(username="bench-member")
    Member.objects.filter(pk=member.pk).update(user=user, status=Member.Status.ACTIVE)
    member.refresh_from_db()
    Membership.objects.create(member=member, year=timezone.localdate().year, fee=Decimal("5"),
                              paid_on=timezone.localdate())
    offered = list(CyclePrice.objects.filter(cycle=cycle).order_by("product_id")[:args.offered])
    GroupSelection.objects.bulk_create([GroupSelection(group_id=member.group_id, product_id=p.product_id)
                                        for p in offered])
    services.place_order(cycle=cycle, member=member, by=user, lines=[
        services.LineChange(p.product_id, p.order_step * 2, Decimal("0")) for p in offered[:5]])
    settings.ALLOWED_HOSTS = ["*"]
    connection.force_debug_cursor = False
    client = Client()
    client.force_login(user)
    url = reverse("orders:basket", args=[cycle.pk])
    client.get(url)  # warm up (URLs, templates, catalogues)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        page = client.get(url)
        times.append(time.perf_counter() - started)
    connection.queries_log.clear()  # a full log (DEBUG) would hide the count
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    page_zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    product = offered[10]
    tap = {"plus": str(product.product_id), f"q-{product.product_id}": "", f"t-{product.product_id}": "",
           "csrfmiddlewaretoken": "x" * 64}
    tap_times = []
    for _ in range(5):
        started = time.perf_counter()
        answer = client.post(url, tap, HTTP_HX_REQUEST="true")
        tap_times.append(time.perf_counter() - started)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as tap_queries:
        client.post(url, tap, HTTP_HX_REQUEST="true")
    answer_zipped = client.post(url, tap, HTTP_HX_REQUEST="true", HTTP_ACCEPT_ENCODING="gzip")
    from grappe.orders import queries as order_queries

    pack_ids = [p.product_id for p in offered if p.pack_size]
    whole, only = [], []
    for _ in range(5):
        started = time.perf_counter()
        order_queries.pooled_quantities(cycle)  # what the page summed before: every line of the cycle
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        order_queries.pooled_of(cycle, pack_ids)  # what it sums now: the lines of its pack products
        only.append(time.perf_counter() - started)
    assert page.status_code == 200 and answer.status_code == 200, (page.status_code, answer.status_code)
    request_bytes = len("&".join(f"{k}={v}" for k, v in tap.items())) + 600  # form body + headers and cookies
    full, full_gz = len(page.content), len(page_zipped.content)
    frag, frag_gz = len(answer.content), len(answer_zipped.content)
    assert gzip.decompress(answer_zipped.content)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"database: {connection.vendor}  order lines in the cycle: {count} (built in {built:.0f} s)  "
          f"products offered to the member's group: {len(offered)}, of which with packs: "
          f"{sum(1 for p in offered if p.pack_size)}")
    print(f"basket page (GET): median {statistics.median(times) * 1000:.0f} ms over {args.runs}, "
          f"{len(queries)} SQL queries")
    print(f"pack hints: the whole cycle's sum {statistics.median(whole) * 1000:.0f} ms (before), the offered pack "
          f"products' {statistics.median(only) * 1000:.0f} ms (now)")
    print(f"a '+' with htmx (POST, saved): median {statistics.median(tap_times) * 1000:.0f} ms, "
          f"{len(tap_queries)} SQL queries")
    print(f"bytes: whole page {full:,} ({full_gz:,} gzipped); a '+' answer {frag:,} ({frag_gz:,} gzipped)")
    print(f"slow 3G (400 kbit/s, 400 ms RTT), computed from the bytes: a '+' "
          f"{slow_3g(request_bytes, frag_gz):.2f} s on the network, the whole page "
          f"{slow_3g(request_bytes, full_gz):.2f} s (before the server's time and the rendering)")


if __name__ == "__main__":
    main()
