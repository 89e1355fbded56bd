"""A scenario's solve on the job queue: no transaction (so no lock) while HiGHS and PyVRP run, progress on
the page, the real database backend and worker, and a worker killed mid-solve (the job completes once)."""

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from grappe.core.jobs import requeue_stale
from grappe.core.tests.concurrency import postgres_only, run_concurrently
from grappe.network.models import Association
from grappe.tours import services
from grappe.tours.models import ScenarioJob, ScenarioRun

from .planner_fixtures import *  # noqa: F403  (fixtures)

ROOT = Path(__file__).resolve().parents[3]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def in_solver(monkeypatch):
    """Calls `probe()` from inside the stop selection (HiGHS), then solves as usual; returns what it saw."""
    seen = []

    def install(probe):
        real = services.select_stops

        def spy(*args, **kwargs):
            seen.append(probe())
            return real(*args, **kwargs)

        monkeypatch.setattr(services, "select_stops", spy)
        return seen

    return install


@pytest.mark.django_db(transaction=True)
def test_the_page_solves_outside_any_transaction(scenario, world, client_for, in_solver):
    seen = in_solver(lambda: connection.in_atomic_block)
    client = client_for(world.admin)
    response = client.post(f"/mobile/scenarios/{scenario.pk}/calculer/")
    assert response.status_code == 302 and response["Location"].endswith("#job")
    assert seen == [False]
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 1
    job = ScenarioJob.objects.get(scenario=scenario)
    assert job.status == "done" and job.run == scenario.runs.get() and job.attempts == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_admissions_and_team_changes_need_not_wait_for_a_solve(scenario, world, in_solver):
    """On PostgreSQL: while HiGHS runs, another connection locks the association, group and scenario rows
    at once (NOWAIT). The old solve held them FOR UPDATE for up to 20 s."""
    def lock_elsewhere():
        def attempt():
            with transaction.atomic():
                Association.objects.select_for_update(nowait=True).get(pk=world.association.pk)
                scenario.group.__class__.objects.select_for_update(nowait=True).get(pk=scenario.group_id)
                type(scenario).objects.select_for_update(nowait=True).get(pk=scenario.pk)
            return "locked"
        [(result, error)] = run_concurrently(attempt)
        return result or repr(error)

    seen = in_solver(lock_elsewhere)
    job = services.request_run(scenario=scenario, by=world.admin)  # autocommit: queued and run at once
    assert seen == ["locked"]
    job.refresh_from_db()
    assert job.status == "done"


def test_a_double_click_queues_one_computation(scenario, world, settings):
    settings.TASKS = DATABASE_BACKEND
    first = services.request_run(scenario=scenario, by=world.admin)
    second = services.request_run(scenario=scenario, by=world.coordinator)
    assert first.pk == second.pk and ScenarioJob.objects.count() == 1


def test_a_scenario_that_cannot_run_is_refused_before_queuing(scenario, world, client_for):
    scenario.working_weekdays = []
    scenario.save()
    client = client_for(world.admin)
    response = client.post(f"/mobile/scenarios/{scenario.pk}/calculer/", follow=True)
    assert "Choisissez au moins un jour de tournée." in response.content.decode()
    assert not ScenarioJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_follows_the_job_on_the_database_backend(scenario, world, client_for, settings):
    """The production backend: the request only queues; the page says so and refreshes itself without
    JavaScript; `db_worker` computes; the page then shows the results and stops refreshing."""
    settings.TASKS = DATABASE_BACKEND
    client = client_for(world.admin)
    client.post(f"/mobile/scenarios/{scenario.pk}/calculer/")
    job = ScenarioJob.objects.get(scenario=scenario)
    task = DBTaskResult.objects.get()
    assert job.status == "queued" and job.task_id == str(task.pk) and task.status == "READY"
    page = client.get(f"/mobile/scenarios/{scenario.pk}/").content.decode()
    assert 'data-seconds="5"' in page
    assert "En attente de calcul" in page and "Actualiser" in page
    assert "Recalculer" not in page or "disabled" in page

    ScenarioJob.objects.filter(pk=job.pk).update(status="running", step="routes")
    page = client.get(f"/mobile/scenarios/{scenario.pk}/").content.decode()
    assert "étape 3 sur 4" in page and 'refresh.js' in page

    ScenarioJob.objects.filter(pk=job.pk).update(status="queued", step="")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == "SUCCESSFUL" and job.status == "done"
    assert task.return_value == job.run_id == scenario.runs.get().pk
    page = client.get(f"/mobile/scenarios/{scenario.pk}/").content.decode()
    assert "http-equiv=\"refresh\"" not in page and 'id="job"' not in page
    for stop in job.run.stops.all():
        assert stop.name in page


def test_a_failed_computation_is_said_on_the_page(scenario, world, client_for, django_capture_on_commit_callbacks):
    services.add_commune_candidates(scenario=scenario)
    scenario.candidates.update(excluded=True)
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mobile/scenarios/{scenario.pk}/calculer/")
    job = ScenarioJob.objects.get(scenario=scenario)
    assert job.status == "failed" and not ScenarioRun.objects.exists()
    page = client.get(f"/mobile/scenarios/{scenario.pk}/").content.decode()
    assert "Le calcul a échoué\u00a0: Aucun arrêt possible" in page
    assert "http-equiv=\"refresh\"" not in page


# --- A worker killed in the middle of a solve -------------------------------------------------------

def _database_url(tmp_path) -> tuple[str, Path | None]:
    """The address of the test database for a worker in another process: the PostgreSQL test database
    itself, or, on SQLite (in memory), a file copy of it that is copied back after each step."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}", None
    path = tmp_path / "worker.sqlite3"
    return f"sqlite:///{path}", path


def _to_file(path):
    if path is not None:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()


def _from_file(path):
    if path is not None:
        source = sqlite3.connect(path)
        source.backup(connection.connection)
        source.close()


def _worker(url: str, *, hold: bool) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "grappe.settings"}
    env.pop("GRAPPE_TEST_HOLD_SOLVE", None)
    if hold:
        env["GRAPPE_TEST_HOLD_SOLVE"] = "1"
    return subprocess.Popen(  # noqa: S603 - our own manage.py, with the interpreter running the tests
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_solve_is_requeued_and_the_job_completes_once(scenario, world, settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    job = services.request_run(scenario=scenario, by=world.admin)
    url, path = _database_url(tmp_path)
    _to_file(path)

    worker = _worker(url, hold=True)
    output = []
    for line in worker.stdout:  # blocks until the worker is inside the solve (or has ended)
        output.append(line)
        if "grappe-test: solving" in line:
            break
    else:
        pytest.fail("the worker ended before solving:\n" + "".join(output))
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    worker.stdout.close()
    _from_file(path)

    task = DBTaskResult.objects.get()
    job.refresh_from_db()
    assert task.status == "RUNNING" and len(task.worker_ids) == 1  # what the backend alone leaves for ever
    assert job.status == "running" and job.step == "cover" and not ScenarioRun.objects.exists()

    assert requeue_stale(now=task.started_at + timedelta(minutes=9)).requeued == []  # within its time limit
    assert requeue_stale(now=task.started_at + timedelta(minutes=11)).requeued == [str(task.pk)]
    _to_file(path)

    worker = _worker(url, hold=False)
    output, _ = worker.communicate(timeout=600)
    assert worker.returncode == 0, output
    _from_file(path)

    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert job.status == "done" and job.attempts == 2
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 1 and job.run == scenario.runs.get()
    # Running the same task again (a late duplicate) stores nothing more.
    assert services.run_job(job_id=job.pk) is None
    assert ScenarioRun.objects.count() == 1
