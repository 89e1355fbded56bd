"""The job queue: django-tasks with the database backend (django-tasks-db), plus the one rule Grappe adds.

Long work (a scenario's solve today) is a task: `some_task.enqueue(...)` inserts a row, and
`manage.py db_worker` (one systemd service) claims it (status RUNNING, its id appended to
`worker_ids`) and runs it outside any request and any lock. Tests run tasks at once
(ImmediateBackend, see conftest.py).

The backend never looks at a claimed row again: a worker killed mid-task (kill -9, out of memory, a
reboot) leaves it RUNNING for ever. So each kind of task declares a time limit (`register`), and
`requeue_stale(now=...)` (`manage.py requeue_tasks`, run by a timer) puts a task RUNNING for longer
than its limit back to READY, as long as it has been claimed fewer than MAX_ATTEMPTS times (one
claim = one entry of `worker_ids`); after that it is marked FAILED and the kind's `on_abandon` is
called with the task's arguments, so that the page waiting for it says so. Every change is a
conditional update on (pk, RUNNING, started_at): a worker that claims the task meanwhile wins.

A task that runs longer than its limit could thus run twice at once: tasks must be idempotent
(the scenario task stores its result only if its job is still running, under a row lock).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

MAX_ATTEMPTS = 3
DEFAULT_TIME_LIMIT = timedelta(minutes=30)


@dataclass(frozen=True)
class JobKind:
    time_limit: timedelta
    on_abandon: Callable | None = None  # called with the task's args and kwargs once it is given up


KINDS: dict[str, JobKind] = {}


def register(task, *, time_limit: timedelta, on_abandon: Callable | None = None):
    """Declare a task's time limit (and what to do when it is given up); returns the task."""
    KINDS[task.module_path] = JobKind(time_limit=time_limit, on_abandon=on_abandon)
    return task


def kind_of(task_path: str) -> JobKind:
    if task_path not in KINDS:
        try:
            import_string(task_path)  # importing the task's module registers its kind
        except ImportError:
            pass
    return KINDS.get(task_path, JobKind(DEFAULT_TIME_LIMIT))


@dataclass
class Requeued:
    requeued: list
    abandoned: list


def requeue_stale(*, now: datetime | None = None) -> Requeued:
    """Put back the tasks left RUNNING beyond their kind's time limit; give up after MAX_ATTEMPTS claims."""
    now = now or timezone.now()
    outcome = Requeued([], [])
    for row in DBTaskResult.objects.running().order_by("started_at", "pk"):
        kind = kind_of(row.task_path)
        if row.started_at is None or row.started_at > now - kind.time_limit:
            continue
        same = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
        if len(row.worker_ids) < MAX_ATTEMPTS:
            if same.update(status=TaskResultStatus.READY):
                outcome.requeued.append(str(row.pk))
            continue
        given_up = same.update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path="grappe.core.jobs.Abandoned",
            traceback=f"Abandoned: still running after {kind.time_limit} on each of {len(row.worker_ids)} "
                      f"attempts (workers {', '.join(row.worker_ids)}).")
        if given_up:
            outcome.abandoned.append(str(row.pk))
            if kind.on_abandon is not None:
                kind.on_abandon(*row.args_kwargs.get("args", []), **row.args_kwargs.get("kwargs", {}))
    return outcome
