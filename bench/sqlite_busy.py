"""SQLite under the documented server (issue 16): members changing baskets at once through gunicorn.

A fresh demo database in a temporary SQLite file (migrate, then `load_demo`), `--members` demo
households given a login, gunicorn with `--workers` sync workers on it (DEBUG off, as in production)
and the job worker (`db_worker`) polling beside it. Every member signs in through the sign-in page
(all at once), then all tap "+" on their basket at once (`--saves` each, as htmx does: HX-Request),
each tap one of 5 products in turn, sending the box's value as the page shows it. Prints the statuses of the sign-ins and of the taps (the count of 500s
and 503s), the taps' median and p95 times, "database is locked" lines in gunicorn's log, and checks
in the database that every tap answered 200 is stored once (each line grew by exactly the steps
answered 200: nothing lost, nothing counted twice).

    /work/main/.venv/bin/python bench/sqlite_busy.py                  # the project's SQLite options
    /work/main/.venv/bin/python bench/sqlite_busy.py --plain          # Django's defaults (before issue 16)
    /work/main/.venv/bin/python bench/sqlite_busy.py --members 100 --saves 20 --keep

`--plain` runs gunicorn with bench/_plain_sqlite_settings.py: rollback journal, deferred
transactions, Python's 5 s busy timeout. `--keep` reuses the database of the previous run (saves
the minute of migrate + load_demo; the check compares the lines before and after the run).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)

DB_FILE = Path(tempfile.gettempdir()) / "grappe_bench_sqlite_busy.sqlite3"
PASSWORD = "banc-essai-sqlite-2026"  # noqa: S105  (a throw-away demo database)
WAIT = 120  # seconds a member's phone waits for an answer
PRODUCTS = 5  # each member taps "+" on these products of her group in turn
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare(members: int, keep: bool) -> tuple[int, list[tuple[str, int, int]]]:
    """The demo database with `members` households of the open cycle's groups given a login.
    Returns the cycle's id and (username, member id, group id) of each."""
    url = f"sqlite:///{DB_FILE}"
    if keep and DB_FILE.exists():
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        fresh_database(url)
        from django.core.management import call_command

        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from grappe.members.models import Member
    from grappe.members.services import may_order
    from grappe.orders.demo import OPEN
    from grappe.orders.models import OrderCycle

    User = get_user_model()
    cycle = OrderCycle.objects.get(name=OPEN)
    groups = list(cycle.cycle_groups.values_list("group_id", flat=True))
    today = timezone.localdate()
    chosen = []
    hashed = make_password(PASSWORD)  # once: every bench member has the same password
    for member in Member.objects.filter(group_id__in=groups, status=Member.Status.ACTIVE).order_by("number"):
        if len(chosen) == members:
            break
        if not may_order(member, today):
            continue
        username = f"banc{member.number}"
        if member.user_id is None:
            user, _ = User.objects.get_or_create(username=username, defaults={"password": hashed})
            Member.objects.filter(pk=member.pk).update(user=user)
        elif member.user.username != username:
            continue  # a demo login (adherent...): left alone
        chosen.append((username, member.pk, member.group_id))
    if len(chosen) < members:
        raise SystemExit(f"only {len(chosen)} households of the open cycle may order")
    return cycle.pk, chosen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=30)  # the first request loads the application in the worker
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--saves", type=int, default=10, help="taps on '+' per member")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--plain", action="store_true", help="Django's SQLite defaults, not the project's")
    parser.add_argument("--keep", action="store_true", help="reuse the previous run's database")
    args = parser.parse_args()

    started = time.perf_counter()
    cycle_id, members = prepare(args.members, args.keep)
    from django.db import connection

    from grappe.orders.models import CyclePrice, OrderCycle, OrderLine
    from grappe.orders.queries import offered_prices

    cycle = OrderCycle.objects.get(pk=cycle_id)
    offered = {group: list(offered_prices(cycle, group).values_list("product_id", flat=True))[:PRODUCTS]
               for group in {group for _, _, group in members}}

    def lines() -> dict[tuple[int, int], object]:
        return {(line.order.member_id, line.product_id): line.quantity
                for line in OrderLine.objects.filter(order__cycle_id=cycle_id,
                                                     order__member_id__in=[m for _, m, _ in members])
                .select_related("order")}

    before = lines()
    steps = dict(CyclePrice.objects.filter(cycle_id=cycle_id).values_list("product_id", "order_step"))
    from grappe.core.money import plain_number
    connection.close()
    built = time.perf_counter() - started

    import requests

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB_FILE}", "DEBUG": "0",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}"}
    if args.plain:
        env["DJANGO_SETTINGS_MODULE"] = "_plain_sqlite_settings"
        with open(os.devnull, "w") as quiet:  # the rollback journal, as Django's defaults leave it
            subprocess.run([sys.executable, "-c", "import sqlite3,sys; sqlite3.connect(sys.argv[1])"
                            ".execute('PRAGMA journal_mode=DELETE')", str(DB_FILE)], check=True, stdout=quiet)
    log = open(Path(tempfile.gettempdir()) / "grappe_bench_sqlite_busy.log", "w+")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "grappe.wsgi", "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--error-logfile", "-"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "2", "--no-reload"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/connexion/")
        sessions: dict[str, requests.Session] = {}
        sign_ins: Counter = Counter()
        sign_in_times: list[float] = []
        taps: Counter = Counter()
        tap_times: list[float] = []
        stored_ok: Counter = Counter()
        lock = threading.Lock()
        go = threading.Barrier(len(members))

        def sign_in(username: str) -> None:
            session = requests.Session()
            try:
                page = session.get(base + "/connexion/", timeout=WAIT)
                token = TOKEN.search(page.text).group(1)
            finally:
                go.wait()
            t0 = time.perf_counter()
            try:
                answer = session.post(base + "/connexion/", timeout=WAIT, allow_redirects=False, data={
                    "username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": ""})
            except requests.RequestException:
                with lock:
                    sign_ins["no answer"] += 1
                return
            with lock:
                sign_in_times.append(time.perf_counter() - t0)
                sign_ins[answer.status_code] += 1
                if answer.status_code == 302:
                    sessions[username] = session

        def change_basket(username: str, member_id: int, group: int) -> None:
            session = sessions[username]
            url = f"{base}/commandes/{cycle_id}/panier/"
            try:
                page = session.get(url, timeout=WAIT)
                token = TOKEN.search(page.text).group(1)
            finally:
                go.wait()
            shown = {p: before.get((member_id, p), 0) for p in offered[group]}  # the boxes as the page shows them
            for i in range(args.saves):
                product = offered[group][i % len(offered[group])]
                t0 = time.perf_counter()
                try:
                    answer = session.post(url, timeout=WAIT, allow_redirects=False, headers={
                        "HX-Request": "true", "Referer": url}, data={
                        "plus": str(product), f"q-{product}": plain_number(shown[product]) if shown[product] else "",
                        f"t-{product}": "", "csrfmiddlewaretoken": token})
                except requests.RequestException:  # no answer: the server may still save it, uncounted
                    with lock:
                        taps["no answer"] += 1
                    return
                with lock:
                    tap_times.append(time.perf_counter() - t0)
                    taps[answer.status_code] += 1
                    if answer.status_code == 200:  # the box now shows one step more
                        stored_ok[(member_id, product)] += 1
                        shown[product] += steps[product]

        def run_all(target, rows) -> float:
            threads = [threading.Thread(target=target, args=row) for row in rows]
            t0 = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.perf_counter() - t0

        signing = run_all(sign_in, [(username,) for username, _, _ in members])
        go.reset()
        ok_members = [row for row in members if row[0] in sessions]
        go = threading.Barrier(len(ok_members))
        tapping = run_all(change_basket, ok_members)
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=30)

    # Nothing lost, nothing counted twice: each stored line holds the steps answered 200, no more, no less.
    after = lines()
    mismatched = [key for key in set(after) | set(stored_ok)
                  if after.get(key, 0) - before.get(key, 0) != stored_ok.get(key, 0) * steps[key[1]]]
    log.seek(0)
    logged = log.read()
    locked_lines = logged.count("database is locked")
    busy_lines = logged.count("Database busy")
    total = sum(taps.values())

    def ms(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0

    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"SQLite options: {'Django defaults (--plain)' if args.plain else 'the project' + chr(39) + 's'}; "
          f"gunicorn {args.workers} sync workers + db_worker; built in {built:.0f} s")
    print(f"sign-ins: {len(members)} at once in {signing:.1f} s, statuses {dict(sign_ins)}, "
          f"p50 {ms(sign_in_times, 50):.0f} ms, p95 {ms(sign_in_times, 95):.0f} ms")
    print(f"basket taps: {total} ({len(ok_members)} members x {args.saves}) in {tapping:.1f} s, "
          f"statuses {dict(taps)}")
    print(f"  500: {taps[500]} ({taps[500] / max(total, 1):.1%})   503: {taps[503]} ({taps[503] / max(total, 1):.1%})   "
          f"p50 {ms(tap_times, 50):.0f} ms, p95 {ms(tap_times, 95):.0f} ms")
    print(f"server's log: 'database is locked' {locked_lines}, 'Database busy' (answered 503) {busy_lines}")
    print(f"stored lines that differ from the taps answered 200: {len(mismatched)}"
          + (" (a tap without an answer may be stored: not a loss)" if taps["no answer"] else ""))


if __name__ == "__main__":
    main()
