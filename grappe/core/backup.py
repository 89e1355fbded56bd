"""Backups that restore: one dated file holding everything needed, and a restore that checks itself.

`make_backup(folder)` writes `grappe-YYYYmmdd-HHMMSS.tar` (UTC) into `folder`, atomically (a temporary
file in the same folder, then a rename), readable by its owner only:

- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: the online
  backup API, never a copy of the file while it is written);
- `media/`: the uploaded files (MEDIA_ROOT), if any;
- `manifest.json`: no secret and no personal data beyond ids and amounts. Grappe's version and git
  commit, the migrations applied, the database vendor, `created_at`, the row count of every model,
  every member's balance (the sum of their account entries) and every settled cycle's settlement
  figures, all read in the same snapshot as the dump; and the settings that are not secrets.

`restore(path)` refuses a database that holds anything unless forced, restores the database and the
uploaded files, compares migrations, row counts, balances and settlement figures with the manifest,
re-applies the erasures journalled after the backup (`erasures.jsonl`, see `journal_erasure`) and
compares balances and settlement figures once more.

core sits below every app (pyproject's import layers): what it records of the apps above it is read
through the app registry, and the two functions it needs from them are named by dotted path and
imported when a backup or a restore runs, as grappe/core/tasks.py does for the home page's tasks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import glob
import importlib.metadata
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from grappe.core.money import ZERO, round_cents

logger = logging.getLogger(__name__)

FORMAT = 1
NAME = re.compile(r"^grappe-\d{8}-\d{6}\.tar(\.gz)?$")
JOURNAL_NAME = "erasures.jsonl"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA = "media"
DEFAULT_KEEP = 14
SETTLEMENT_REPORT = "grappe.accounts.queries.settlement_report"
ERASE_MEMBER = "grappe.members.services.erase_member"
# Settings never written to the manifest: by name, at any depth (DATABASES' PASSWORD, e-mail passwords,
# API keys, error tracker DSNs...); credentials in addresses ("postgres://user:pw@host") are masked too.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PASS$|KEY|TOKEN|DSN|CREDENTIAL|PRIVATE|SALT|AUTH", re.I)
URL_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]+@")


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message, in French, says why and what to do."""


# --- The erasure journal ---------------------------------------------------------------------------

_journal_paused = False


def journal_path() -> Path | None:
    """Where erasures are journalled: BACKUP_JOURNAL, else erasures.jsonl in BACKUP_DIR, else nowhere."""
    explicit = getattr(settings, "BACKUP_JOURNAL", None)
    if explicit:
        return Path(explicit)
    folder = getattr(settings, "BACKUP_DIR", None)
    return Path(folder) / JOURNAL_NAME if folder else None


def journal_erasure(*, member_id: int, association_id: int, erased_at: datetime.datetime) -> None:
    """Append one erasure to the journal: ids and dates only, nothing about the person. Called on commit
    (members.services.erase_member), so `at` is later than the commit: a backup whose snapshot began
    before `at` may lack the erasure, and its restore applies it again. One line, one write in append
    mode: lines of several processes do not mix."""
    path = journal_path()
    if path is None or _journal_paused:
        return
    line = json.dumps({"member": member_id, "association": association_id, "erased_at": erased_at.isoformat(),
                       "at": timezone.now().isoformat()}) + "\n"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError:
        # the erasure is committed; without its line a restore would bring the person back: said loudly
        logger.exception("erasure of member %s not journalled in %s", member_id, path)


@contextlib.contextmanager
def _journal_off() -> Iterator[None]:
    """Re-applying a journalled erasure does not journal it a second time."""
    global _journal_paused
    _journal_paused = True
    try:
        yield
    finally:
        _journal_paused = False


def read_journal(path: Path) -> list[dict]:
    if not path.exists():
        return []
    entries = []
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if not text.strip():
            continue
        try:
            entry = json.loads(text)
            entries.append({"member": int(entry["member"]), "association": int(entry["association"]),
                            "erased_at": datetime.datetime.fromisoformat(entry["erased_at"]),
                            "at": datetime.datetime.fromisoformat(entry["at"])})
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"Journal des effacements illisible ({path}, ligne {number})\u00a0: {error}") from error
    return entries


