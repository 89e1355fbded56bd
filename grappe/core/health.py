"""The health page for monitors (`/sante/`): is Grappe able to do its work right now?

Six checks, each "ok", "warning" or "failing", cheap enough for a monitor polling every minute (a
handful of indexed one-row queries, one cache round trip, one folder listing), with no personal data:

- database: `SELECT 1`, timed;
- cache: a set then a get of one key in the shared cache (the database cache: CACHES);
- worker: the job worker's heartbeat. django-tasks-db records nothing while a worker waits, so
  `manage.py requeue_tasks` (a timer, every minute) leaves one `worker_heartbeat` task in the queue
  and the worker that runs it stamps the `Heartbeat` row "worker": a fresh stamp proves the whole
  path (timer, queue, worker, database). Failing when older than HEALTH_WORKER_MAX_AGE, unless a
  task is running within its time limit (the single worker is busy): then a warning;
- backup: the age of the newest `grappe-*` file in BACKUP_DIR (what `manage.py backup --output`
  writes); failing when older than HEALTH_BACKUP_MAX_AGE or missing, a warning when BACKUP_DIR is
  not set;
- reminders: when `manage.py send_reminders` last finished a run (its `Heartbeat` row); a
  warning when older than HEALTH_REMINDERS_MAX_AGE or never;
- pending: the tasks waiting in the queue and the age of the oldest (from when it was due); a
  warning when older than HEALTH_PENDING_MAX_AGE.

The page answers 503 when a check is failing, 200 otherwise; JSON with `Accept: application/json`
or `?format=json`, a small French page otherwise. Thresholds are settings (seconds), read from the
environment (docs/operations.md). Time is passed in (`now=`).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from . import jobs
from .models import Heartbeat

logger = logging.getLogger(__name__)

OK, WARNING, FAILING = "ok", "warning", "failing"
WORKER, REMINDERS = "worker", "send_reminders"  # the Heartbeat rows
BACKUP_PATTERN = "grappe-*"
CACHE_KEY = "grappe:health"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    summary: str  # one line, in the active language
    data: dict = field(default_factory=dict)  # numbers for machines: ms, age_seconds, count...


# --- heartbeats ------------------------------------------------------------------------------------


def beat(name: str, *, now: datetime) -> None:
    """Record that `name` (the worker, a timer command) is alive at `now`."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})


@task()
def worker_heartbeat() -> None:
    """Run by the job worker: stamps its heartbeat, and deletes the finished heartbeat tasks of more
    than an hour ago (one a minute would otherwise fill the task table until it is pruned)."""
    now = timezone.now()
    beat(WORKER, now=now)
    DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path, status=TaskResultStatus.SUCCESSFUL,
                                finished_at__lt=now - timedelta(hours=1)).delete()


jobs.register(worker_heartbeat, time_limit=timedelta(minutes=1))


def leave_heartbeat() -> bool:
    """Queue one heartbeat task for the worker, unless one is already waiting (a stopped worker must
    not find hundreds of them). Returns whether one was queued."""
    if DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path, status=TaskResultStatus.READY).exists():
        return False
    worker_heartbeat.enqueue()
    return True


# --- the checks ------------------------------------------------------------------------------------


def _ago(then: datetime, now: datetime) -> str:
    return timesince(then, now, depth=1)


def check_database(*, clock: Callable[[], float] = time.perf_counter) -> Check:
    started = clock()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    ms = round((clock() - started) * 1000, 1)
    return Check("database", OK, _("answered in %(ms)s ms") % {"ms": number_format(ms, 1)}, {"ms": ms})


def check_cache() -> Check:
    token = secrets.token_hex(8)
    cache = caches["default"]
    cache.set(CACHE_KEY, token, timeout=60)
    if cache.get(CACHE_KEY) != token:
        return Check("cache", FAILING, _("a value written could not be read back"))
    return Check("cache", OK, _("written and read back"))


def _heartbeats() -> dict[str, datetime]:
    return dict(Heartbeat.objects.filter(name__in=(WORKER, REMINDERS)).values_list("name", "at"))


def check_worker(*, now: datetime, seen: datetime | None) -> Check:
    limit = settings.HEALTH_WORKER_MAX_AGE
    data = {"age_seconds": round((now - seen).total_seconds()) if seen else None, "max_age_seconds": limit}
    if seen is not None and now - seen <= timedelta(seconds=limit):
        return Check("worker", OK, _("last heartbeat %(age)s ago") % {"age": _ago(seen, now)}, data)
    busy = [started for path, started in DBTaskResult.objects.running().values_list("task_path", "started_at")
            if started and now - started <= jobs.kind_of(path).time_limit]
    if busy:
        return Check("worker", WARNING, _("busy with a task for %(age)s (heartbeat waiting)")
                     % {"age": _ago(min(busy), now)}, data)
    if seen is None:
        return Check("worker", FAILING, _("no heartbeat yet: is the background worker running, and its timer?"), data)
    return Check("worker", FAILING, _("last heartbeat %(age)s ago: is the background worker running?")
                 % {"age": _ago(seen, now)}, data)


