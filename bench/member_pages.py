"""A household's pages on a 360 x 740 phone: height, screens, HTML bytes, and the header of every role.

Run from the repository root:
    /work/main/.venv/bin/python bench/member_pages.py [--port 8106] [--screenshots FOLDER] [--keep]

A fresh demo database (a temporary SQLite file: migrate, then `load_demo`), a development server on
127.0.0.1:PORT over it, then headless Chromium at 360 x 740 (Debian's /usr/bin/chromium) signed in as
the demo household `adherent` opens each member page and prints one row per page: its full height in
CSS px, the number of 740 px screens it takes, the HTML bytes as sent (uncompressed) and gzipped (what
a server that compresses would send, computed here at level 6), the status when it is not 200, and
the height of the header ("sent as": the Content-Encoding the server used, "-" for none; a page that
does not answer 200, such as the member's own receipt on main, shows its status only). Then each demo role (adherent, benevole, prescriptrice, coordination, admin)
signs in and the height of its header on the home page is printed.

One place per page: PAGES below (a label, and how to find its path in the demo data); a page added
by issue 13 (the member's own receipt, the join form from a QR code...) is one more line there.
`--keep` reuses the database of the previous run (saves the ~50 s of migrate + load_demo).
Takes about 1.5 min on the 2-core machine, most of it building the demo data.
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _database import fresh_database  # noqa: E402  (bench/, the script's own folder)

DB_FILE = str(Path(tempfile.gettempdir()) / "grappe_bench_member_pages.sqlite3")
SCREEN = {"width": 360, "height": 740}
ROLES = ["adherent", "benevole", "prescriptrice", "coordination", "admin"]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def demo_objects() -> dict:
    """The demo household's objects the member pages are about (looked up once in the demo data)."""
    from grappe.accounts.demo import DONE
    from grappe.catalogue.models import Product
    from grappe.distribution.models import Basket
    from grappe.events.models import Event
    from grappe.members.models import Member, Referral
    from grappe.orders.demo import OPEN
    from grappe.orders.models import OrderCycle

    member = Member.objects.select_related("group").get(user__username="adherent")
    past = OrderCycle.objects.get(association=member.association, name=DONE)
    return {
        "member": member,
        "open_cycle": OrderCycle.objects.get(association=member.association, name=OPEN),
        "past_cycle": past,
        "past_basket": Basket.objects.get(distribution__cycle=past, member=member),
        "product": Product.objects.filter(association=member.association).order_by("pk").first(),
        "event": Event.objects.filter(group=member.group).order_by("starts_at").first(),
        "unused_code": Referral.objects.filter(member__isnull=True).order_by("pk").first().code,
    }


# (label, path from the demo objects, signed in as the household?) -- one line per page
PAGES = [
    ("home", lambda o: "/", True),
    ("my orders", lambda o: "/commandes/mes-commandes/", True),
    ("basket, open cycle", lambda o: f"/commandes/{o['open_cycle'].pk}/panier/", True),
    ("basket, past cycle", lambda o: f"/commandes/{o['past_cycle'].pk}/panier/", True),
    ("my receipt (past basket)", lambda o: f"/comptes/panier/{o['past_basket'].pk}/recu/", True),
    ("my account", lambda o: "/comptes/mon-compte/", True),
    ("catalogue", lambda o: "/catalogue/", True),
    ("product sheet", lambda o: f"/catalogue/produit/{o['product'].pk}/", True),
    ("suggestions", lambda o: "/catalogue/suggestions/", True),
    ("events", lambda o: "/animations/", True),
    ("an event", lambda o: f"/animations/{o['event'].pk}/", True),
    ("my reminders", lambda o: "/rappels/mes-rappels/", True),
    ("my data", lambda o: "/adherents/mes-donnees/", True),
    ("my profile", lambda o: "/profil/", True),
    ("sign-in", lambda o: "/connexion/", False),
    ("join (code typed)", lambda o: f"/adherents/inscription/?code={o['unused_code']}", False),
    ("forgotten password", lambda o: "/mot-de-passe/oublie/", False),
]

