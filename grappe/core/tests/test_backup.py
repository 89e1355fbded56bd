"""Backups that restore (grappe/core/backup.py): a simulated cycle backed up by `manage.py backup` and
restored by `manage.py restore` into a fresh database, in other processes, gives the same balances and
settlement; an erasure made after the backup stays made; a database that holds data is refused; the
newest N backups are kept; the manifest holds no secret.

The round trip runs on the suite's database: SQLite by default (the in-memory test database copied to a
file), PostgreSQL with DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe (the test database, restored
into a fresh database created and dropped here)."""

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from grappe.accounts.models import Means
from grappe.accounts.services import record_payment
from grappe.accounts.simulation import simulate
from grappe.core import backup
from grappe.core.tests.concurrency import postgres_only
from grappe.members.models import Member
from grappe.members.services import erase_member

ROOT = Path(__file__).resolve().parents[3]

FIGURES = """
import json
from grappe.accounts.queries import balance, settlement_report
from grappe.members.models import Member
from grappe.orders.models import OrderCycle
members = Member.objects.filter(association__slug=%(slug)r).order_by("pk")
cycle = OrderCycle.objects.get(pk=%(cycle)d)
report = settlement_report(cycle)
print(json.dumps({"balances": {str(m.pk): str(balance(m)) for m in members},
                  "settlement": {k: str(v) for k, v in vars(report).items() if not isinstance(v, list)},
                  "status": cycle.status, "erased": [m.pk for m in members if m.erased_at],
                  "names": [m.name for m in members]}))
"""


def manage(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "grappe.settings"}
    for name in ("BACKUP_DIR", "BACKUP_JOURNAL", "BACKUP_KEEP"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "manage.py", *args],  # noqa: S603 - our own manage.py
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def figures(url: str, slug: str, cycle: int) -> dict:
    done = manage("shell", "-c", FIGURES % {"slug": slug, "cycle": cycle}, url=url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _postgres_admin(sql: str) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
                         host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, autocommit=True) as admin:
        admin.execute(sql)


class Databases:
    """The test database seen from another process (`source()`: on SQLite, a file copy of it made now),
    and `target`, a new empty database."""

    def __init__(self, tmp_path, target):
        self.tmp_path, self.target = tmp_path, target

    def source(self) -> str:
        if connection.vendor == "postgresql":
            return _postgres_url(connection.settings_dict["NAME"])
        path = self.tmp_path / "source.sqlite3"
        path.unlink(missing_ok=True)
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"


