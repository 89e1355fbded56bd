"""A large statement is imported by the job queue: the page follows it (refreshing itself without
JavaScript), then shows its figures or its error in French; a task run twice imports once."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grappe.bank import services
from grappe.bank.jobs import import_statement
from grappe.bank.models import BankAccount, BankTransaction, ImportJob, StatementImport

from .test_pages import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(world):
    return BankAccount.objects.create(association=world.association, name="Crédit Coopératif")


@pytest.fixture
def admin(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def small_threshold(monkeypatch):
    """csv_november.csv (5 lines) counts as large: the job's path without a 2,000-line file in each test."""
    monkeypatch.setattr(services, "QUEUE_ABOVE_LINES", 3)


def upload(client, account, data, name="releve.csv"):
    return client.post(reverse("bank:import", args=[account.pk]),
                       {"file": SimpleUploadedFile(name, data), "format": "auto", "date_format": "%d/%m/%Y",
                        "decimal_comma": "on"})


def test_the_threshold():
    line = b"02/11/2026;VIR ADH 42;23,50\n"
    assert not services.is_large(b"Date;Libelle;Montant\n" + line * 1999)
    assert services.is_large(b"Date;Libelle;Montant\n" + line * 2001)
    assert services.is_large(b"x" * (200 * 1024 + 1))


def test_a_large_file_goes_through_the_job_and_its_figures_appear(admin, account, small_threshold,
                                                                   django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin, account, (DATA / "csv_november.csv").read_bytes(), "csv_november.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bank:import_job", args=[job.pk])
    page = admin.get(response["Location"]).content.decode()
    assert "En attente d’import" in page and 'src="/static/core/refresh.js" data-seconds="3"' in page
    assert not BankTransaction.objects.exists() and job.created_by.pk and job.format == "auto"

    assert services.run_import_job(job_id=job.pk) is not None  # the worker's turn
    page = admin.get(response["Location"]).content.decode()
    assert "refresh.js" not in page and "Importé" in page
    record = StatementImport.objects.get()
    assert (record.transactions, record.new, record.already_imported) == (4, 4, 0)
    assert f"?import={record.pk}" in page and "<strong>4</strong> opérations" in page
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.content) == b""  # the file is not kept once imported


def test_with_the_immediate_backend_the_upload_lands_on_the_figures(admin, account, small_threshold,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin, account, (DATA / "csv_november.csv").read_bytes(), "csv_november.csv")
    page = admin.get(response["Location"]).content.decode()
    assert "Importé" in page and BankTransaction.objects.filter(account=account).count() == 4


def test_a_failing_file_shows_the_french_error(admin, account, small_threshold, django_capture_on_commit_callbacks):
    csv = b"Jour;Texte;Somme\n" + b"02/11/2026;VIR ADH 42;23,50\n" * 5
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin, account, csv)
    page = admin.get(response["Location"]).content.decode()
    assert "Import échoué" in page and "n’a pas pu être lu comme un relevé CSV" in page and 'role="alert"' in page
    assert "refresh.js" not in page and reverse("bank:import", args=[account.pk]) in page
    assert not BankTransaction.objects.exists() and ImportJob.objects.get().status == "failed"


def test_nothing_is_imported_twice_if_the_task_runs_twice(world, account, settings, django_capture_on_commit_callbacks):
    data = (DATA / "csv_november.csv").read_bytes()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = services.queue_import(account=account, data=data, file_name="csv_november.csv", format="csv",
                                    csv_mapping=None, by=world.admin)
    ImportJob.objects.filter(pk=job.pk).update(status="running")  # a worker killed mid-way: requeued
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    first = import_statement.enqueue(job.pk)
    second = import_statement.enqueue(job.pk)
    assert first.return_value is not None and second.return_value is None
    assert StatementImport.objects.count() == 1 and BankTransaction.objects.count() == 4
    assert BankTransaction.objects.filter(amount=D("23.50")).exists()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1


def test_an_abandoned_import_is_shown_failed(admin, world, account, settings, django_capture_on_commit_callbacks):
    from grappe.core.jobs import kind_of

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = services.queue_import(account=account, data=b"x", file_name="r.csv", format="csv", csv_mapping=None,
                                    by=world.admin)
    kind_of("grappe.bank.jobs.import_statement").on_abandon(job.pk)
    page = admin.get(reverse("bank:import_job", args=[job.pk])).content.decode()
    assert "interrompu trois fois" in page


@pytest.mark.parametrize("persona", ["coordinator", "volunteer", "member_user", "outsider"])
def test_only_the_association_admins_see_an_import_job(client, world, account, persona):
    job = ImportJob.objects.create(account=account, file_name="r.csv", content=b"", format="csv")
    client.force_login(getattr(world, persona))
    assert client.get(reverse("bank:import_job", args=[job.pk])).status_code == 404
