"""The health page (/sante/): one test per check with the time passed in, the page's statuses and formats."""

import os
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.core import health
from grappe.core.models import Heartbeat

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def all_well(settings, tmp_path):
    """Everything as a running installation has it: worker and reminders seen, a backup of an hour ago."""
    health.beat(health.WORKER, now=timezone.now())
    health.beat(health.REMINDERS, now=timezone.now())
    settings.BACKUP_DIR = str(tmp_path)
    backup = tmp_path / "grappe-20261203-020000.tar.gz"
    backup.write_bytes(b"x")
    hour_ago = (timezone.now() - timedelta(hours=1)).timestamp()
    os.utime(backup, (hour_ago, hour_ago))
    return tmp_path


# --- database and cache ----------------------------------------------------------------------------

def test_the_database_check_times_a_select_1():
    ticks = iter([10.0, 10.0025])
    check = health.check_database(clock=lambda: next(ticks))
    assert check.status == health.OK and check.data == {"ms": 2.5} and "2,5 ms" in check.summary


def test_a_database_that_does_not_answer_fails_and_the_checks_that_read_it_say_so(monkeypatch):
    def broken():
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(health, "check_database", broken)
    checks = {c.name: c for c in health.report(now=NOW)}
    assert checks["database"].status == health.FAILING and "OperationalError" in checks["database"].summary
    assert checks["worker"].status == health.FAILING and "base de données" in checks["worker"].summary
    assert health.overall(list(checks.values())) == health.FAILING


def test_the_cache_check_writes_and_reads_back():
    assert health.check_cache().status == health.OK