HEADER_HEIGHT = "(() => { const h = document.querySelector('header'); return h ? h.getBoundingClientRect().height : 0; })()"
FULL_HEIGHT = "document.documentElement.scrollHeight"


def prepare(keep: bool) -> None:
    url = f"sqlite:///{DB_FILE}"
    if keep and Path(DB_FILE).exists():
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
        import django

        django.setup()
        return
    fresh_database(url)
    from django.core.management import call_command

    # load_demo's route solver prints its banner on the process's own stdout: silenced at the fd level
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB_FILE}", "DEBUG": "1"}
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server did not start on port {port} (already taken?)") from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def sign_in(page, base, username):
    from grappe.network.demo import DEMO_PASSWORD

    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/connexion/" not in url)


def measure(page, base, path, screenshots=None, name=""):
    response = page.goto(base + path)
    body = response.body() if response is not None else b""
    height = page.evaluate(FULL_HEIGHT)
    if screenshots:
        page.screenshot(path=str(Path(screenshots) / f"{name}.png"), full_page=True)
    return {"status": response.status if response else 0, "height": height, "screens": height / SCREEN["height"],
            "bytes": len(body), "gzip": len(gzip.compress(body, 6)),
            "encoding": (response.headers.get("content-encoding") or "-") if response else "-",
            "header": page.evaluate(HEADER_HEIGHT)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--screenshots", metavar="FOLDER", help="save a full-page screenshot of each page there")
    parser.add_argument("--keep", action="store_true", help="reuse the demo database of the previous run")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    prepare(args.keep)
    objects = demo_objects()
    built = time.perf_counter() - started
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    server = start_server(args.port)
    base = f"http://127.0.0.1:{args.port}"
    rows, headers = [], {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS,
                                                 headless=True)
            anonymous = browser.new_context(viewport=SCREEN, locale="fr-FR").new_page()
            for role in ROLES:
                context = browser.new_context(viewport=SCREEN, locale="fr-FR")
                page = context.new_page()
                sign_in(page, base, role)
                if role == "adherent":
                    for label, path_of, signed_in in PAGES:
                        slug = "".join(c if c.isalnum() else "-" for c in label)
                        rows.append((label, measure(page if signed_in else anonymous, base, path_of(objects),
                                                    args.screenshots, slug)))
                headers[role] = measure(page, base, "/")["header"]
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"Member pages at {SCREEN['width']} x {SCREEN['height']} (demo household `adherent`), "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"| {'page':<26} | height px | screens | HTML bytes | gzip bytes | sent as | header px | status |")
    print(f"|{'-' * 28}|----------:|--------:|-----------:|-----------:|---------|----------:|-------:|")
    for label, row in rows:
        if row["status"] != 200:  # the figures of an error page say nothing about the page
            print(f"| {label:<26} | {'-':>9} | {'-':>7} | {'-':>10} | {'-':>10} | {'-':<7} | {'-':>9} | "
                  f"{row['status']:>6} |")
            continue
        print(f"| {label:<26} | {row['height']:>9} | {row['screens']:>7.1f} | {row['bytes']:>10,} | "
              f"{row['gzip']:>10,} | {row['encoding']:<7} | {row['header']:>9.0f} | {row['status']:>6} |")
    print("\nHeader height on the home page, per demo role:")
    print("| role          | header px | share of 740 px |")
    print("|---------------|----------:|----------------:|")
    for role, height in headers.items():
        print(f"| {role:<13} | {height:>9.0f} | {height / SCREEN['height']:>14.0%} |")
    print(f"\n(demo data built in {built:.0f} s, total {time.perf_counter() - started:.0f} s; "
          f"{math.ceil(SCREEN['height'] / 5)} px is a fifth of the screen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
