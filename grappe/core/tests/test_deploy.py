"""The deploy/ recipe stays true to the code: every setting Grappe reads is in the environment
template, every unit runs a command that exists, every timer starts a service of its own."""

import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from grappe.core import production

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SETTINGS_SOURCES = [Path(settings.BASE_DIR) / "grappe" / "settings.py",
                    Path(settings.BASE_DIR) / "grappe" / "core" / "production.py"]
_READ = re.compile(r"""(?:os\.environ(?:\.get)?\(\s*|os\.environ\[\s*|env_bool\(\s*|env_list\(\s*|environ\.get\(\s*)["']([A-Z][A-Z0-9_]+)["']""")


def env_template() -> dict[str, str]:
    """The template's settings, commented-out defaults included (name -> value, quotes removed)."""
    found = {}
    for line in (DEPLOY / "grappe.env.example").read_text().splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            value = match.group(2)
            found[match.group(1)] = shlex.split(value)[0] if value.startswith('"') else value
    return found


def settings_read() -> set[str]:
    names = set()
    for source in SETTINGS_SOURCES:
        names |= set(_READ.findall(source.read_text()))
    return names | {"DATABASE_URL"}  # read by dj_database_url.config()


def test_every_setting_grappe_reads_is_in_the_environment_template():
    names = settings_read()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SMS_BACKEND", "TRUSTED_PROXY_COUNT"} <= names  # the reader reads
    missing = names - set(env_template()) - {"DJANGO_SETTINGS_MODULE"}
    assert not missing, f"add to deploy/grappe.env.example: {sorted(missing)}"


def test_the_template_filled_in_passes_the_production_checks():
    environ = {name: value for name, value in env_template().items() if value}
    environ["SECRET_KEY"] = "k" * 30 + "abcdefghijklmnopqrstuvwxyz0123"
    assert production.problems(environ, development_key="dev", code_folder=Path(settings.BASE_DIR)) == []
    environ.pop("SECRET_KEY")
    assert production.problems(environ, development_key="dev", code_folder=Path(settings.BASE_DIR))


def _exec(unit: Path) -> str:
    text = unit.read_text().replace("\\\n", " ")
    return next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ExecStart="))


def test_every_unit_runs_a_command_that_exists():
    commands = get_commands()
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert len(units) >= 8
    for unit in units:
        words = shlex.split(_exec(unit))
        if "manage.py" in words:
            command = words[words.index("manage.py") + 1]
            assert command in commands, f"{unit.name}: manage.py {command} does not exist"
        else:
            assert words[0].endswith("/gunicorn") and words[1] == "grappe.wsgi", unit.name
        assert "EnvironmentFile=/etc/grappe/grappe.env" in unit.read_text(), unit.name


def test_every_timer_starts_its_own_service_and_every_oneshot_has_a_timer():
    systemd = DEPLOY / "systemd"
    timers = {path.stem for path in systemd.glob("*.timer")}
    oneshots = {path.stem for path in systemd.glob("*.service") if "Type=oneshot" in path.read_text()}
    assert timers == oneshots
    assert {"grappe-close-cycles", "grappe-reminders", "grappe-backup"} <= timers
    for name in timers:
        assert "OnCalendar=" in (systemd / f"{name}.timer").read_text()


def test_caddy_forwards_to_the_socket_gunicorn_binds():
    socket = re.search(r"ListenStream=(\S+)", (DEPLOY / "systemd" / "grappe-web.socket").read_text()).group(1)
    assert f"--bind unix:{socket}" in _exec(DEPLOY / "systemd" / "grappe-web.service")
    assert f"reverse_proxy unix/{socket}" in (DEPLOY / "Caddyfile").read_text()
    assert env_template()["TRUSTED_PROXY_COUNT"] == "1"  # Caddy is the one proxy whose address it appends
