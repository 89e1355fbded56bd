"""SQLite under concurrent writers: with the project's options (grappe/settings.py, SQLITE_OPTIONS)
writers wait their turn and none fails with "database is locked"; what still times out is a French
503 with Retry-After, never a 500. The gunicorn measurement is bench/sqlite_busy.py."""

from html import unescape

import pytest
from django.db import OperationalError, connections, transaction

from grappe import settings as project_settings
from grappe.core.tests.concurrency import errors, run_concurrently

THREADS, TRANSACTIONS = 8, 25
ALIASES = ("busy", "busy_other")


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A SQLite file (not the in-memory test database) as the aliases "busy" and "busy_other"; each
    thread opens its own connections to it, as gunicorn's workers do. `use(options)` sets their
    OPTIONS. Outside any test case (no `db`): a TestCase forbids connections from other threads."""
    path = tmp_path / "busy.sqlite3"

    def use(options):
        for alias in ALIASES:
            connections.settings[alias] = {**connections.settings["default"], "ENGINE": "django.db.backends.sqlite3",
                                           "NAME": str(path), "OPTIONS": options, "TEST": {}}
        with connections["busy"].cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, value INTEGER)")
            cursor.execute("INSERT OR REPLACE INTO counter VALUES (1, 0)")

    with django_db_blocker.unblock():
        yield use
    for alias in ALIASES:
        if alias in connections.settings:
            connections[alias].close()
            del connections[alias]
            connections.settings.pop(alias)


def read_then_write(times: int) -> int:
    """`times` transactions as a service runs them: read a row, then write from what was read."""
    for _ in range(times):
        with transaction.atomic(using="busy"), connections["busy"].cursor() as cursor:
            cursor.execute("SELECT value FROM counter WHERE id = 1")
            value = cursor.fetchone()[0]
            cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    return times


def counter():
    with connections["busy"].cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        return cursor.fetchone()[0]


def test_without_the_options_a_transaction_that_read_then_writes_fails_at_once(file_database):
    """The failure the options prevent: with Django's deferred transactions, a transaction that read
    before another one committed a write cannot write any more, and SQLite says so without waiting."""
    file_database({"init_command": "PRAGMA journal_mode=WAL"})
    with pytest.raises(OperationalError, match="database is locked"), transaction.atomic(using="busy"), \
            connections["busy"].cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        with connections["busy_other"].cursor() as other:  # another worker's write, committed meanwhile
            other.execute("UPDATE counter SET value = 100 WHERE id = 1")
        cursor.execute("UPDATE counter SET value = value + 1 WHERE id = 1")


def test_with_the_projects_options_concurrent_writers_all_succeed_and_none_is_lost(file_database):
    file_database(project_settings.SQLITE_OPTIONS)
    outcomes = run_concurrently(*[lambda: read_then_write(TRANSACTIONS)] * THREADS)
    assert errors(outcomes) == []
    assert counter() == THREADS * TRANSACTIONS  # every read-then-write saw the one before it
    with connections["busy"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_the_projects_sqlite_database_uses_these_options(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the test run uses PostgreSQL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in options["init_command"]


@pytest.mark.urls("grappe.core.tests.error_urls")
def test_a_busy_database_is_a_french_503_with_retry_after_not_a_500(client, db, django_assert_num_queries):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/essai/occupe/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    page = unescape(response.content.decode())
    assert "Le serveur est très occupé\u00a0: réessayez dans un instant." in page
    assert "Une erreur est survenue" not in page


@pytest.mark.urls("grappe.core.tests.error_urls")
def test_a_busy_database_answers_the_api_in_json(client, db):
    client.raise_request_exception = False
    response = client.get("/api/v1/essai/occupe/")
    assert response.status_code == 503 and response.json()["detail"].startswith("Le serveur est très occupé")


@pytest.mark.urls("grappe.core.tests.error_urls")
def test_another_database_error_is_still_the_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/essai/500/")
    assert response.status_code == 500 and "Une erreur est survenue" in unescape(response.content.decode())
