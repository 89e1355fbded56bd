"""What a production start refuses: a weak secret and silent defaults (Django-free; read by settings.py).

In production (`GRAPPE_PRODUCTION=1`) every choice that decides where data and messages go must be
explicit: the database is named in `DATABASE_URL`, e-mail goes to a real server, SMS go to a real
provider or are switched off, backups go to a named folder. Nothing falls back to the SQLite file of the code folder or to the
console (seen: production quietly ran on the demo's SQLite file and "sent" 103 SMS to stdout).
`problems(environ, ...)` lists every problem at once, so that one start tells the operator all
that is missing; settings.py raises ImproperlyConfigured with that list.
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10  # a random key of 50 characters has about 35 distinct ones
SMS_BACKENDS = ("brevo", "off")  # what production accepts; "console" only prints
EMAIL_BACKENDS_THAT_DO_NOT_DELIVER = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
TRUE = {"1", "true", "yes", "on"}  # as settings.env_bool reads them
HOW_TO_MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key_problem(key: str, *, development_key: str) -> str | None:
    if not key:
        return f"SECRET_KEY is not set. Generate one with: {HOW_TO_MAKE_A_KEY}"
    if key == development_key or key.startswith(("django-insecure-", "dev-only-")):
        return f"SECRET_KEY is the development key. Generate a new one with: {HOW_TO_MAKE_A_KEY}"
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return (f"SECRET_KEY is too weak (at least {SECRET_KEY_MIN_LENGTH} characters, "
                f"{SECRET_KEY_MIN_DISTINCT} of them different). Generate one with: {HOW_TO_MAKE_A_KEY}")
    return None


def database_problem(url: str, *, code_folder: Path) -> str | None:
    """PostgreSQL, or a SQLite file named by its absolute path outside the code folder."""
    if not url:
        return ("DATABASE_URL is not set. Name the database: postgres://user:password@host:5432/grappe, "
                "or for a small association on one machine a SQLite file outside the code folder, "
                "sqlite:////var/lib/grappe/grappe.sqlite3")
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("postgres", "postgresql", "pgsql", "postgis"):
        return None
    if scheme != "sqlite":
        return f"DATABASE_URL must be PostgreSQL (postgres://...) or a SQLite file (sqlite:////...), not {scheme}://"
    name = url[len("sqlite://"):]
    path = Path(name[1:]) if name.startswith("/") else Path(name)
    if name in ("", "/", ":memory:", "/:memory:") or not path.is_absolute():
        return ("DATABASE_URL must name the SQLite file by its absolute path, with four slashes: "
                "sqlite:////var/lib/grappe/grappe.sqlite3")
    if path.resolve().is_relative_to(code_folder.resolve()):
        return (f"DATABASE_URL names a SQLite file inside the code folder ({code_folder}), which an upgrade "
                "or `make clean` replaces (and where the demo lives): keep the data elsewhere, e.g. "
                "sqlite:////var/lib/grappe/grappe.sqlite3")
    return None


def email_problem(environ: Mapping[str, str]) -> str | None:
    backend = environ.get("EMAIL_BACKEND", SMTP_BACKEND)
    if backend in EMAIL_BACKENDS_THAT_DO_NOT_DELIVER:
        return f"EMAIL_BACKEND={backend} delivers nothing: use a real mail server (SMTP, the default in production)"
    needed = (("EMAIL_HOST",) if backend == SMTP_BACKEND else ()) + ("DEFAULT_FROM_EMAIL",)
    missing = [name for name in needed if not environ.get(name, "").strip()]
    if {environ.get("EMAIL_USE_TLS", "").lower(), environ.get("EMAIL_USE_SSL", "").lower()} <= TRUE:
        return "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: TLS for port 587, SSL for port 465"
    if missing:
        return (f"{' and '.join(missing)} must be set: the mail server that sends Grappe's e-mails "
                "(EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL) "
                "and the sender address (DEFAULT_FROM_EMAIL)")
    return None


def sms_problem(environ: Mapping[str, str]) -> str | None:
    backend = environ.get("SMS_BACKEND", "").strip()
    if backend not in SMS_BACKENDS:
        shown = f"SMS_BACKEND={backend}" if backend else "SMS_BACKEND is not set"
        return (f"{shown}: choose the SMS provider, SMS_BACKEND=brevo (with BREVO_API_KEY), "
                "or switch SMS off with SMS_BACKEND=off (reminders then go by e-mail or to the call list)")
    if backend == "brevo" and not environ.get("BREVO_API_KEY", "").strip():
        return "SMS_BACKEND=brevo needs BREVO_API_KEY"
    return None


def backup_problem(environ: Mapping[str, str]) -> str | None:
    """The backups' folder must be named: the journal of erased households is kept there, and a restore
    without it would bring an erased household back (docs/operations.md, "Backups")."""
    folder = environ.get("BACKUP_DIR", "").strip()
    if not folder:
        return ("BACKUP_DIR is not set: the folder of the nightly backups (manage.py backup), where the journal "
                "of erased households is kept too, e.g. BACKUP_DIR=/var/backups/grappe")
    if not folder.startswith("/"):
        return f"BACKUP_DIR={folder} must be an absolute path (e.g. /var/backups/grappe)"
    return None


def problems(environ: Mapping[str, str], *, development_key: str, code_folder: Path) -> list[str]:
    found = [
        secret_key_problem(environ.get("SECRET_KEY", ""), development_key=development_key),
        "DEBUG is on: its error pages show the settings and the code to anyone; remove DEBUG"
        if environ.get("DEBUG", "").lower() in TRUE else None,
        None if environ.get("ALLOWED_HOSTS", "").strip() else
        "ALLOWED_HOSTS is not set: the host name(s) of the site, e.g. grappe.example.org",
        database_problem(environ.get("DATABASE_URL", "").strip(), code_folder=code_folder),
        email_problem(environ),
        sms_problem(environ),
        backup_problem(environ),
    ]
    return [problem for problem in found if problem]


def refusal(found: list[str]) -> str:
    lines = "\n".join(f"- {problem}" for problem in found)
    return f"Grappe refuses to start in production (GRAPPE_PRODUCTION=1):\n{lines}\nSee docs/operations.md."
