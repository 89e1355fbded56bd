"""The bank pages in a real browser on a 360 px phone: an import through the form, the lines to handle,
a line, the month's reconciliation; axe-core finds nothing serious and nothing is wider than the screen."""

import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import assert_accessible, browser_login, screenshot
from grappe.accounts import services as accounts
from grappe.accounts.models import Means
from grappe.bank.models import BankAccount, BankTransaction

from .conftest import members_42_and_977, owe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).parent / "data"


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_bank_pages_on_a_phone(world, live_server, phone_page):
    dupont, martin = members_42_and_977(world)
    owe(dupont, D("23.50"))
    owe(martin, D("18.00"))
    accounts.record_payment(member=martin, amount=D("18.00"), means=Means.TRANSFER, by=world.admin,
                            now=datetime.datetime(2026, 11, 2, 17, 0, tzinfo=datetime.UTC))
    account = BankAccount.objects.create(association=world.association, name="Crédit Coopératif",
                                         iban="FR7630004000031234567890143")
    page = phone_page
    browser_login(page, live_server, "admin")
    page.goto(live_server.url + "/banque/")
    assert "•••• 0143" in page.content()
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-index-360")
    page.goto(live_server.url + f"/banque/compte/{account.pk}/import/")
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-import-360")
    page.set_input_files("#id_file", str(DATA / "camt053_november.xml"))
    page.click("button[type=submit]:has-text('Importer')")
    page.wait_for_url(lambda url: "/lignes/" in url)
    assert "Relevé importé" in page.content()
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-lines-360")
    gift = BankTransaction.objects.get(bank_ref="2026110300011")
    page.goto(live_server.url + f"/banque/ligne/{gift.pk}/")
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-line-360")
    debit = BankTransaction.objects.get(bank_ref="2026110300009")
    page.goto(live_server.url + f"/banque/ligne/{debit.pk}/")
    page.fill("#id_reason", "   ")  # no reason (spaces pass the browser's check): refused, shown again
    page.click("button[type=submit]:has-text('Ignorer')")
    assert "Ce champ est obligatoire" in page.content()
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-debit-refused-360")
    page.goto(live_server.url + f"/banque/compte/{account.pk}/rapprochement/?mois=2026-11")
    assert "État de rapprochement" in page.content()
    assert_accessible(page)
    fits(page)
    screenshot(page, "bank-reconciliation-360")


def test_the_import_job_page_on_a_phone(world, live_server, phone_page, monkeypatch):
    """A large statement's page while it waits (refreshing itself), once done, and once failed."""
    from grappe.bank import services
    from grappe.bank.models import ImportJob

    account = BankAccount.objects.create(association=world.association, name="Crédit Coopératif")
    waiting = ImportJob.objects.create(account=account, file_name="releve-annee.csv", content=b"x", format="auto",
                                       created_by=world.admin)
    failed = ImportJob.objects.create(account=account, file_name="releve.csv", content=b"x", format="csv",
                                      status=ImportJob.Status.FAILED, created_by=world.admin,
                                      error="Ce fichier n’a pas pu être lu comme un relevé CSV.")
    monkeypatch.setattr(services, "QUEUE_ABOVE_LINES", 3)
    done = services.queue_import(account=account, data=(DATA / "csv_november.csv").read_bytes(),
                                 file_name="csv_november.csv", format="auto", csv_mapping=None, by=world.admin)
    page = phone_page
    browser_login(page, live_server, "admin")
    # the waiting page reloads itself (core/refresh.js); held still here so that axe reads one page
    page.route("**/core/refresh.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    for job, name, text in ((waiting, "waiting", "En attente d’import"), (done, "done", "Importé"),
                            (failed, "failed", "n’a pas pu être lu")):
        page.goto(live_server.url + f"/banque/import/{job.pk}/")
        assert text in page.content()
        assert_accessible(page)
        fits(page)
        screenshot(page, f"bank-import-job-{name}-360")
