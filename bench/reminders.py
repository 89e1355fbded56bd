"""Reminders and reports benchmark: one cycle opening for N households, then the indicators.

Run from the repository root:
    /work/venv/bin/python bench/reminders.py --households 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench_notify /work/venv/bin/python bench/reminders.py

Builds an association with 20 groups and N households (SMS 80 %, e-mail 10 %, call 5 %, opted out
5 %), opens one cycle for all groups, then times: the first `send_due` (every reminder inserted
and "sent" through the console backend into memory, e-mail into Django's locmem outbox), the
second run (nothing to send: the idempotence check), and the indicators for the whole association
over a year.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)


def prepare_database():
    fresh_database("sqlite:////tmp/grappe_bench_notify.sqlite3")
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def build(households: int):
    import datetime

    from django.utils import timezone

    from grappe.members.models import Member
    from grappe.network.models import Association, BuyingGroup
    from grappe.orders.models import CycleGroup, OrderCycle

    association = Association.objects.create(name="Bench", slug="bench")
    groups = BuyingGroup.objects.bulk_create(
        [BuyingGroup(association=association, name=f"Groupement {i}") for i in range(20)])
    channels = ["sms"] * 16 + ["email"] * 2 + ["call"]
    Member.objects.bulk_create([
        Member(association=association, group=groups[i % 20], number=i + 1, name=f"Foyer {i}",
               phone=f"06 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d} 00", email=f"f{i}@example.org",
               preferred_channel=channels[i % 19], reminders_opt_out=(i % 20 == 19), category="priority",
               priority_basis="assessment", joined_on=datetime.date(2026, 1, 5))
        for i in range(households)], batch_size=2000)
    now = timezone.now()
    cycle = OrderCycle.objects.create(association=association, name="Bench", status=OrderCycle.Status.OPEN,
                                      opens_at=now - datetime.timedelta(hours=1),
                                      closes_at=now + datetime.timedelta(days=3))
    CycleGroup.objects.bulk_create([CycleGroup(cycle=cycle, group=g, distribution_date=now.date()
                                               + datetime.timedelta(days=5)) for g in groups])
    return association


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    args = parser.parse_args()
    prepare_database()
    from django.core import mail
    from django.utils import timezone

    from grappe.notify.engine import send_due
    from grappe.notify.sms import ConsoleBackend
    from grappe.reports.indicators import Period
    from grappe.reports.queries import figures

    mail.outbox = []
    association = build(args.households)
    backend = ConsoleBackend(stream=io.StringIO())
    started = time.perf_counter()
    first = send_due(timezone.now(), kinds=["cycle_open"], backend=backend)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = send_due(timezone.now(), kinds=["cycle_open"], backend=backend)
    second_s = time.perf_counter() - started
    started = time.perf_counter()
    figures(association=association, group_ids=list(association.groups.values_list("pk", flat=True)),
            period=Period.year(timezone.localdate().year))
    report_s = time.perf_counter() - started
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"{engine}, {args.households} households")
    print(f"first run:  {first_s:6.2f} s  {dict(first.counts)}  (SMS {len(backend.sent)}, e-mails {len(mail.outbox)})")
    print(f"second run: {second_s:6.2f} s  {dict(second.counts)}")
    print(f"indicators for the association over a year: {report_s:6.2f} s")


if __name__ == "__main__":
    main()
