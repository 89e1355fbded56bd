"""Helpers for the PostgreSQL concurrency proofs of several apps (SQLite has no row locks)."""

import threading

import pytest
from django.db import connection, connections


def require_postgres(database: str):
    """Skip the calling test, saying how to run it, unless the tests run on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency proof skipped: it needs PostgreSQL row locks "
                    f"(set DATABASE_URL=postgres://postgres@127.0.0.1:5432/{database}).")


def race(*actions, timeout: float = 120):
    """Run the actions in threads released together; returns [(result or None, error or None)]."""
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = (action(), None)
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = (None, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(outcome is not None for outcome in outcomes), "a thread did not finish"
    return outcomes
