"""Production refuses to start on a weak secret or a silent default (grappe/core/production.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from grappe.core import production

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = "k3Y-" + "".join(chr(ord("a") + i % 26) + str(i % 10) for i in range(30))
COMPLETE = {
    "GRAPPE_PRODUCTION": "1",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "grappe.example.org",
    "DATABASE_URL": "postgres://grappe@db.example.org:5432/grappe",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "grappe@example.org",
    "SMS_BACKEND": "off",
    "BACKUP_DIR": "/var/backups/grappe",
}
OURS = {"GRAPPE_PRODUCTION", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SMS_BACKEND", "BREVO_API_KEY",
        "DEFAULT_FROM_EMAIL", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}  # the browser tests set the last


def start(*command, **env):
    """Run Python in a fresh process with only these of our settings in the environment."""
    environ = {k: v for k, v in os.environ.items() if k not in OURS and not k.startswith("EMAIL_")}
    environ.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run([sys.executable, *command], cwd=ROOT, env=environ, capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=False)


def load_settings(**env):
    return start("-c", "import grappe.settings as s; print('loaded', getattr(s, 'SECURE_HSTS_PRELOAD', None))", **env)


def with_(**changes):
    return {**COMPLETE, **changes}


WEAK_OR_MISSING = [
    (with_(SECRET_KEY=None), "SECRET_KEY is not set"),
    (with_(SECRET_KEY="dev-only-not-secret-" + "x" * 40), "SECRET_KEY is the development key"),
    (with_(SECRET_KEY="short-but-random-Q7x"), "SECRET_KEY is too weak"),
    (with_(SECRET_KEY="ab" * 40), "SECRET_KEY is too weak"),
    (with_(DATABASE_URL=None), "DATABASE_URL is not set"),
    (with_(DATABASE_URL=f"sqlite:///{ROOT / 'grappe.sqlite3'}"), "inside the code folder"),
    (with_(DATABASE_URL="sqlite:///grappe.sqlite3"), "absolute path"),
    (with_(DATABASE_URL="mysql://grappe@db/grappe"), "must be PostgreSQL"),
    (with_(EMAIL_HOST=None), "EMAIL_HOST must be set"),
    (with_(DEFAULT_FROM_EMAIL=None), "DEFAULT_FROM_EMAIL must be set"),
    (with_(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"), "delivers nothing"),
    (with_(EMAIL_USE_TLS="1", EMAIL_USE_SSL="true"), "cannot both be on"),
    (with_(SMS_BACKEND=None), "SMS_BACKEND is not set"),
    (with_(SMS_BACKEND="console"), "SMS_BACKEND=console"),
    (with_(SMS_BACKEND="brevo"), "needs BREVO_API_KEY"),
    (with_(ALLOWED_HOSTS=None), "ALLOWED_HOSTS is not set"),
    (with_(DEBUG="1"), "DEBUG is on"),
    (with_(BACKUP_DIR=None), "BACKUP_DIR is not set"),
    (with_(BACKUP_DIR="backups"), "BACKUP_DIR=backups must be an absolute path"),
]


@pytest.mark.parametrize(("env", "expected"), [WEAK_OR_MISSING[i] for i in (0, 1, 3, 5, 8, 13)])
def test_production_refuses_to_start_and_says_why(env, expected):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "refuses to start in production" in result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(("env", "expected"), WEAK_OR_MISSING)
def test_each_weak_or_missing_choice_is_named(env, expected):
    environ = {k: v for k, v in env.items() if v is not None}
    found = production.problems(environ, development_key="dev-only-not-secret-" + "x" * 40, code_folder=ROOT)
    assert len(found) == 1 and expected in found[0]


def test_the_complete_choices_raise_no_problem():
    assert production.problems(COMPLETE, development_key="dev", code_folder=ROOT) == []


def test_production_with_nothing_set_lists_every_missing_choice_at_once():
    result = load_settings(GRAPPE_PRODUCTION="1")
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "SMS_BACKEND", "BACKUP_DIR"):
        assert f"- {name}" in result.stderr


def test_production_with_explicit_choices_starts_and_passes_the_deployment_check(tmp_path):
    # A SQLite file outside the code folder is a valid choice for a small association on one machine.
    result = start("manage.py", "check", "--deploy", "--fail-level", "WARNING",
                   **with_(DATABASE_URL=f"sqlite:///{tmp_path / 'grappe.sqlite3'}", SMS_BACKEND="brevo",
                           BREVO_API_KEY="a-key"))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_hsts_preload_is_opt_in():
    assert load_settings(**COMPLETE).stdout.strip() == "loaded False"
    assert load_settings(**with_(SECURE_HSTS_PRELOAD="1")).stdout.strip() == "loaded True"


def test_development_needs_nothing():
    result = load_settings()
    assert result.returncode == 0, result.stderr


# The rules themselves, without a process.

def test_a_random_key_passes_and_the_development_key_does_not():
    assert production.secret_key_problem(STRONG_KEY, development_key="dev") is None
    assert production.secret_key_problem("django-insecure-" + STRONG_KEY, development_key="dev")


@pytest.mark.parametrize("url", ["postgres://u:p@h:5432/g", "postgresql://h/g", "sqlite:////var/lib/grappe/g.sqlite3"])
def test_named_databases_are_accepted(url):
    assert production.database_problem(url, code_folder=ROOT) is None


@pytest.mark.parametrize("url", ["sqlite://:memory:", "sqlite://", "sqlite:///relative.sqlite3",
                                 f"sqlite:///{ROOT / 'data' / 'g.sqlite3'}"])
def test_unsafe_sqlite_files_are_refused(url):
    assert production.database_problem(url, code_folder=ROOT)


def test_settings_of_this_process_set_a_mail_timeout_and_a_shared_cache():
    assert settings.EMAIL_TIMEOUT == 10
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
