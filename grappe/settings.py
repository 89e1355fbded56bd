"""One settings file, driven by environment variables.

Nothing set: a development setup on SQLite. `GRAPPE_PRODUCTION=1` turns on the production
security settings (secure cookies, HSTS, SSL redirect) and refuses to start without a strong
`SECRET_KEY` and explicit choices of database, e-mail server and SMS provider (grappe/core/production.py;
every setting is described in docs/operations.md).
"""

import os
from decimal import Decimal
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from grappe.core import production

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("GRAPPE_PRODUCTION")
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret-" + "x" * 40
DEVELOPMENT_DATABASE = BASE_DIR / "grappe.sqlite3"
if PRODUCTION and (problems := production.problems(os.environ, development_key=DEVELOPMENT_SECRET_KEY,
                                                   code_folder=BASE_DIR)):
    raise ImproperlyConfigured(production.refusal(problems))
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "grappe.core.error_pages.csrf_failure"  # French, with a link to reload the page

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from our static files (no CDN, no inline script: CSP)
    "django_tasks",
    "django_tasks_db",
    "grappe.core",
    "grappe.network",
    "grappe.members",
    "grappe.catalogue",
    "grappe.orders",
    "grappe.distribution",
    "grappe.accounts",
    "grappe.tours",
    "grappe.events",
    "grappe.field",
    "grappe.notify",
    "grappe.reports",
    "grappe.invoicing",
    "grappe.bank",
    "grappe.api",
    # Last, so that our apps' French catalogues win over the admin's for shared msgids ("Change").
    # Django's admin, behind Grappe's sign-in and TOTP (grappe/core/admin_site.py).
    "grappe.core.admin_site.GrappeAdminConfig",
]


def admin_enabled() -> bool:
    """Django's admin at /admin/: on in development, off in production unless GRAPPE_ADMIN=1."""
    return env_bool("GRAPPE_ADMIN", default=not env_bool("GRAPPE_PRODUCTION"))


GRAPPE_ADMIN = admin_enabled()

MIDDLEWARE = [
    "grappe.core.middleware.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # after WhiteNoise, which answers static files itself, already compressed (its .gz/.br files):
    # only pages are gzipped here, on the fly, with Django's BREACH mitigation (docs/architecture.md)
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "grappe.members.language.MemberLanguageMiddleware",
    "grappe.core.middleware.PasswordChoiceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "grappe.urls"
WSGI_APPLICATION = "grappe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "grappe.network.context_processors.navigation",
            ],
        },
    }
]

# Production names its database (checked above); development defaults to the SQLite file of the checkout.
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{DEVELOPMENT_DATABASE}", conn_max_age=60)
}
# SQLite under a real server (several gunicorn workers, the job worker, the timers): WAL lets readers
# run beside the one writer; IMMEDIATE takes the write lock when a transaction begins, so a writer
# waits its turn (up to `timeout` seconds, below gunicorn's 30 s) instead of failing at once with
# "database is locked" when its read lock cannot be upgraded; NORMAL is WAL's safe synchronous level
# (no corruption on a power cut; the last commits may be lost). What still times out is answered 503
# "try again" (grappe/core/error_pages.py), never 500. docs/operations.md says for whom SQLite is enough.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "grappe.core.hashers.Argon2idHasher",  # Argon2id at OWASP's minimum (docs/benchmarks.md, "Issue 16")
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins allowed within LOGIN_FAILURE_WINDOW seconds (grappe/core/auth.py): per (account,
# address); per account from addresses that never signed in to it; per address on accounts it never
# signed in to. TRUSTED_PROXY_COUNT: reverse proxies in front of Grappe whose X-Forwarded-For is
# trusted (0: REMOTE_ADDR is the client).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "fr"
# Members may also choose Arabic and Turkish (their pages, printed forms, receipts and reminders); staff pages
# stay French and English (grappe/core/member_facing.py, grappe/members/language.py).
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("ar", _("Arabic")), ("tr", _("Turkish"))]
LOCALE_PATHS = [BASE_DIR / "grappe" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: SMTP settings from the environment; the console in development when nothing is set.
# Production requires EMAIL_HOST and DEFAULT_FROM_EMAIL and refuses backends that deliver nothing.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", production.SMTP_BACKEND if PRODUCTION
                               else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Seconds before a silent mail server gives up, so that a request or a job never hangs on it.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "grappe@localhost")