# --- Figures: what the manifest records and a restore compares ------------------------------------

def _existing_models():
    tables = set(connection.introspection.table_names())
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]


def applied_migrations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not MigrationRecorder(connection).has_table():
        return found
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        found.setdefault(app, []).append(name)
    return found


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count()
            for model in sorted(_existing_models(), key=lambda m: m._meta.label_lower)}


def balances() -> dict[str, str]:
    """Every member's balance, as accounts.queries.balance defines it: the sum of their entries, to the cent."""
    member_model, entry_model = apps.get_model("members", "Member"), apps.get_model("accounts", "Entry")
    sums = dict(entry_model._base_manager.values("member_id").annotate(s=Sum("amount")).values_list("member_id", "s"))
    return {str(pk): str(round_cents(sums[pk]) if sums.get(pk) is not None else ZERO)
            for pk in member_model._base_manager.order_by("pk").values_list("pk", flat=True)}


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:f}"  # "0.000000000", not "0E-9"
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def settlements() -> dict[str, dict]:
    """Every settled cycle's settlement, as accounts.queries.settlement_report computes it from its records:
    the totals (charged, at cost, invoices, stock change, losses, rounding, margin...) and every line."""
    report = import_string(SETTLEMENT_REPORT)
    cycle_model = apps.get_model("orders", "OrderCycle")
    return {str(cycle.pk): _plain(report(cycle))
            for cycle in cycle_model._base_manager.filter(status="settled").order_by("pk")}


def public_settings() -> dict:
    """The settings set for this installation (not Django's defaults) that are not secrets."""

    def clean(value):
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items() if not SECRET_NAME.search(str(k))}
        if isinstance(value, list | tuple | set | frozenset):
            return [clean(v) for v in value]
        if isinstance(value, bool | int | float) or value is None:
            return value
        if isinstance(value, str | Path):
            return URL_CREDENTIALS.sub(r"\1***@", str(value))
        return None  # objects, callables: not needed to rebuild the configuration

    return {name: clean(getattr(settings, name)) for name in sorted(dir(settings))
            if name.isupper() and settings.is_overridden(name) and not SECRET_NAME.search(name)}


