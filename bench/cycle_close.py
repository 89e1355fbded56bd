"""Benchmark: closing a national-size order cycle.

Builds a synthetic cycle with bulk inserts (by default 100 groups, 20,000 households, 1,000 products
from 20 suppliers, 200,000 order lines, one increment each), then times the closing in one
transaction (aggregation, packs, allocation, members' shares, purchase orders, stock) and counts
the SQL queries it runs; then times reading the dispatch plan (derived from the members' shares).

    python bench/cycle_close.py                         # SQLite, in /tmp/grappe_bench_orders.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench_orders python bench/cycle_close.py
    python bench/cycle_close.py --households 2000 --lines 20000   # a smaller size (query count check)

The database is created from scratch (migrations) each run.
"""

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE_PATH = os.path.join(os.environ.get("TMPDIR", "/tmp"), "cycle_close.prof")  # noqa: S108
sys.path.insert(0, str(ROOT))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)


def prepare_database():
    fresh_database("sqlite:////tmp/grappe_bench_orders.sqlite3")


def build(groups: int, households: int, products: int, suppliers: int, lines: int, seed: int = 7):
    import datetime

    from django.utils import timezone

    from grappe.catalogue.models import Product, Supplier
    from grappe.members.models import Member
    from grappe.network.models import Association, BuyingGroup
    from grappe.orders.models import (
        CycleGroup,
        CyclePrice,
        MemberOrder,
        OrderCycle,
        OrderIncrement,
        OrderLine,
    )

    rnd = random.Random(seed)
    assoc = Association.objects.create(name="Réseau national", slug="national")
    group_rows = BuyingGroup.objects.bulk_create(
        [BuyingGroup(association=assoc, name=f"Groupement {i:03d}") for i in range(groups)])
    supplier_rows = Supplier.objects.bulk_create(
        [Supplier(association=assoc, name=f"Fournisseur {i:02d}", minimum_order_amount=Decimal("500"),
                  free_delivery_threshold=Decimal("2000")) for i in range(suppliers)])
    product_rows = []
    for i in range(products):
        bulk = i % 3 != 0
        product_rows.append(Product(
            association=assoc, supplier=supplier_rows[i % suppliers], name=f"Produit {i:04d}", reference=f"P{i:04d}",
            unit="kg" if bulk else "piece", order_step=Decimal("0.5") if bulk else Decimal("1"), is_bulk=bulk,
            pack_size=(Decimal("25") if bulk else Decimal("12")) if i % 10 else None,
            pack_price_excl_vat=Decimal("40.00") + i % 50, vat_rate=Decimal("5.50")))
    product_rows = Product.objects.bulk_create(product_rows, batch_size=500)
    now = timezone.now()
    cycle = OrderCycle.objects.create(association=assoc, name="Cycle national", status=OrderCycle.Status.OPEN,
                                      opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(hours=1))
    CycleGroup.objects.bulk_create([CycleGroup(cycle=cycle, group=g, distribution_date=now.date())
                                    for g in group_rows])
    CyclePrice.objects.bulk_create([
        CyclePrice(cycle=cycle, product=p, supplier_id=p.supplier_id, name=p.name, unit=p.unit, order_step=p.order_step,
                   is_bulk=p.is_bulk, pack_size=p.pack_size, pack_price_excl_vat=p.pack_price_excl_vat,
                   vat_rate=p.vat_rate, unit_cost=Decimal("2.1"), price_priority=Decimal("2.1"),
                   price_solidarity=Decimal("2.1")) for p in product_rows], batch_size=500)
    member_rows = Member.objects.bulk_create([
        Member(association=assoc, group=group_rows[i % groups], number=i + 1, name=f"Foyer {i}",
               category="priority" if i % 10 < 7 else "solidarity", priority_basis="assessment" if i % 10 < 7 else "")
        for i in range(households)], batch_size=2000)
    order_rows = MemberOrder.objects.bulk_create([
        MemberOrder(cycle=cycle, member=m, group_id=m.group_id, priority=m.category == "priority")
        for m in member_rows], batch_size=2000)
    per_member = max(1, lines // households)
    line_rows = []
    for order in order_rows:
        for product in rnd.sample(product_rows, per_member):
            step = product.order_step
            line_rows.append(OrderLine(order=order, cycle=cycle, product=product, name=product.name, unit=product.unit,
                                       unit_price=Decimal("2.1"), vat_rate=product.vat_rate,
                                       quantity=step * rnd.randint(1, 8),
                                       tolerance=step * rnd.choice([0, 0, 0, 2, 4]) if product.pack_size else 0))
    line_rows = OrderLine.objects.bulk_create(line_rows, batch_size=5000)
    sequence = list(range(1, len(line_rows) + 1))
    rnd.shuffle(sequence)
    OrderIncrement.objects.bulk_create([
        OrderIncrement(line=line, cycle=cycle, quantity=line.quantity, tolerance=line.tolerance, sequence=seq)
        for line, seq in zip(line_rows, sequence, strict=True)], batch_size=5000)
    OrderCycle.objects.filter(pk=cycle.pk).update(next_sequence=len(line_rows) + 1)
    return cycle, len(line_rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=1_000)
    parser.add_argument("--suppliers", type=int, default=20)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--pages", action="store_true",
                        help="then time the coordinator's pages of the cycle (review, cycle, purchase orders, ...)")
    args = parser.parse_args()
    prepare_database()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grappe.orders import services
    from grappe.orders.models import OrderLine, PurchaseLine, PurchaseOrder
    from grappe.orders.queries import dispatch_plan

    started = time.perf_counter()
    cycle, count = build(args.groups, args.households, args.products, args.suppliers, args.lines)
    built = time.perf_counter() - started
    connection.force_debug_cursor = False
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            cProfile.runctx("services.close_cycle(cycle=cycle, by=None, confirm=True)", globals(), locals(),
                            PROFILE_PATH)
            pstats.Stats(PROFILE_PATH).sort_stats("tottime").print_stats(25)
        else:
            services.close_cycle(cycle=cycle, by=None, confirm=True)
        elapsed = time.perf_counter() - started
    allotted = OrderLine.objects.filter(cycle=cycle, allotted__isnull=False).count()
    started = time.perf_counter()
    dispatch = dispatch_plan(cycle)  # read from the allotted lines, as the pages and the loading list do
    dispatch_read = time.perf_counter() - started
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start of the closing")
    print(f"database: {connection.vendor}  groups: {args.groups}  households: {args.households}  "
          f"products: {args.products}  order lines: {count}  (built in {built:.1f} s)")
    print(f"closing: {elapsed:.2f} s, {len(queries.captured_queries)} SQL queries; "
          f"{PurchaseOrder.objects.filter(cycle=cycle).count()} purchase orders, "
          f"{PurchaseLine.objects.filter(purchase_order__cycle=cycle).count()} purchase lines, "
          f"{allotted} lines allotted")
    print(f"dispatch plan: {len(dispatch)} rows (product, group, stop), read in {dispatch_read:.2f} s")
    if args.pages:
        time_pages(cycle)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:120]}")