@pytest.fixture
def databases(tmp_path, settings):
    settings.BACKUP_DIR = settings.BACKUP_JOURNAL = None  # erasures journalled only where a test says
    if connection.vendor == "postgresql":
        name = f"grappe_restore_{secrets.token_hex(4)}"
        _postgres_admin(f'CREATE DATABASE "{name}"')
        yield Databases(tmp_path, _postgres_url(name))
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    yield Databases(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")


@pytest.fixture
def simulated(transactional_db):
    """One settled cycle of 20 households, committed (the other processes read it)."""
    result = simulate(groups=2, households=20, products=8, seed=0)
    assert result["settled"]
    third = Member.objects.filter(association__slug=result["association"]).order_by("pk")[2]
    record_payment(member=third, amount=Decimal("12.50"), means=Means.CASH, by=None, advance=True)  # on account
    return result


def test_a_simulated_cycle_restores_into_a_fresh_database_with_its_balances_settlement_and_erasures(
        simulated, databases, tmp_path, settings):
    slug, cycle = simulated["association"], simulated["cycle"]
    first, second = Member.objects.filter(association__slug=slug).order_by("pk")[:2]
    erase_member(member=first, by=None)  # before the backup: in it, not journalled (no BACKUP_DIR)
    source, target = databases.source(), databases.target
    before = figures(source, slug, cycle)
    assert before["status"] == "settled" and before["erased"] == [first.pk]
    assert "12.50" in before["balances"].values()

    folder = tmp_path / "backups"
    made = manage("backup", "--output", str(folder), url=source)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    assert path.parent == folder and backup.NAME.match(path.name) and oct(path.stat().st_mode)[-3:] == "600"

    settings.BACKUP_DIR = str(folder)
    erase_member(member=second, by=None)  # after the backup: journalled beside it (committed at once)
    journal = [json.loads(line) for line in (folder / "erasures.jsonl").read_text().splitlines()]
    assert [(e["member"], e["association"]) for e in journal] == [(second.pk, second.association_id)]

    restored = manage("restore", str(path), url=target)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    summary = json.loads(restored.stdout)
    assert summary["ok"] and summary["differences"] == []
    assert summary["checked"]["balances"] >= 20 and summary["checked"]["settled_cycles"] >= 1
    assert summary["erasures"]["reapplied"] == [second.pk]

    after = figures(target, slug, cycle)
    assert after["balances"] == before["balances"] and after["settlement"] == before["settlement"]
    assert after["status"] == "settled"
    assert after["erased"] == [first.pk, second.pk] and second.name not in after["names"]

    again = manage("restore", str(path), url=target)  # the target now holds data
    assert again.returncode != 0 and "n'est pas vide" in again.stderr and "--force" in again.stderr
    forced = manage("restore", "--force", str(path), url=target)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert json.loads(forced.stdout)["erasures"]["reapplied"] == [second.pk]
    assert figures(target, slug, cycle)["erased"] == [first.pk, second.pk]
    assert len((folder / "erasures.jsonl").read_text().splitlines()) == 1  # a re-applied erasure is not journalled again


def test_restore_finds_a_changed_figure_and_exits_with_an_error(transactional_db, world, databases, tmp_path):
    path = Path(manage("backup", "--output", str(tmp_path), url=databases.source()).stdout.strip())
    content = backup.read_manifest(path)
    member = str(world.member.pk)
    recorded = content["balances"][member]
    content["balances"][member] = "999.99"  # as if the database had lost an entry
    forged = tmp_path / "forged.tar"
    with tarfile.open(path) as original, tarfile.open(forged, "w") as copy:
        for item in original.getmembers():
            if item.name == backup.MANIFEST:
                data = json.dumps(content).encode()
                item.size = len(data)
                copy.addfile(item, io.BytesIO(data))
            else:
                copy.addfile(item, original.extractfile(item))
    restored = manage("restore", str(forged), url=databases.target)
    assert restored.returncode == 1
    summary = json.loads(restored.stdout)
    assert not summary["ok"]
    assert summary["differences"][0] == {"check": "balances", "key": member, "expected": "999.99",
                                         "found": recorded}
    assert "diffère de la sauvegarde" in restored.stderr


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(transactional_db, world, tmp_path):
    path = backup.make_backup(tmp_path)
    Member.objects.filter(pk=world.member.pk).update(name="Changée après")
    with pytest.raises(CommandError, match="n'est pas vide\u00a0: .* --force"):
        call_command("restore", str(path))
    assert Member.objects.get(pk=world.member.pk).name == "Changée après"


def test_the_newest_backups_are_kept_and_other_files_left_alone(transactional_db, tmp_path):
    (tmp_path / "notes.txt").write_text("à garder")
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    made = [backup.make_backup(tmp_path, keep=2, now=start + timedelta(days=day)) for day in range(4)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "grappe-20261203-020000.tar", "grappe-20261204-020000.tar", "notes.txt"]
    assert [p.exists() for p in made] == [False, False, True, True]
    assert not list(tmp_path.glob(".grappe-*"))  # no temporary file left behind


def test_the_manifest_records_figures_and_no_secret(transactional_db, world, tmp_path, settings):
    settings.EMAIL_HOST_PASSWORD = "hunter2-mail"
    settings.BREVO_API_KEY = "xkeysib-secret"
    settings.ERROR_TRACKER_DSN = "https://token123@errors.example.org/4"
    settings.SOME_URL = "postgres://grappe:pw-in-url@db.example.org:5432/grappe"
    content = backup.read_manifest(backup.make_backup(tmp_path))
    text = json.dumps(content)
    for secret in ("hunter2-mail", "xkeysib-secret", "token123", "pw-in-url", settings.SECRET_KEY):
        assert secret not in text
    assert content["settings"]["SOME_URL"] == "postgres://***@db.example.org:5432/grappe"
    assert content["database"]["vendor"] == connection.vendor
    assert content["balances"][str(world.member.pk)] == "0.00"
    assert content["row_counts"]["members.member"] == Member.objects.count()
    assert "0001_initial" in content["migrations"]["members"]


def test_a_backup_of_one_database_is_not_restored_into_another_kind(transactional_db, tmp_path):
    path = backup.make_backup(tmp_path)
    content = backup.read_manifest(path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = tmp_path / "other.tar"
    content["database"]["vendor"] = other
    manifest = tmp_path / backup.MANIFEST
    manifest.write_text(json.dumps(content))
    with tarfile.open(forged, "w") as tar:
        tar.add(manifest, arcname=backup.MANIFEST)
    with pytest.raises(backup.BackupError, match=f"une base {other}"):
        backup.restore(forged)


@postgres_only
def test_on_postgresql_the_database_is_a_pg_dump_custom_archive(transactional_db, world, tmp_path):
    path = backup.make_backup(tmp_path)
    with tarfile.open(path) as tar:
        tar.extract(backup.POSTGRES_FILE, tmp_path, filter="data")
    pg_restore = backup.postgres_tool("pg_restore")
    listing = subprocess.run([pg_restore, "--list", str(tmp_path / backup.POSTGRES_FILE)],  # noqa: S603
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public members_member" in listing


def test_uploaded_photos_are_in_the_backup_and_restored_into_media_root(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "products").mkdir(parents=True)
    (tmp_path / "media" / "products" / "lentilles.jpg").write_bytes(b"jpeg")
    path = backup.make_backup(tmp_path / "backups")
    assert backup.read_manifest(path)["media"] == {"files": 1, "bytes": 4}
    settings.MEDIA_ROOT = str(tmp_path / "elsewhere")
    with tarfile.open(path) as tar:
        assert backup._restore_media(tar) == 1
    assert (tmp_path / "elsewhere" / "products" / "lentilles.jpg").read_bytes() == b"jpeg"