def _commit() -> str | None:
    git = shutil.which("git")
    if git is None or not (Path(settings.BASE_DIR) / ".git").exists():
        return None
    try:
        done = subprocess.run([git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S603
                              capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _version() -> str | None:
    try:
        return importlib.metadata.version("grappe")
    except importlib.metadata.PackageNotFoundError:
        return None


# --- PostgreSQL's tools -----------------------------------------------------------------------------

def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH (Debian's wrapper picks the server's version), else the newest
    of /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: [int(n) for n in re.findall(r"\d+", p.split("/")[4])])
    if versions:
        return versions[-1]
    raise BackupError(f"{name} est introuvable\u00a0: installez le client PostgreSQL "
                      f"(Debian\u00a0: apt-get install postgresql-client) ou mettez-le dans le PATH.")


def _postgres_env() -> dict[str, str]:
    """The configured database's address for pg_dump and pg_restore, by their environment variables
    (a password never appears on a command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (("PGDATABASE", db.get("NAME")), ("PGUSER", db.get("USER")),
                            ("PGPASSWORD", db.get("PASSWORD")), ("PGHOST", db.get("HOST")),
                            ("PGPORT", db.get("PORT")), ("PGSSLMODE", db.get("OPTIONS", {}).get("sslmode"))):
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, env=_postgres_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} a échoué (code {done.returncode})\u00a0: {done.stderr.strip()[-2000:]}")


# --- Backup -----------------------------------------------------------------------------------------

@contextlib.contextmanager
def _snapshot() -> Iterator[str | None]:
    """One consistent view of the database for the dump and the figures, writers going on meanwhile.
    PostgreSQL: a repeatable-read transaction whose snapshot pg_dump shares (its id is yielded).
    SQLite: a read transaction; the online backup of the same connection copies what it sees (in WAL
    mode writers go on; otherwise they wait, within their busy timeout, until the copy is done)."""
    if connection.in_atomic_block:  # its uncommitted rows would be missing from pg_dump, and block SQLite's copy
        raise BackupError("Une sauvegarde ne se fait pas à l'intérieur d'une transaction.")
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0]
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")  # not atomic(): it may be BEGIN IMMEDIATE, which would stop writers
        try:
            yield None
        finally:
            cursor.execute("ROLLBACK")


def _dump_database(target: Path, snapshot: str | None) -> str:
    if connection.vendor == "postgresql":
        path = target / POSTGRES_FILE
        command = [postgres_tool("pg_dump"), "--format=custom", "--no-password", f"--file={path}"]
        if snapshot:
            command.append(f"--snapshot={snapshot}")
        _run(command, "pg_dump")
        return POSTGRES_FILE
    if connection.vendor != "sqlite":
        raise BackupError(f"Base de données non prise en charge\u00a0: {connection.vendor}.")
    connection.ensure_connection()
    copy = sqlite3.connect(target / SQLITE_FILE)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source's mode
    finally:
        copy.close()
    return SQLITE_FILE


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", None)
    return Path(root) if root and Path(root).is_dir() else None


def _media_figures(root: Path | None) -> dict:
    files = [p for p in root.rglob("*") if p.is_file()] if root else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def manifest(*, created_at: datetime.datetime, database_file: str, media: dict) -> dict:
    return {
        "format": FORMAT,
        "grappe": {"version": _version(), "commit": _commit()},
        "created_at": created_at.isoformat(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "migrations": applied_migrations(),
        "row_counts": row_counts(),
        "balances": balances(),
        "settlements": settlements(),
        "media": media,
        "journal": str(journal_path()) if journal_path() else None,
        "settings": public_settings(),
    }


def make_backup(folder: Path | str, *, keep: int = DEFAULT_KEEP, now: datetime.datetime | None = None) -> Path:
    """Write one backup into `folder` and keep the newest `keep` there; returns its path."""
    if keep < 1:
        raise BackupError("--keep doit valoir au moins 1.")
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    created_at = now or timezone.now()
    final = folder / f"grappe-{created_at.astimezone(datetime.UTC):%Y%m%d-%H%M%S}.tar"
    if final.exists():
        raise BackupError(f"{final} existe déjà\u00a0: une sauvegarde a été faite dans la même seconde.")
    media_root = _media_root()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".grappe-") as work:
        work_path = Path(work)
        with _snapshot() as snapshot:
            database_file = _dump_database(work_path, snapshot)
            media = _media_figures(media_root)
            content = manifest(created_at=created_at, database_file=database_file, media=media)
        (work_path / MANIFEST).write_text(json.dumps(content, indent=1, ensure_ascii=False))
        partial = work_path / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(work_path / MANIFEST, arcname=MANIFEST)
            tar.add(work_path / database_file, arcname=database_file)
            if media_root is not None:
                tar.add(media_root, arcname=MEDIA)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, final)  # same file system: the dated file appears whole or not at all
    _sync_folder(folder)
    prune(folder, keep=keep)
    return final


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete the backups of `folder` (by their name) beyond the newest `keep`; other files stay."""
    backups = sorted(p for p in folder.iterdir() if NAME.match(p.name) and p.is_file())
    removed = backups[:-keep] if keep else backups
    for path in removed:
        path.unlink()
    return removed


# --- Restore ----------------------------------------------------------------------------------------

def database_is_empty() -> bool:
    """No row in any of Grappe's tables and no user: a new database, migrated or not."""
    tables = set(connection.introspection.table_names())
    user_model = get_user_model()
    for model in apps.get_models():
        if (model._meta.app_config.name.startswith("grappe.") or model is user_model) \
                and model._meta.db_table in tables and model._base_manager.exists():
            return False
    return True


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            content = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} n'est pas une sauvegarde de Grappe lisible\u00a0: {error}") from error
    if content.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu\u00a0: {content.get('format')}.")
    return content


