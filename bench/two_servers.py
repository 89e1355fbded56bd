"""Benchmark and proof (issue 16): two app servers behind Caddy's load balancer, one PostgreSQL.

    /work/main/.venv/bin/python bench/two_servers.py                  # about 10 minutes on 2 busy cores
    /work/main/.venv/bin/python bench/two_servers.py --households 40 --lines 20000   # smaller

A fresh PostgreSQL database (DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/
grappe_bench_two_servers): migrate, `load_demo`, then `--households` households with a login in the
demo household's group, made through the members' services (admission, membership). Two gunicorn
servers (the documented command line, `--workers 2` each) on two ports, Caddy in front on a third
port (round robin, active health checks, and `lb_try_duration` so that a request finding a server
down is tried on the other), and a second Caddy with one server only (for the throughput ratio).
Caddy adds an `X-Upstream` header to each answer, so the script knows which server answered.

1. The evening before a closing, through Caddy: each household signs in, opens its home page and
   its basket, and taps "+" (`--taps` products, as htmx does: the product's boxes and the button,
   with the HX-Request header) while one server is stopped (SIGTERM: it finishes its requests) and
   started again. Every "+" the load saw accepted must be in the database once: one increment row
   each, and the line's quantity equal to the sum of the steps accepted (nothing lost, nothing
   doubled). Sign-in and "+" p50/p95, as ratios to a trivial page (GET of the sign-in page) of the
   same servers measured in the same load.
2. Sign-in limits: wrong passwords for one account, spread by Caddy over both servers; after the
   limit the right password is refused too, whichever server answers.
3. A cached PDF (a distribution's sign sheet: grappe/core/pdf.py, `cached=True`) made by one server
   is served from the shared cache by the other (both through Caddy, so with the same Host): the
   same bytes, no new row in the cache table, and a fraction of the time.
4. Throughput of the same load (`--throughput-households` households signing in, opening their basket and tapping "+") with one
   server behind Caddy, then two. On one 2-core machine this is not a scaling figure: both servers,
   Caddy, PostgreSQL and this load share the same 2 cores.
5. A 200,000-line cycle open (built in bulk as in bench/cycle_close.py) while `--big-households` of
   its households sign in and tap "+": "+" p50/p95 and the ratio to the trivial page.

Then the median time of a session read and of a cache read from PostgreSQL (the shared store).
The servers read bench/bench_settings.py: the project's settings with Grappe's password hashers
first (`GRAPPE_BENCH_HASHING=django`: Django's Argon2 parameters, to compare).

The load average (1 minute) is printed with each figure.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)

PASSWORD = "grappe-demo"  # noqa: S105  (the demo's password, given to the load's households too)
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGN_IN = "/connexion/"
TRIVIAL = "/connexion/"  # an anonymous page: a template, a CSRF cookie, no query of the data


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def quiet_call(*args, **kwargs) -> None:
    """A management command whose solver prints on the process's own stdout: silenced at the fd level."""
    from django.core.management import call_command

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        with open(os.devnull, "w") as quiet:
            call_command(*args, stdout=quiet, **kwargs)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# --- the data -------------------------------------------------------------------------------------

@dataclass
class Household:
    username: str
    member_id: int
    cycle_id: int
    products: list[tuple[int, Decimal]]  # (product id, step) to tap "+" on, none ordered yet
    accepted: dict[int, int] = field(default_factory=dict)  # product id -> "+" accepted


