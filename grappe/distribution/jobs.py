"""A distribution's documents on the job queue (grappe/core/jobs.py): rendered into the shared PDF cache
out of the request, so that the day screen's download links then answer at once."""

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django_tasks import task

from grappe.core import jobs

from . import services
from .models import DocumentJob


@task()
def prepare_documents(job_id: int) -> bool:
    """Render a queued `DocumentJob`'s documents; True if this run finished it."""
    language = DocumentJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):  # the language the view will render in
        return services.run_document_job(job_id=job_id)


# Four documents of a few dozen pages each: a minute at most; ten is far beyond a healthy run.
jobs.register(prepare_documents, time_limit=timedelta(minutes=10), on_abandon=services.abandon_document_job)