def test_a_cache_that_keeps_nothing_fails(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert health.check_cache().status == health.FAILING


# --- worker ----------------------------------------------------------------------------------------

def test_the_worker_is_ok_within_five_minutes_of_its_heartbeat_then_failing():
    assert health.check_worker(now=NOW, seen=NOW - timedelta(minutes=4, seconds=59)).status == health.OK
    late = health.check_worker(now=NOW, seen=NOW - timedelta(minutes=6))
    assert late.status == health.FAILING and late.data["age_seconds"] == 360 and "6\u00a0minutes" in late.summary


def test_a_worker_never_seen_is_failing():
    check = health.check_worker(now=NOW, seen=None)
    assert check.status == health.FAILING and "worker" in check.summary


def test_a_worker_busy_with_a_task_within_its_time_limit_is_a_warning_not_a_failure(database_backend):
    row = health.worker_heartbeat.enqueue().db_result  # any task: its kind's time limit is 1 minute
    row.claim("w1")
    started = row.started_at
    assert health.check_worker(now=started + timedelta(seconds=50), seen=started - timedelta(minutes=10)).status \
        == health.WARNING
    assert health.check_worker(now=started + timedelta(minutes=2), seen=started - timedelta(minutes=10)).status \
        == health.FAILING  # beyond its limit: a killed worker's task, requeue_tasks will put it back


def test_requeue_tasks_leaves_one_heartbeat_task_only(database_backend):
    call_command("requeue_tasks")
    call_command("requeue_tasks")  # the worker has not run the first one yet
    waiting = DBTaskResult.objects.filter(task_path=health.worker_heartbeat.module_path,
                                          status=TaskResultStatus.READY)
    assert waiting.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes connections that are inside a transaction
def test_the_worker_stamps_its_heartbeat_when_it_runs_the_heartbeat_task(database_backend):
    assert not Heartbeat.objects.filter(name=health.WORKER).exists()
    call_command("requeue_tasks")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    seen = Heartbeat.objects.get(name=health.WORKER).at
    assert timezone.now() - seen < timedelta(minutes=1)
    assert health.check_worker(now=timezone.now(), seen=seen).status == health.OK


def test_the_heartbeat_task_clears_its_finished_rows_of_more_than_an_hour_ago(database_backend):
    old = health.worker_heartbeat.enqueue().db_result
    DBTaskResult.objects.filter(pk=old.pk).update(status=TaskResultStatus.SUCCESSFUL,
                                                  finished_at=timezone.now() - timedelta(hours=2))
    health.worker_heartbeat.call()
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()


# --- backup ----------------------------------------------------------------------------------------

def test_backups_not_configured_are_a_warning():
    assert health.check_backup(now=NOW, folder="").status == health.WARNING


def test_a_missing_folder_or_no_backup_yet_is_failing(tmp_path):
    assert health.check_backup(now=NOW, folder=str(tmp_path / "nowhere")).status == health.FAILING
    (tmp_path / "notes.txt").write_text("not a backup")
    assert health.check_backup(now=NOW, folder=str(tmp_path)).summary == "pas encore de sauvegarde"


def test_the_newest_backup_counts_and_is_failing_after_26_hours(tmp_path):
    for name, hours in (("grappe-20261201-020000.tar.gz", 50), ("grappe-20261202-020000.tar.gz", 25)):
        path = tmp_path / name
        path.write_bytes(b"x")
        made = (NOW - timedelta(hours=hours)).timestamp()
        os.utime(path, (made, made))
    check = health.check_backup(now=NOW, folder=str(tmp_path))
    assert check.status == health.OK and check.data["age_seconds"] == 25 * 3600
    assert health.check_backup(now=NOW + timedelta(hours=1, seconds=1), folder=str(tmp_path)).status == health.FAILING


# --- reminders -------------------------------------------------------------------------------------

def test_reminders_never_run_or_older_than_26_hours_are_a_warning():
    assert health.check_reminders(now=NOW, seen=None).status == health.WARNING
    assert health.check_reminders(now=NOW, seen=NOW - timedelta(hours=25)).status == health.OK
    assert health.check_reminders(now=NOW, seen=NOW - timedelta(hours=27)).status == health.WARNING


def test_a_run_of_send_reminders_is_recorded_even_outside_sending_hours_but_not_a_dry_run():
    call_command("send_reminders", "--dry-run", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not Heartbeat.objects.filter(name=health.REMINDERS).exists()
    call_command("send_reminders", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert timezone.now() - Heartbeat.objects.get(name=health.REMINDERS).at < timedelta(minutes=1)


# --- pending tasks ---------------------------------------------------------------------------------

def test_no_task_waiting_is_ok():
    check = health.check_pending(now=NOW)
    assert check.status == health.OK and check.data["count"] == 0


def test_the_oldest_waiting_task_is_a_warning_after_15_minutes_and_a_task_for_later_is_not_counted(
        database_backend):
    waiting = health.worker_heartbeat.enqueue().db_result
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=NOW - timedelta(minutes=16))
    later = health.worker_heartbeat.using(run_after=NOW + timedelta(hours=8)).enqueue().db_result
    check = health.check_pending(now=NOW)
    assert check.status == health.WARNING and check.data["count"] == 1
    assert check.data["oldest_age_seconds"] == 16 * 60 and "16\u00a0minutes" in check.summary
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=NOW - timedelta(minutes=14))
    assert health.check_pending(now=NOW).status == health.OK
    # the one for later is due from its own time, not from when it was queued
    DBTaskResult.objects.filter(pk=later.pk).update(enqueued_at=NOW - timedelta(hours=9),
                                                    run_after=NOW - timedelta(minutes=1))
    assert health.check_pending(now=NOW).data == {"count": 2, "oldest_age_seconds": 14 * 60, "max_age_seconds": 900}


def test_thresholds_are_settings(settings):
    settings.HEALTH_WORKER_MAX_AGE = 60
    assert health.check_worker(now=NOW, seen=NOW - timedelta(seconds=90)).status == health.FAILING


# --- the page --------------------------------------------------------------------------------------

def test_the_page_is_public_french_and_200_when_nothing_fails(client, all_well, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # SELECT 1, the cache round trip (5 with its savepoint), heartbeats, 3 on the queue
        response = client.get("/sante/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "no-cache" in response["Cache-Control"]
    page = unescape(response.content.decode())
    assert "État du service\u00a0: OK" in page
    for label in ("Base de données", "Tâches de fond", "Dernière sauvegarde", "Derniers rappels",
                  "Tâches en attente"):
        assert label in page


def test_the_page_answers_503_when_a_check_fails(client, all_well):
    Heartbeat.objects.filter(name=health.WORKER).update(at=timezone.now() - timedelta(minutes=10))
    response = client.get("/sante/")
    assert response.status_code == 503 and "En panne" in unescape(response.content.decode())


def test_a_warning_is_still_200(client, all_well, settings):
    settings.BACKUP_DIR = ""
    response = client.get("/sante/?format=json")
    assert response.status_code == 200
    assert response.json()["status"] == "warning" and response.json()["checks"]["backup"]["status"] == "warning"


@pytest.mark.parametrize("how", [{"HTTP_ACCEPT": "application/json"}, {"data": {"format": "json"}}])
def test_monitors_get_json(client, all_well, how):
    response = client.get("/sante/", **how)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "cache", "worker", "backup",
                                                               "reminders", "pending"}
    assert body["checks"]["worker"]["max_age_seconds"] == 300 and isinstance(body["checks"]["database"]["ms"], float)


def test_the_page_shows_no_personal_data(client, all_well, world):
    page = client.get("/sante/").content.decode()
    assert "Martin" not in page and world.member_user.username not in page
    assert world.admin.username not in page and str(all_well) not in page  # nor where backups are kept