def demo_households(count: int, taps: int) -> tuple[list[Household], int]:
    """`count` households with a login in the demo household's group, through the members' services."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from grappe.members import services as members
    from grappe.members.models import Member
    from grappe.orders import queries
    from grappe.orders.demo import OPEN
    from grappe.orders.models import OrderCycle

    adherent = Member.objects.select_related("group", "association").get(user__username="adherent")
    cycle = OrderCycle.objects.get(association=adherent.association, name=OPEN)
    coordinator = get_user_model().objects.get(username="coordination")
    prices = [p for p in queries.offered_prices(cycle, adherent.group) if p.max_per_member is None]
    encoded = make_password(PASSWORD)  # hashed once: the load's sign-ins verify it, the set-up need not
    year = timezone.localdate().year
    households = []
    for i in range(count):
        member = members.admit_member(group=adherent.group, by=coordinator, name=f"Foyer de charge {i:03d}",
                                      category=Member.Category.PRIORITY,
                                      priority_basis=Member.PriorityBasis.ASSESSMENT)
        members.record_membership(member=member, by=coordinator, year=year, fee=Decimal("5"),
                                  paid_on=timezone.localdate(), means="cash")
        user = get_user_model().objects.create(username=f"charge{i:03d}", password=encoded)
        Member.objects.filter(pk=member.pk).update(user=user)
        chosen = [prices[(i * 7 + k * 3) % len(prices)] for k in range(taps)]
        households.append(Household(user.username, member.pk, cycle.pk,
                                    list(dict.fromkeys((p.product_id, p.order_step) for p in chosen))))
    return households, cycle.pk


def national_households(count: int, taps: int, lines: int, groups: int) -> tuple[list[Household], int, float]:
    """The cycle of bench/cycle_close.py (`lines` order lines), and `count` of its households with a login,
    their group's catalogue and a paid membership (in bulk, as bench/basket.py does for one)."""
    from cycle_close import build
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from grappe.catalogue.models import GroupSelection
    from grappe.members.models import Member, Membership
    from grappe.orders.models import CyclePrice, OrderLine

    started = time.perf_counter()
    cycle, _count = build(groups, max(count, lines // 10), 1_000, 20, lines)
    built = time.perf_counter() - started
    offered = list(CyclePrice.objects.filter(cycle=cycle, max_per_member=None).order_by("product_id")[:41])  # a group's catalogue
    chosen = list(Member.objects.filter(association=cycle.association).order_by("number")[:count])
    group_ids = {m.group_id for m in chosen}
    GroupSelection.objects.bulk_create([GroupSelection(group_id=g, product_id=p.product_id)
                                        for g in group_ids for p in offered], ignore_conflicts=True)
    User = get_user_model()
    encoded = make_password(PASSWORD)
    users = User.objects.bulk_create([User(username=f"national{i:03d}", password=encoded)
                                      for i in range(len(chosen))])
    year, today = timezone.localdate().year, timezone.localdate()
    households = []
    for i, (member, user) in enumerate(zip(chosen, users, strict=True)):
        Member.objects.filter(pk=member.pk).update(user=user, status=Member.Status.ACTIVE)
        ordered = set(OrderLine.objects.filter(order__member=member, cycle=cycle).values_list("product_id", flat=True))
        free = [p for p in offered if p.product_id not in ordered]
        picked = [free[(i * 7 + k * 3) % len(free)] for k in range(taps)]
        households.append(Household(user.username, member.pk, cycle.pk,
                                    list(dict.fromkeys((p.product_id, p.order_step) for p in picked))))
    Membership.objects.bulk_create([Membership(member=m, year=year, fee=Decimal("5"), paid_on=today)
                                    for m in chosen], ignore_conflicts=True)
    return households, cycle.pk, built


# --- the servers ----------------------------------------------------------------------------------

def wait_for(port: int, process: subprocess.Popen | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                raise SystemExit(f"the server on port {port} stopped (port taken?)") from None
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} within {timeout:.0f} s")


def start_gunicorn(port: int, env: dict, logs: Path) -> subprocess.Popen:
    # The documented command line (docs/operations.md), 2 workers, bound to its own port.
    process = subprocess.Popen(
        [GUNICORN, "grappe.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "--graceful-timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(logs / f"gunicorn-{port}.log", "a"))  # noqa: SIM115
    wait_for(port, process)
    return process


def caddyfile(port: int, upstreams: list[int]) -> str:
    return f"""{{
	admin off
	auto_https off
}}
:{port} {{
	reverse_proxy {" ".join(f"127.0.0.1:{u}" for u in upstreams)} {{
		lb_policy round_robin
		# a request that finds a server down (connection refused) is tried on the other one
		lb_try_duration 10s
		lb_try_interval 100ms
		# passive health check: a server that refused a connection is left out for 10 s
		fail_duration 10s
		header_down X-Upstream {{http.reverse_proxy.upstream.hostport}}
	}}
}}
"""


def start_caddy(port: int, upstreams: list[int], folder: Path) -> subprocess.Popen:
    config = folder / f"Caddyfile-{port}"
    config.write_text(caddyfile(port, upstreams))
    process = subprocess.Popen(["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
                               stdout=subprocess.DEVNULL, stderr=open(folder / f"caddy-{port}.log", "a"))  # noqa: SIM115
    wait_for(port, process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the load -------------------------------------------------------------------------------------

@dataclass
class Figures:
    sign_in: list[float] = field(default_factory=list)
    tap: list[float] = field(default_factory=list)
    trivial: list[float] = field(default_factory=list)
    other: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    upstreams: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, response) -> None:
        with self.lock:
            upstream = response.headers.get("X-Upstream", "?")
            self.upstreams[upstream] = self.upstreams.get(upstream, 0) + 1

    def requests(self) -> int:
        return sum(self.upstreams.values())


def plain(quantity: Decimal) -> str:
    """A quantity as the basket's box shows it: 2 or 1,5."""
    return str(int(quantity)) if quantity == quantity.to_integral() else str(quantity.normalize()).replace(".", ",")


def timed(figures: Figures, bucket: list[float], call, *args, **kwargs):
    started = time.perf_counter()
    response = call(*args, **kwargs)
    elapsed = time.perf_counter() - started
    figures.count(response)
    with figures.lock:
        bucket.append(elapsed)
    return response


def sign_in(session, base: str, username: str, password: str, figures: Figures):
    page = timed(figures, figures.trivial, session.get, base + SIGN_IN)
    token = CSRF.search(page.text).group(1)
    return timed(figures, figures.sign_in, session.post, base + SIGN_IN,
                 data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                 allow_redirects=False)


def tap_plus(session, base: str, household: Household, token: str, figures: Figures) -> None:
    """One "+" on each of the household's products, as htmx sends it; an answer other than 200 is an
    error (the basket is then read again before going on)."""
    url = f"{base}/commandes/{household.cycle_id}/panier/"
    for product, step in household.products:
        done = household.accepted.get(product, 0)
        response = timed(figures, figures.tap, session.post, url, data={
            "plus": str(product), f"q-{product}": plain(step * done) if done else "", f"t-{product}": "",
            "csrfmiddlewaretoken": token}, headers={"HX-Request": "true"}, allow_redirects=False)
        if response.status_code == 200 and "tap-ok" in response.text:
            household.accepted[product] = done + 1
        else:
            with figures.lock:
                figures.errors.append(f"{household.username} + {product}: {response.status_code}")


def household_evening(base: str, household: Household, figures: Figures, rounds: int) -> None:
    """A household on the evening before a closing: signs in, home page, basket, taps "+" `rounds` times."""
    import requests

    with requests.Session() as session:
        try:
            answer = sign_in(session, base, household.username, PASSWORD, figures)
            if answer.status_code != 302:
                with figures.lock:
                    figures.errors.append(f"{household.username} sign-in: {answer.status_code}")
                return
            timed(figures, figures.other, session.get, base + "/")
            page = timed(figures, figures.other, session.get, f"{base}/commandes/{household.cycle_id}/panier/")
            token = CSRF.search(page.text).group(1)
            for _ in range(rounds):
                tap_plus(session, base, household, token, figures)
                timed(figures, figures.trivial, session.get, base + TRIVIAL)
        except Exception as error:  # noqa: BLE001  (counted and printed: the proof is that there are none)
            with figures.lock:
                figures.errors.append(f"{household.username}: {type(error).__name__}: {error}")


def run_load(base: str, households: list[Household], threads: int, rounds: int, during=None) -> tuple[Figures, float]:
    figures = Figures()
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(household_evening, base, h, figures, rounds) for h in households]
        if during is not None:
            during(futures)
        for future in futures:
            future.result()
    return figures, time.perf_counter() - started


def check_counted(households: list[Household]) -> tuple[int, int, list[str]]:
    """Every "+" accepted is in the database once: one increment row each, and the quantity."""
    from grappe.orders.models import OrderIncrement, OrderLine

    wrong, accepted_total, stored_total = [], 0, 0
    for household in households:
        lines = {line.product_id: line for line in OrderLine.objects.filter(
            order__member_id=household.member_id, cycle_id=household.cycle_id)}
        for product, step in household.products:
            accepted = household.accepted.get(product, 0)
            line = lines.get(product)
            quantity = line.quantity if line else Decimal("0")
            increments = OrderIncrement.objects.filter(line=line).count() if line else 0
            accepted_total += accepted
            stored_total += increments
            if quantity != step * accepted or increments != accepted:
                wrong.append(f"{household.username} product {product}: {accepted} accepted, quantity {quantity} "
                             f"(step {step}), {increments} increments")
    return accepted_total, stored_total, wrong


def ratio_line(label: str, values: list[float], trivial: list[float]) -> str:
    p50, p95, t50 = percentile(values, 50), percentile(values, 95), percentile(trivial, 50)
    return (f"  {label:<22} n={len(values):<4} p50 {p50 * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms   "
            f"p50 = {p50 / t50:5.1f} x the trivial page's, p95 = {p95 / t50:5.1f} x")


def print_figures(title: str, figures: Figures, seconds: float) -> None:
    t50, t95 = percentile(figures.trivial, 50), percentile(figures.trivial, 95)
    print(f"{title} ({load()}): {figures.requests()} requests in {seconds:.1f} s "
          f"({figures.requests() / seconds:.1f}/s), by server {dict(sorted(figures.upstreams.items()))}")
    print(f"  {'trivial page (GET)':<22} n={len(figures.trivial):<4} p50 {t50 * 1000:6.0f} ms  p95 {t95 * 1000:6.0f} ms")
    if figures.sign_in:
        print(ratio_line("sign-in (POST)", figures.sign_in, figures.trivial))
    print(ratio_line('basket "+" (POST)', figures.tap, figures.trivial))
    print(f"  errors: {len(figures.errors)}" + "".join(f"\n    {e}" for e in figures.errors[:10]))


# --- the checks -----------------------------------------------------------------------------------

def check_sign_in_limits(base: str, username: str) -> bool:
    import requests
    from django.conf import settings

    limit = settings.LOGIN_FAILURE_LIMIT
    seen = []
    with requests.Session() as session:
        token = CSRF.search(session.get(base + SIGN_IN).text).group(1)  # one page, then posts: they alternate

        def attempt(password):
            return session.post(base + SIGN_IN, data={"username": username, "password": password,
                                                      "csrfmiddlewaretoken": token}, allow_redirects=False)

        for _ in range(limit):
            answer = attempt("not-the-password")
            seen.append(("wrong", answer.status_code, answer.headers.get("X-Upstream")))
        for _ in range(6):  # the right password now: refused for a while, on both servers
            answer = attempt(PASSWORD)
            seen.append(("right", answer.status_code, answer.headers.get("X-Upstream")))
    wrong_servers = {u for kind, _s, u in seen if kind == "wrong"}
    refused = [(s, u) for kind, s, u in seen if kind == "right"]
    held = all(s != 302 for s, _u in refused) and len({u for _s, u in refused}) == 2
    print(f"Sign-in limits (limit {limit} per account and address): {limit} wrong passwords answered by "
          f"{sorted(wrong_servers)}; then the right password {len(refused)} times: "
          f"{[f'{s} from {u}' for s, u in refused]} -> {'refused on both servers' if held else 'NOT HELD'}")
    return held


def check_pdf_cache(base: str) -> bool:
    import requests
    from django.db import connection

    from grappe.distribution.models import Distribution

    distribution = Distribution.objects.order_by("pk").first()
    path = f"/distribution/{distribution.pk}/document/emargement.pdf"

    def rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM grappe_cache")
            return cursor.fetchone()[0]

    figures = Figures()
    with requests.Session() as session:
        assert sign_in(session, base, "coordination", PASSWORD, figures).status_code == 302
        before = rows()
        started = time.perf_counter()
        first = session.get(base + path)
        made = time.perf_counter() - started
        after_first = rows()
        for _ in range(4):  # round robin: the next request goes to the other server (a health check may interleave)
            started = time.perf_counter()
            second = session.get(base + path)
            served = time.perf_counter() - started
            if second.headers.get("X-Upstream") != first.headers.get("X-Upstream"):
                break
        after_second = rows()
    servers = (first.headers.get("X-Upstream"), second.headers.get("X-Upstream"))
    same = first.status_code == second.status_code == 200 and first.content == second.content
    shared = same and servers[0] != servers[1] and after_first == before + 1 and after_second == after_first
    print(f"Cached PDF (a distribution's sign sheet, {len(first.content):,} bytes): made by {servers[0]} in "
          f"{made * 1000:.0f} ms (cache table rows {before} -> {after_first}), then answered by {servers[1]} in "
          f"{served * 1000:.0f} ms (rows {after_second}), same bytes: {same} -> "
          f"{'served from the shared cache' if shared else 'NOT SHARED'}")
    return shared


def wait_for_both(base: str, timeout: float = 60) -> None:
    """Until Caddy sends requests to both servers again (a restarted one is left out for fail_duration)."""
    import requests

    seen, deadline = set(), time.monotonic() + timeout
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.add(requests.get(base + TRIVIAL, timeout=30).headers.get("X-Upstream"))
        time.sleep(0.5)


def shared_store_reads(runs: int = 200) -> tuple[float, float]:
    """Median ms of what each request asks of the shared store: a session read, and a cache read."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache

    session = SessionStore()
    session["x"] = 1
    session.save()
    cache.set("bench-two-servers", b"x" * 10_000)
    reads = {"session": [], "cache": []}
    for _ in range(runs):
        started = time.perf_counter()
        SessionStore(session.session_key).load()
        reads["session"].append(time.perf_counter() - started)
        started = time.perf_counter()
        cache.get("bench-two-servers")
        reads["cache"].append(time.perf_counter() - started)
    return percentile(reads["session"], 50) * 1000, percentile(reads["cache"], 50) * 1000


# --- the run --------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--taps", type=int, default=3, help='products each household taps "+" on')
    parser.add_argument("--rounds", type=int, default=1, help='rounds of "+" on them')
    parser.add_argument("--throughput-households", type=int, default=40, help="households of the throughput runs")
    parser.add_argument("--big-households", type=int, default=40, help="households tapping on the big cycle")
    parser.add_argument("--threads", type=int, default=16, help="households at the same time")
    parser.add_argument("--lines", type=int, default=200_000, help="order lines of the big cycle (0: skip it)")
    parser.add_argument("--evening-only", action="store_true", help="stop after the evening before a closing")
    parser.add_argument("--port", type=int, default=8160, help="Caddy; the servers on the next ports")
    args = parser.parse_args()
    started = time.perf_counter()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"  # bench/bench_settings.py: the hashers
    fresh_database("postgres://postgres@127.0.0.1:5432/grappe_bench_two_servers")
    quiet_call("load_demo")
    households, _cycle = demo_households(args.households + 1, args.taps)
    limited = households.pop()  # the account of the sign-in limits check
    prepared = time.perf_counter() - started
    print(f"machine: {os.cpu_count()} cores; {load()}; database: PostgreSQL, demo + {len(households)} "
          f"households ready in {prepared:.0f} s")

    from django.db import connections

    connections.close_all()
    caddy_port, port_a, port_b, single_port = args.port, args.port + 1, args.port + 2, args.port + 3
    folder = Path(tempfile.mkdtemp(prefix="grappe_two_servers_"))
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "TRUSTED_PROXY_COUNT": "1",
           "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(ROOT / "bench")}
    servers = {port_a: start_gunicorn(port_a, env, folder), port_b: start_gunicorn(port_b, env, folder)}
    both = start_caddy(caddy_port, [port_a, port_b], folder)
    single = start_caddy(single_port, [port_a], folder)
    base = f"http://127.0.0.1:{caddy_port}"
    ok = True
    try:
        # 1. the evening before a closing, server B restarted during it
        restarts = []

        def restart(futures):
            while sum(f.done() for f in futures) < len(futures) // 3:
                time.sleep(0.2)
            stopped = time.perf_counter()
            stop(servers[port_b])  # SIGTERM: gunicorn finishes its requests, then exits
            servers[port_b] = start_gunicorn(port_b, env, folder)
            restarts.append(time.perf_counter() - stopped)
            while sum(f.done() for f in futures) < 2 * len(futures) // 3:
                time.sleep(0.2)
            servers[port_a].send_signal(signal.SIGHUP)  # a reload: new workers, the old ones finish and exit

        evening, seconds = run_load(base, households, args.threads, args.rounds, during=restart)
        print_figures(f"1. The evening before a closing: {len(households)} households sign in, open their home "
                      f"and basket, {args.rounds} x '+' on {args.taps} products, {args.threads} at a time, "
                      f"server B stopped (SIGTERM) and started again at a third ({restarts[0]:.1f} s down), "
                      f"server A reloaded (SIGHUP) at two thirds",
                      evening, seconds)
        accepted, stored, wrong = check_counted(households)
        print(f'  "+" accepted by the load: {accepted}; increments in the database: {stored}; '
              f"lines whose quantity or increments differ: {len(wrong)}" + "".join(f"\n    {w}" for w in wrong[:10]))
        print(f"  requests that failed during the restarts: {len(evening.errors)} (a failed '+' is not in the "
              f"database: the member saw an error and taps again; the check above counts only what was accepted)")
        ok &= not wrong and accepted == stored
        if args.evening_only:
            return 0 if ok else 1

        # 2 and 3. sign-in limits and the PDF cache across both servers
        wait_for_both(base)
        ok &= check_sign_in_limits(base, limited.username)
        ok &= check_pdf_cache(base)

        # 4. throughput: one server behind Caddy, then two (the same load, signed-in households)
        rates = {}
        for label, url in (("one server", f"http://127.0.0.1:{single_port}"), ("two servers", base)):
            figures, seconds = run_load(url, households[:args.throughput_households], args.threads, args.rounds)
            rates[label] = figures.requests() / seconds
            print_figures(f"4. Throughput, {label} behind Caddy", figures, seconds)
            ok &= not figures.errors
        accepted, stored, wrong = check_counted(households)
        ok &= not wrong
        print(f"  two servers / one server: {rates['two servers'] / rates['one server']:.2f} x requests/s "
              f"(one 2-core machine for both servers, Caddy, PostgreSQL and the load: not a scaling figure); "
              f'"+" accepted in all {accepted}, increments {stored}, differences {len(wrong)}')

        # 5. a 200,000-line cycle open while households tap "+"
        if args.lines:
            national, _cycle, built = national_households(args.big_households, args.taps, args.lines, 100)
            connections.close_all()
            figures, seconds = run_load(base, national, args.threads, args.rounds)
            from grappe.orders.models import OrderLine

            print_figures(f"5. A cycle of {OrderLine.objects.filter(cycle_id=national[0].cycle_id).count():,} order "
                          f"lines (built in {built:.0f} s) open while {len(national)} of its households sign in "
                          f"and tap '+', two servers", figures, seconds)
            accepted, stored, wrong = check_counted(national)
            ok &= not wrong and not figures.errors
            print(f'  "+" accepted {accepted}, increments {stored}, differences {len(wrong)}')
        session_ms, cache_ms = shared_store_reads()
        print(f"Shared store (PostgreSQL) reads, median of 200 ({load()}): a session {session_ms:.2f} ms, "
              f"a cached 10 kB entry {cache_ms:.2f} ms, against a '+' p50 of "
              f"{percentile(evening.tap, 50) * 1000:.0f} ms in the evening's load")
    finally:
        for process in (both, single, *servers.values()):
            stop(process)
    print(f"total {time.perf_counter() - started:.0f} s; {'ALL CHECKS HELD' if ok else 'A CHECK FAILED'} "
          f"(logs in {folder})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
