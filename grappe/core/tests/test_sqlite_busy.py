"""SQLite under concurrent writers: with the project's options (grappe/settings.py, SQLITE_OPTIONS)
writers wait their turn and none fails with "database is locked"; what still times out is a French
503 with Retry-After, never a 500. The gunicorn measurement is bench/sqlite_busy.py."""

import threading
from html import unescape

import pytest
from django.db import OperationalError, connections, transaction

from grappe import settings as project_settings

THREADS, TRANSACTIONS = 8, 25


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A SQLite file (not the in-memory test database) as the alias "busy"; each thread opens its own
    connection to it, as gunicorn's workers do. `options(...)` sets the alias' OPTIONS. Outside any
    test case (no `db`): a TestCase forbids connections from other threads."""
    path = tmp_path / "busy.sqlite3"

    def use(options):
        connections.settings["busy"] = {**connections.settings["default"], "ENGINE": "django.db.backends.sqlite3",
                                        "NAME": str(path), "OPTIONS": options, "TEST": {}}
        with connections["busy"].cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, value INTEGER)")
            cursor.execute("INSERT OR REPLACE INTO counter VALUES (1, 0)")
        connections["busy"].close()

    with django_db_blocker.unblock():
        yield use
    connections["busy"].close()
    del connections["busy"]
    connections.settings.pop("busy", None)


def read_then_write(errors: list, before_write=None):
    """One transaction as a service runs it: read a row, then write from what was read."""
    try:
        with transaction.atomic(using="busy"), connections["busy"].cursor() as cursor:
            cursor.execute("SELECT value FROM counter WHERE id = 1")
            value = cursor.fetchone()[0]
            if before_write:
                before_write()
            cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    except OperationalError as error:
        errors.append(str(error))
    finally:
        connections["busy"].close()


def run_threads(count, target):
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


def counter():
    with connections["busy"].cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        return cursor.fetchone()[0]


def test_without_the_options_two_writers_clash_with_database_is_locked(file_database):
    """The failure the options prevent: two transactions read, then both want to write."""
    file_database({"init_command": "PRAGMA journal_mode=WAL"})  # Django's default DEFERRED transactions
    both_read = threading.Barrier(2, timeout=10)
    errors: list[str] = []
    run_threads(2, lambda: read_then_write(errors, before_write=both_read.wait))
    assert errors and "database is locked" in errors[0]


def test_with_the_projects_options_concurrent_writers_all_succeed_and_none_is_lost(file_database):
    file_database(project_settings.SQLITE_OPTIONS)
    errors: list[str] = []

    def writer():
        for _ in range(TRANSACTIONS):
            read_then_write(errors)

    run_threads(THREADS, writer)
    assert errors == []
    assert counter() == THREADS * TRANSACTIONS  # every read-then-write saw the one before it
    with connections["busy"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    connections["busy"].close()


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
