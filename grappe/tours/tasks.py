"""The planner's work on the job queue (grappe/core/jobs.py): a scenario's solve, out of the request."""

from datetime import timedelta

from django_tasks import task

from grappe.core import jobs

from . import services


@task()
def solve_scenario(job_id: int) -> int | None:
    """Run a queued `ScenarioJob`; returns the new run's id (None if the job had already ended)."""
    return services.run_job(job_id=job_id)


# HiGHS stops at 20 s and PyVRP at 0.3 s per working day; ten minutes is far beyond a healthy solve.
jobs.register(solve_scenario, time_limit=timedelta(minutes=10), on_abandon=services.abandon_job)
