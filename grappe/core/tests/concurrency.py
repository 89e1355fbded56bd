"""The one way to prove behaviour under concurrency on PostgreSQL (SQLite has no row locks and serialises
writers, so such a proof means nothing there).

A proof marks its module (or test) `postgres_only` and works on committed rows, then lets the racers go
together::

    pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

    def test_one_charge(world):
        outcomes = run_concurrently(*[lambda: collect_basket(basket=basket, by=world.volunteer)] * 8)
        assert len(errors(outcomes)) == 7

Run them with DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe (any database name: pytest-django
creates test_<name>). test_test_rules.py forbids threads, barriers and vendor checks anywhere else.
"""

import threading
from typing import Any, NamedTuple

import pytest
from django.db import connection, connections

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/grappe"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=f"Concurrency proof skipped: it needs PostgreSQL row locks (set DATABASE_URL={POSTGRES_URL}).")


class Outcome(NamedTuple):
    """What one racer returned, or the exception it raised."""

    result: Any
    error: Exception | None


def run_concurrently(*actions, timeout: float = 120) -> list[Outcome]:
    """Run each action in its own thread, on its own database connection (closed at its end), all released
    at the same moment; the outcomes in the order of the actions. The rows they work on must be committed:
    mark the test django_db(transaction=True)."""
    assert not connection.in_atomic_block, \
        "the racers' connections cannot see rows of an open transaction: use django_db(transaction=True)"
    start = threading.Barrier(len(actions))
    outcomes: list[Outcome | None] = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = Outcome(action(), None)
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = Outcome(None, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(outcome is not None for outcome in outcomes), "a racer did not finish"
    return outcomes


def errors(outcomes: list[Outcome]) -> list[Exception]:
    """The exceptions the racers raised, in their order."""
    return [outcome.error for outcome in outcomes if outcome.error is not None]