def _restore_database(tar: tarfile.TarFile, content: dict, work: Path) -> None:
    name = content["database"]["file"]
    tar.extract(name, work, filter="data")
    if connection.vendor == "postgresql":
        connection.close()  # pg_restore drops and recreates the tables
        _run([postgres_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
              "--exit-on-error", "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(work / name)],
             "pg_restore")
    else:
        connection.ensure_connection()
        source = sqlite3.connect(work / name)
        try:
            source.backup(connection.connection)  # the whole database replaced, page by page, atomically
        finally:
            source.close()
    connection.close()


def _restore_media(tar: tarfile.TarFile) -> int:
    root = getattr(settings, "MEDIA_ROOT", None)
    members = [m for m in tar.getmembers() if m.name.startswith(MEDIA + "/") and m.isfile()]
    if not members or not root:
        return 0
    for member in members:
        member.name = member.name[len(MEDIA) + 1:]
        tar.extract(member, root, filter="data")  # refuses absolute paths, "..", links out of MEDIA_ROOT
    return len(members)


def _compare(check: str, expected: dict, found: dict) -> list[dict]:
    return [{"check": check, "key": key, "expected": expected.get(key), "found": found.get(key)}
            for key in sorted(set(expected) | set(found)) if expected.get(key) != found.get(key)]


def _pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def reapply_erasures(entries: list[dict], since: datetime.datetime) -> dict:
    """Erase again every member erased after the backup's snapshot began, with the date of the first
    erasure: those the restored database shows erased are left alone, and a journalled id that is not
    the same association's member in this database (created after the backup) is not touched."""
    erase = import_string(ERASE_MEMBER)
    member_model = apps.get_model("members", "Member")
    outcome = {"journalled_after_backup": 0, "reapplied": [], "already_erased": 0, "absent": 0}
    seen = set()
    with _journal_off():
        for entry in sorted(entries, key=lambda e: e["at"]):
            if entry["at"] <= since or entry["member"] in seen:
                continue
            seen.add(entry["member"])
            outcome["journalled_after_backup"] += 1
            member = member_model._base_manager.filter(pk=entry["member"], association_id=entry["association"]).first()
            if member is None:
                outcome["absent"] += 1
            elif member.erased_at is not None:
                outcome["already_erased"] += 1
            else:
                erase(member=member, by=None, now=entry["erased_at"])
                outcome["reapplied"].append(member.pk)
    return outcome


def restore(path: Path | str, *, force: bool = False, journal: Path | str | None = None) -> dict:
    """Restore a backup into the configured database (and MEDIA_ROOT); returns the summary, whose
    "differences" list is empty when everything equals what the backup recorded."""
    path = Path(path)
    content = read_manifest(path)
    vendor = content["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"Cette sauvegarde est une base {vendor}\u00a0; la base configurée (DATABASE_URL) "
                          f"est {connection.vendor}.")
    if not force and not database_is_empty():
        raise BackupError("La base de données configurée n'est pas vide\u00a0: la restauration la remplacerait. "
                          "Restaurez dans une base neuve, ou relancez avec --force pour l'écraser.")
    journal_file = Path(journal) if journal else (journal_path() or path.parent / JOURNAL_NAME)
    entries = read_journal(journal_file)  # read before anything changes: an unreadable journal stops here
    with tempfile.TemporaryDirectory(prefix="grappe-restore-") as work, tarfile.open(path, "r:*") as tar:
        _restore_database(tar, content, Path(work))
        media_files = _restore_media(tar)

    differences = (_compare("migrations", content["migrations"], applied_migrations())
                   + _compare("row_counts", content["row_counts"], row_counts())
                   + _compare("balances", content["balances"], balances())
                   + _compare("settlements", content["settlements"], settlements()))
    migrated = _pending_migrations()
    if migrated:  # a backup of an older version: erase_member needs today's tables
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    erasures = reapply_erasures(entries, datetime.datetime.fromisoformat(content["created_at"]))
    after = (_compare("balances after erasures", content["balances"], balances())
             + _compare("settlements after erasures", content["settlements"], settlements()))
    return {
        "file": str(path),
        "backup_created_at": content["created_at"],
        "grappe": content["grappe"],
        "database": vendor,
        "checked": {"migrations": sum(map(len, content["migrations"].values())),
                    "models": len(content["row_counts"]), "rows": sum(content["row_counts"].values()),
                    "balances": len(content["balances"]), "settled_cycles": len(content["settlements"])},
        "media_files": media_files,
        "migrated_after_restore": migrated,
        "journal": str(journal_file),
        "erasures": erasures,
        "differences": differences + after,
        "ok": not differences and not after,
    }
