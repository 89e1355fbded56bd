"""Re-queuing the tasks a killed worker left RUNNING: after the kind's time limit, at most three attempts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from grappe.core import jobs

ABANDONED = []


@task()
def add(a: int, b: int) -> int:
    return a + b


jobs.register(add, time_limit=timedelta(minutes=5), on_abandon=lambda a, b: ABANDONED.append((a, b)))


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ABANDONED.clear()


def claim(row: DBTaskResult, worker: str) -> DBTaskResult:
    """What db_worker does when it takes a task (then, here, it is killed)."""
    row.refresh_from_db()
    row.claim(worker)
    return row


@pytest.mark.django_db(transaction=True)  # the worker closes connections that are inside a transaction
def test_a_task_left_running_is_requeued_after_its_time_limit_only(database_backend):
    row = claim(add.enqueue(1, 2).db_result, "w1")
    assert jobs.requeue_stale(now=row.started_at + timedelta(minutes=4)).requeued == []
    row.refresh_from_db()
    assert row.status == "RUNNING"
    assert jobs.requeue_stale(now=row.started_at + timedelta(minutes=6)).requeued == [str(row.pk)]
    row.refresh_from_db()
    assert row.status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == 3 and row.worker_ids[0] == "w1"
    assert len(row.worker_ids) == 2


def test_a_task_is_given_up_after_three_attempts_and_its_kind_is_told(db, database_backend):
    row = add.enqueue(2, 3).db_result
    for attempt in range(1, 4):
        row = claim(row, f"w{attempt}")
        outcome = jobs.requeue_stale(now=row.started_at + timedelta(minutes=6))
        row.refresh_from_db()
        if attempt < 3:
            assert row.status == "READY" and outcome.requeued == [str(row.pk)]
    assert row.status == "FAILED" and outcome.abandoned == [str(row.pk)]
    assert row.exception_class_path == "grappe.core.jobs.Abandoned" and "w1, w2, w3" in row.traceback
    assert ABANDONED == [(2, 3)]
    assert jobs.requeue_stale(now=row.started_at + timedelta(days=1)).abandoned == []  # told once
    assert ABANDONED == [(2, 3)]


def test_an_unknown_kind_gets_the_default_limit(db, database_backend):
    row = claim(add.enqueue(1, 1).db_result, "w1")
    DBTaskResult.objects.filter(pk=row.pk).update(task_path="grappe.nowhere.gone")
    assert jobs.requeue_stale(now=row.started_at + timedelta(minutes=29)).requeued == []
    assert jobs.requeue_stale(now=row.started_at + jobs.DEFAULT_TIME_LIMIT).requeued == [str(row.pk)]


def test_the_timer_command_runs_and_says_nothing_when_nothing_is_stale(db, database_backend, capsys):
    call_command("requeue_tasks")
    assert capsys.readouterr().out == ""