def time_pages(cycle):
    """The coordinator's pages of the big cycle, through Django's test client (no network): the
    first request of the process (URLs, templates, catalogues) is warmed up first."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from grappe.network.models import Role
    from grappe.orders.models import OrderCycle, PurchaseOrder

    settings.ALLOWED_HOSTS = ["*"]
    user = get_user_model().objects.create(username="bench-admin")
    Role.objects.create(user=user, association=cycle.association, kind=Role.Kind.ADMIN)
    client = Client()
    client.force_login(user)
    client.get("/")
    po = PurchaseOrder.objects.filter(cycle=cycle).first()
    pages = [("cycle", f"/commandes/{cycle.pk}/"), ("purchase orders and dispatch", f"/commandes/{cycle.pk}/fournisseurs/"),
             ("one group's dispatch", f"/commandes/{cycle.pk}/fournisseurs/?groupe={cycle.cycle_groups.first().group_id}"),
             ("a purchase order (PDF)", f"/commandes/bon-fournisseur/{po.pk}.pdf"),
             ("home (to do)", "/"), ("dashboard (this year)", "/bilans/")]
    OrderCycle.objects.filter(pk=cycle.pk).update(status=OrderCycle.Status.CLOSED)  # the review is for a closed cycle
    rows = [("review of packs (closed cycle)", f"/commandes/{cycle.pk}/bilan/")]
    for name, path in rows:
        started = time.perf_counter()
        response = client.get(path)
        print(f"page: {name}: {time.perf_counter() - started:.2f} s, {len(response.content) / 1e6:.2f} MB, "
              f"HTTP {response.status_code}")
    OrderCycle.objects.filter(pk=cycle.pk).update(status=OrderCycle.Status.ORDERED)
    for name, path in pages:
        started = time.perf_counter()
        response = client.get(path)
        print(f"page: {name}: {time.perf_counter() - started:.2f} s, {len(response.content) / 1e6:.2f} MB, "
              f"HTTP {response.status_code}")


if __name__ == "__main__":
    main()
