"""Large bank statements on the job queue (grappe/core/jobs.py): read and imported out of the request."""

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django_tasks import task

from grappe.core import jobs

from . import services


@task()
def import_statement(job_id: int) -> int | None:
    """Import a queued `ImportJob`; returns the StatementImport's id (None if it failed or had already ended)."""
    with translation.override(settings.LANGUAGE_CODE):  # no request: its error is written in the site's language
        return services.run_import_job(job_id=job_id)


# A 5 MB file (forms.MAX_FILE) is some 50,000 lines, read and matched in well under a minute.
jobs.register(import_statement, time_limit=timedelta(minutes=10), on_abandon=services.abandon_import)
