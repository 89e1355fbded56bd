"""A distribution's documents prepared on the job queue: rendered once into the shared PDF cache, then
served from it by the download links; progress, refusal, failure and abandon shown in French."""

import pytest
from django.urls import reverse

from grappe.core import pdf
from grappe.core.jobs import kind_of
from grappe.distribution import jobs
from grappe.distribution.documents import DOCUMENTS
from grappe.distribution.models import DocumentJob

from .factories import make_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(world):
    return make_day(world)


@pytest.fixture
def renders(monkeypatch):
    """Counts WeasyPrint renders (a cache hit renders nothing)."""
    count = []
    real = pdf.html_to_pdf

    def counting(*args, **kwargs):
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return count


def test_the_job_renders_every_document_and_the_links_then_answer_from_the_cache(
        world, day, client_for, renders, django_capture_on_commit_callbacks):
    client = client_for(world.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("distribution:prepare_documents", args=[day.day.pk]))
    assert response.status_code == 302
    job = DocumentJob.objects.get(distribution=day.day)
    assert (job.status, job.done, job.total, job.created_by) == ("done", 4, 4, world.volunteer)
    assert len(renders) == len(DOCUMENTS) == 4
    for kind in DOCUMENTS:
        response = client.get(reverse("distribution:document", args=[day.day.pk, kind]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(renders) == 4  # every download came from the cache
    page = client.get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert "Documents prêts" in page and "refresh.js" not in page
    # Run twice (a re-queued task): it renders from the cache.
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.QUEUED)
    assert jobs.prepare_documents.call(job.pk) is True
    assert len(renders) == 4
    assert jobs.prepare_documents.call(job.pk) is False  # done: a job completes once


def test_a_failure_shows_the_french_error_and_a_retry_button(
        world, day, client_for, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("out of fonts")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    client = client_for(world.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("distribution:prepare_documents", args=[day.day.pk]))
    job = DocumentJob.objects.get(distribution=day.day)
    assert job.status == "failed" and job.done == 0
    page = client.get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert "Les documents n’ont pas pu être préparés" in page and "Réessayer" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):  # the retry is a new job
        assert client.post(reverse("distribution:prepare_documents", args=[day.day.pk])).status_code == 302
    assert DocumentJob.objects.filter(distribution=day.day).first().status == "done"


def test_a_second_request_while_one_runs_is_refused_and_the_page_follows_the_job(world, day, client_for):
    DocumentJob.objects.create(distribution=day.day, kinds=list(DOCUMENTS), total=4, done=3,
                               status=DocumentJob.Status.RUNNING)
    client = client_for(world.coordinator)
    response = client.post(reverse("distribution:prepare_documents", args=[day.day.pk]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "déjà en préparation" in page
    assert DocumentJob.objects.filter(distribution=day.day).count() == 1
    page = client.get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert "Préparation des documents\u00a0: 3 sur 4…" in page
    assert "core/refresh.js" in page and 'http-equiv="refresh"' not in page and "Actualiser" in page
    assert "Préparer tous les documents" not in page


def test_a_member_cannot_start_the_job(world, day, client_for):
    response = client_for(world.member_user).post(reverse("distribution:prepare_documents", args=[day.day.pk]))
    assert response.status_code in (403, 404)
    assert not DocumentJob.objects.exists()


def test_an_abandoned_job_is_shown_failed(world, day, client_for):
    job = DocumentJob.objects.create(distribution=day.day, kinds=list(DOCUMENTS), total=4,
                                     status=DocumentJob.Status.RUNNING)
    kind_of("grappe.distribution.jobs.prepare_documents").on_abandon(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "interrompue trois fois" in job.error
    page = client_for(world.volunteer).get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert "interrompue trois fois" in page and "Réessayer" in page
