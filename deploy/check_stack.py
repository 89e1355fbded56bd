"""The production recipe of deploy/, run for real on this machine: CI's proof that it works.

    .venv/bin/python deploy/check_stack.py [--keep]

It starts what a Debian server runs, from the files of this folder: PostgreSQL (already running; a
fresh database `grappe_stack`), gunicorn with the command line of `systemd/grappe-web.service`, the
worker of `systemd/grappe-worker.service`, Caddy with `Caddyfile` (its internal certificate authority
instead of Let's Encrypt, on a high port), e-mail to a local SMTP sink (aiosmtpd), SMS switched off,
every setting from `grappe.env.example` filled in. Then, over HTTPS through Caddy, it checks the
certificate, signs in as the demo household, adds to its basket of the open cycle, asks for a
password-reset e-mail and waits for it at the sink; runs the command of every timer once; and stops
everything. Prints one JSON line of what it saw; exits 1 on the first thing that does not work.
Needs Caddy (Debian: `apt install caddy`); .ci/run installs it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
DATABASE = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grappe_stack")


class Failed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unit_command(unit: str, tmp: Path) -> list[str]:
    """The ExecStart of a unit, its server paths replaced by this machine's."""
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    line = next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ExecStart="))
    line = (line.replace("/srv/grappe/.venv/bin/", f"{VENV_BIN}/")
            .replace("/run/grappe/gunicorn.sock", str(tmp / "gunicorn.sock"))
            .replace("/var/backups/grappe", str(tmp / "backups")))
    return shlex.split(line)