def check_backup(*, now: datetime, folder: str) -> Check:
    limit = settings.HEALTH_BACKUP_MAX_AGE
    if not folder:
        return Check("backup", WARNING, _("not configured"), {"max_age_seconds": limit})
    path = Path(folder)
    if not path.is_dir():
        return Check("backup", FAILING, _("the backup folder does not exist"), {"max_age_seconds": limit})
    newest = max((f.stat().st_mtime for f in path.glob(BACKUP_PATTERN) if f.is_file()), default=None)
    if newest is None:
        return Check("backup", FAILING, _("no backup yet"), {"max_age_seconds": limit})
    made = datetime.fromtimestamp(newest, tz=now.tzinfo)
    data = {"age_seconds": max(0, round((now - made).total_seconds())), "max_age_seconds": limit}
    status = OK if now - made <= timedelta(seconds=limit) else FAILING
    return Check("backup", status, _("last backup %(age)s ago") % {"age": _ago(made, now)}, data)


def check_reminders(*, now: datetime, seen: datetime | None) -> Check:
    limit = settings.HEALTH_REMINDERS_MAX_AGE
    if seen is None:
        return Check("reminders", WARNING, _("never run"), {"max_age_seconds": limit})
    data = {"age_seconds": round((now - seen).total_seconds()), "max_age_seconds": limit}
    status = OK if now - seen <= timedelta(seconds=limit) else WARNING
    return Check("reminders", status, _("last run %(age)s ago") % {"age": _ago(seen, now)}, data)


def check_pending(*, now: datetime) -> Check:
    """Tasks waiting for the worker, and how long the oldest has been due (a task scheduled for later,
    e.g. a message held back until 7h, is due from its `run_after`)."""
    limit = settings.HEALTH_PENDING_MAX_AGE
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    unscheduled = Q(run_after=get_date_max())
    due = ready.filter(unscheduled | Q(run_after__lte=now))
    count = due.count()
    oldest = [when for when in (
        ready.filter(unscheduled).order_by("enqueued_at").values_list("enqueued_at", flat=True).first(),
        ready.filter(run_after__lte=now).order_by("run_after").values_list("run_after", flat=True).first(),
    ) if when is not None]
    if not oldest:
        return Check("pending", OK, _("no task waiting"), {"count": 0, "oldest_age_seconds": None,
                                                            "max_age_seconds": limit})
    since = min(oldest)
    data = {"count": count, "oldest_age_seconds": max(0, round((now - since).total_seconds())),
            "max_age_seconds": limit}
    status = OK if now - since <= timedelta(seconds=limit) else WARNING
    return Check("pending", status, _("%(count)s waiting, the oldest for %(age)s")
                 % {"count": count, "age": _ago(since, now)}, data)


def _safely(name: str, run: Callable[[], Check]) -> Check:
    """A check that raises is failing; the error goes to the log (a warning: the monitor alerts)."""
    try:
        return run()
    except Exception as error:
        logger.warning("Health check %s failed", name, exc_info=True)
        return Check(name, FAILING, _("error: %(error)s") % {"error": type(error).__name__})


def report(*, now: datetime) -> list[Check]:
    """Every check, in the page's order. When the database does not answer, the checks that read it
    say so rather than guess."""
    database = _safely("database", check_database)
    checks = [database, _safely("cache", check_cache)]
    beats: dict[str, datetime] | None = None
    if database.status == OK:
        try:
            beats = _heartbeats()
        except Exception:
            logger.warning("Health: heartbeats unreadable", exc_info=True)
    if beats is None:
        unknown = _("unknown: the database does not answer")
        checks += [Check("worker", FAILING, unknown), _safely("backup", lambda: check_backup(
            now=now, folder=settings.BACKUP_DIR)), Check("reminders", WARNING, unknown),
            Check("pending", WARNING, unknown)]
        return checks
    return [
        *checks,
        _safely("worker", lambda: check_worker(now=now, seen=beats.get(WORKER))),
        _safely("backup", lambda: check_backup(now=now, folder=settings.BACKUP_DIR)),
        _safely("reminders", lambda: check_reminders(now=now, seen=beats.get(REMINDERS))),
        _safely("pending", lambda: check_pending(now=now)),
    ]


def overall(checks: list[Check]) -> str:
    statuses = {check.status for check in checks}
    return FAILING if FAILING in statuses else WARNING if WARNING in statuses else OK


# --- the page --------------------------------------------------------------------------------------


def wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", "")


@require_safe
@never_cache
def page(request: HttpRequest) -> HttpResponse:
    """Public: no sign-in, no personal data. 503 when a check is failing."""
    now = timezone.now()
    checks = report(now=now)
    status = overall(checks)
    code = 503 if status == FAILING else 200
    if wants_json(request):
        return JsonResponse({"status": status, "checked_at": now.isoformat(),
                             "checks": {c.name: {"status": c.status, "summary": c.summary, **c.data}
                                        for c in checks}}, status=code)
    labels = {"database": _("Database"), "cache": _("Cache"), "worker": _("Background worker"),
              "backup": _("Last backup"), "reminders": _("Last reminders run"), "pending": _("Waiting tasks")}
    words = {OK: pgettext("health", "OK"), WARNING: pgettext("health", "Warning"),
             FAILING: pgettext("health", "Failing")}
    rows = [{"label": labels[c.name], "status": c.status, "word": words[c.status], "summary": c.summary}
            for c in checks]
    # rendered without the request: no context processor, no query for the menu or the user
    html = loader.get_template("core/health.html").render({"rows": rows, "status": status, "word": words[status],
                                                           "now": now})
    return HttpResponse(html, status=code)