# SMS gateway: "console" (prints) in development; production chooses "brevo" or "off" (checked above).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_SENDER = os.environ.get("SMS_SENDER", "Grappe")  # at most 11 letters or digits
BREVO_API_KEY = os.environ.get("BREVO_API_KEY", "")
# What the provider bills per SMS part (a coordinator's message shows its cost before it is sent).
SMS_PRICE_PER_PART = Decimal(os.environ.get("SMS_PRICE_PER_PART", "0.07"))

# Job queue (django-tasks): long work runs in `manage.py db_worker`, out of the request and out of
# any lock; tasks are rows of the same database (django-tasks-db), so there is no other server.
# `manage.py requeue_tasks` (a timer) puts back tasks left RUNNING by a killed worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The health page (/sante/, grappe/core/health.py): ages, in seconds, beyond which a check is failing
# (worker heartbeat, last backup in BACKUP_DIR below) or a warning (last reminders run, oldest waiting task).
HEALTH_WORKER_MAX_AGE = int(os.environ.get("HEALTH_WORKER_MAX_AGE", "300"))
HEALTH_BACKUP_MAX_AGE = int(os.environ.get("HEALTH_BACKUP_MAX_AGE", str(26 * 3600)))
HEALTH_REMINDERS_MAX_AGE = int(os.environ.get("HEALTH_REMINDERS_MAX_AGE", str(26 * 3600)))
HEALTH_PENDING_MAX_AGE = int(os.environ.get("HEALTH_PENDING_MAX_AGE", "900"))

# Optional OSRM server for real road travel times in the van planner (never needed by tests).
OSRM_URL = os.environ.get("OSRM_URL", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading commits the whole domain to HTTPS in every browser, for months after it is withdrawn:
    # the owner of the domain decides, not Grappe. Off unless asked, so Django's reminder is silenced.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (grappe/core/tests/test_csp.py keeps templates free of inline scripts and on* handlers). Styles
# may be inline (a few style="" attributes). Images: ours, data: (charts, the TOTP QR code) and the
# OpenStreetMap tiles of the van planner's map.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https://tile.openstreetmap.org"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# One cache for every worker and app server: a table in the database (created by `migrate`, through
# core's post_migrate hook, and by the test database set-up). Printed documents are cached here:
# code uses caches["default"] (helper `jobs` moves grappe/core/pdf.py's cache onto it), never a
# per-process cache. A file cache would be shared only by the workers of one machine.
# Backups (manage.py backup / restore, docs/operations.md "Backups"): the folder, how many to keep, and the
# journal of member erasures that a restore re-applies (default: erasures.jsonl in BACKUP_DIR).
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
BACKUP_JOURNAL = os.environ.get("BACKUP_JOURNAL", "")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "grappe_cache",
        "TIMEOUT": int(os.environ.get("CACHE_TIMEOUT", "86400")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "1000"))},
    }
}

OTP_TOTP_ISSUER = "Grappe"

# Logs go to standard error (journald keeps them), one line per event with the request's id
# (X-Request-ID, grappe/core/logs.py); GRAPPE_LOG_FORMAT=json writes one JSON object per line instead,
# for a log collector. Errors (a 500, anything logged as an error) are e-mailed to ADMINS, from
# GRAPPE_ADMINS="Marie Durand <marie@example.org>, Ali <ali@example.org>", when DEBUG is off.
# Django's own handlers for its "django" logger are replaced: its records reach the root's.
ADMINS = [(name, address) for name, address in getaddresses([os.environ.get("GRAPPE_ADMINS", "")]) if "@" in address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # the sender of those e-mails
EMAIL_SUBJECT_PREFIX = "[Grappe] "
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "grappe.core.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "grappe.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                    "formatter": "json" if os.environ.get("GRAPPE_LOG_FORMAT") == "json" else "plain"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"]},
    },
    "root": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}