def environment(tmp: Path, smtp_port: int, https_port: int) -> dict[str, str]:
    """grappe.env.example's settings, filled in for this machine."""
    env = dict(os.environ)
    for line in (DEPLOY / "grappe.env.example").read_text().splitlines():
        match = re.match(r"([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if match and match.group(2):
            value = match.group(2)
            env[match.group(1)] = shlex.split(value)[0] if value.startswith('"') else value
    env.update({
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "localhost", "DATABASE_URL": DATABASE,
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "0",
        "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
        "MEDIA_ROOT": str(tmp / "media"), "BACKUP_DIR": str(tmp / "backups"),
        "CSRF_TRUSTED_ORIGINS": f"https://localhost:{https_port}", "DJANGO_SETTINGS_MODULE": "grappe.settings",
    })
    env.pop("DEBUG", None)
    return env


def caddyfile(tmp: Path, https_port: int, http_port: int) -> str:
    text = (DEPLOY / "Caddyfile").read_text()
    site = "grappe.example.org {"
    assert site in text, "deploy/Caddyfile: the site block changed; update check_stack.py"
    head = ("{\n\tadmin off\n\tskip_install_trust\n\t"
            f"http_port {http_port}\n\thttps_port {https_port}\n\tstorage file_system {tmp / 'caddy'}\n}}\n\n")
    return head + (text.replace(site, f"localhost:{https_port} {{\n\ttls internal")
                   .replace("/run/grappe/gunicorn.sock", str(tmp / "gunicorn.sock"))
                   .replace("/var/lib/grappe/media", str(tmp / "media"))
                   .replace("/var/log/caddy/grappe.log", str(tmp / "caddy-access.log")))


def manage(env, *args, timeout=600) -> str:
    done = subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise Failed(f"manage.py {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def shell(env, code: str) -> str:
    """The last line `manage.py shell -c code` printed (Django 5.2's shell may print a line first)."""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


class Forms(HTMLParser):
    """The inputs of a page's forms: [(action, {name: value})]."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            if tag == "input" and attrs.get("type") not in ("submit", "checkbox"):
                self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""
            elif tag == "button" and attrs["name"] == "save":
                self.forms[-1][1]["save"] = ""  # marks the form; not sent (a "+" is not a save)


class Browser:
    """A household's browser: cookies, the Caddy root certificate, a Referer on each post (Django's
    CSRF check over HTTPS asks for it)."""

    def __init__(self, base: str, root_certificate: Path):
        self.base = base
        context = ssl.create_default_context(cafile=str(root_certificate))
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.status, answer.geturl(), answer.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode(),
                                         headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.geturl(), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode(errors="replace")

    def form(self, path: str, containing: str) -> dict[str, str]:
        status, _, page = self.get(path)
        parser = Forms()
        parser.feed(page)
        for _, fields in parser.forms:
            if containing in fields:
                return {name: value for name, value in fields.items() if name != "save"}
        raise Failed(f"{path}: no form with {containing} ({status})")


def wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, ssl.SSLError):
            pass
        time.sleep(0.5)
    raise Failed(f"{what}: not ready after {seconds:.0f} s")


def fresh_database() -> None:
    import psycopg

    base, name = DATABASE.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(tmp: Path) -> dict:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    caddy = shutil.which("caddy")
    if caddy is None:
        raise Failed("Caddy is not installed (Debian: apt install caddy)")
    received = []

    class Sink(Message):
        def handle_message(self, message):
            received.append(message)

    smtp_port, https_port, http_port = free_port(), free_port(), free_port()
    sink = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    sink.start()
    env = environment(tmp, smtp_port, https_port)
    (tmp / "media").mkdir()
    (tmp / "backups").mkdir()
    figures: dict = {"caddy": subprocess.run([caddy, "version"], capture_output=True, text=True).stdout.split()[0]}
    processes: list[subprocess.Popen] = []
    try:
        started = time.monotonic()
        fresh_database()
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo")
        figures["setup_s"] = round(time.monotonic() - started, 1)
        logs = {name: open(tmp / f"{name}.log", "w") for name in ("gunicorn", "worker", "caddy")}
        processes.append(subprocess.Popen(unit_command("grappe-web.service", tmp), cwd=ROOT, env=env,
                                          stdout=logs["gunicorn"], stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen(unit_command("grappe-worker.service", tmp), cwd=ROOT, env=env,
                                          stdout=logs["worker"], stderr=subprocess.STDOUT))
        (tmp / "Caddyfile").write_text(caddyfile(tmp, https_port, http_port))
        caddy_env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg-data"), XDG_CONFIG_HOME=str(tmp / "xdg-config"),
                         HOME=str(tmp))
        processes.append(subprocess.Popen([caddy, "run", "--config", str(tmp / "Caddyfile"), "--adapter", "caddyfile"],
                                          env=caddy_env, stdout=logs["caddy"], stderr=subprocess.STDOUT))
        root_certificate = tmp / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        wait_for(lambda: root_certificate.exists(), "Caddy's certificate authority")
        base = f"https://localhost:{https_port}"
        browser = Browser(base, root_certificate)
        wait_for(lambda: browser.get("/connexion/")[0] == 200, "the site over HTTPS through Caddy")
        figures["https"] = "ok (certificate checked against Caddy's root)"

        # plain HTTP is sent to HTTPS (Caddy), and the app sees the request as secure (no redirect loop)
        fields = browser.form("/connexion/", "csrfmiddlewaretoken")
        status, url, page = browser.post("/connexion/", {**fields, "username": "adherent", "password": "grappe-demo"})
        if status != 200 or url.rstrip("/") != base or "connexion" in url:
            raise Failed(f"sign-in through Caddy: {status} {url}")
        figures["sign_in"] = "ok"

        member = json.loads(shell(env, (
            "import json; from grappe.members.models import Member; from grappe.orders.models import OrderCycle;"
            "from grappe.orders.demo import OPEN; m = Member.objects.get(user__username='adherent');"
            "c = OrderCycle.objects.get(association=m.association, name=OPEN);"
            "print(json.dumps({'cycle': c.pk}))")))
        basket = f"/commandes/{member['cycle']}/panier/"
        fields = browser.form(basket, "save")
        # "+" on a product already in the basket (so it is on offer and in stock), the other boxes as shown
        product = next(name[2:] for name, value in fields.items()
                       if name.startswith("q-") and value not in ("", "0"))
        before = basket_quantity(env, member["cycle"], product)
        status, _, _ = browser.post(basket, {**fields, "plus": product})
        after = basket_quantity(env, member["cycle"], product)
        if status != 200 or not after > before:
            raise Failed(f"basket through Caddy: status {status}, quantity {before} -> {after}")
        figures["order"] = f"ok (product {product}: {before} -> {after})"

        # a second association started as docs/operations.md says; its administrator resets her password
        email = "marie.durand@example.org"
        manage(env, "start_association", "--name", "Association d'essai", "--first-name", "Marie",
               "--last-name", "Durand", "--email", email)
        fields = browser.form("/mot-de-passe/oublie/", "email")
        browser.post("/mot-de-passe/oublie/", {**fields, "email": email})
        wait_for(lambda: any(email in str(m.get("To", "")) for m in received),
                 "the password-reset e-mail at the SMTP sink", 60)
        figures["email"] = f"ok ({len(received)} received by the sink)"

        timers = sorted(path.stem for path in (DEPLOY / "systemd").glob("*.timer"))
        for name in timers:
            command = unit_command(f"{name}.service", tmp)
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise Failed(f"{name}: {' '.join(command[2:])} failed: {done.stderr[-2000:]}")
        figures["timers"] = f"ok ({len(timers)}: {', '.join(t.removeprefix('grappe-') for t in timers)})"
        if any(process.poll() is not None for process in processes):
            raise Failed("a service stopped during the check")
        figures["total_s"] = round(time.monotonic() - started, 1)
        return figures
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        sink.stop()


def basket_quantity(env, cycle: int, product: str) -> str:
    return shell(env, (
        "from django.db.models import Sum; from grappe.orders.models import OrderLine;"
        f"print(OrderLine.objects.filter(order__cycle_id={cycle}, order__member__user__username='adherent',"
        f" product_id={int(product)}).aggregate(s=Sum('quantity'))['s'] or 0)"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) after the run")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="grappe-stack-"))
    try:
        figures = run(tmp)
    except Failed as error:
        print(json.dumps({"ok": False, "error": str(error), "logs": str(tmp)}))
        for log in sorted(tmp.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
        return 1
    print(json.dumps({"ok": True, **figures}))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
