"""The bank pages: admins only, refused forms shown again as typed (422), an unreadable file kept."""

import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grappe.accounts import services as accounts
from grappe.accounts.models import Entry, Means
from grappe.bank.models import BankAccount, BankTransaction, StatementImport

from .conftest import members_42_and_977, owe

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
Status = BankTransaction.Status


@pytest.fixture
def account(world):
    return BankAccount.objects.create(association=world.association, name="Crédit Coopératif",
                                      iban="FR7630004000031234567890143")


@pytest.fixture
def admin(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def november(world, account):
    dupont, martin = members_42_and_977(world)
    owe(dupont, D("23.50"))
    owe(martin, D("18.00"))
    accounts.record_payment(member=martin, amount=D("18.00"), means=Means.TRANSFER, by=world.admin,
                            now=datetime.datetime(2026, 11, 2, 17, 0, tzinfo=datetime.UTC))
    return dupont, martin


def upload(client, account, name, data=None, **fields):
    data = (DATA / name).read_bytes() if data is None else data
    return client.post(reverse("bank:import", args=[account.pk]),
                       {"file": SimpleUploadedFile(name, data), "format": "auto", "date_format": "%d/%m/%Y",
                        "decimal_comma": "on", **fields})


@pytest.mark.parametrize("persona", ["coordinator", "volunteer", "member_user", "referrer", "outsider"])
def test_only_the_association_admins_reach_the_bank(client, world, account, persona):
    client.force_login(getattr(world, persona))
    for name in ("account_edit", "import", "lines", "reconciliation"):
        assert client.get(reverse(f"bank:{name}", args=[account.pk])).status_code == 404
    assert client.post(reverse("bank:account_edit", args=[account.pk]), {"name": "Pirate"}).status_code == 404
    if persona != "outsider":  # an admin elsewhere has their own association's bank pages
        assert client.get(reverse("bank:index")).status_code == 404
        assert client.post(reverse("bank:account_new"), {"name": "Pirate"}).status_code == 404
    assert not BankAccount.objects.filter(name="Pirate").exists()


def test_the_accounts_list_shows_the_iban_masked_and_the_menu_links_it(admin, account):
    page = admin.get(reverse("bank:index")).content.decode()
    assert "•••• 0143" in page and "FR7630004000031234567890143" not in page
    assert reverse("bank:index") in admin.get(reverse("accounts:index")).content.decode()


def test_an_account_with_a_wrong_iban_is_shown_again_as_typed(admin, world):
    response = admin.post(reverse("bank:account_new"), {"name": "Livret A", "iban": "FR76 pas un iban"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Livret A"' in page and 'value="FR76 pas un iban"' in page and "IBAN" in page
    response = admin.post(reverse("bank:account_new"), {"name": "Livret A", "iban": "fr76 3000 4000 0312 3456 7890 143"})
    assert response.status_code == 302
    assert BankAccount.objects.get(name="Livret A").iban == "FR7630004000031234567890143"


def test_two_accounts_of_one_name_are_refused(admin, account):
    response = admin.post(reverse("bank:account_new"), {"name": "crédit coopératif", "iban": ""})
    assert response.status_code == 422 and "déjà" in response.content.decode()


def test_an_import_shows_its_figures_and_the_lines_to_handle_in_plain_french(admin, november, account):
    response = upload(admin, account, "camt053_november.xml")
    assert response.status_code == 302 and "/lignes/?import=" in response["Location"]
    page = admin.get(response["Location"]).content.decode()
    record = StatementImport.objects.get()
    assert (record.transactions, record.new, record.already_imported, record.proposed) == (4, 4, 0, 2)
    assert "Relevé importé" in page and "n° 42 Dupont Marie" in page and "noté à la main" in page
    assert "Grappe n’a pas reconnu" in page or "pas reconnu" in page  # the supplier's and the CCAS's lines
    again = upload(admin, account, "camt053_november.xml")
    assert StatementImport.objects.order_by("-pk").first().already_imported == 4 and again.status_code == 302


def test_an_unreadable_file_is_explained_in_french_and_kept_for_the_next_try(admin, world, account):
    csv = b"Jour;Texte;Somme\n02/11/2026;VIR ADH 42;23,50\n"
    response = upload(admin, account, "releve.csv", csv)
    assert response.status_code == 422
    page = response.content.decode()
    assert "n’a pas pu être lu" in page or "n'a pas pu être lu" in page
    assert "Jour · Texte · Somme" in page and "releve.csv" in page  # the columns found, the file kept
    # the columns given, without choosing the file again
    response = admin.post(reverse("bank:import", args=[account.pk]),
                          {"format": "csv", "date": "Jour", "label": "Texte", "amount": "Somme",
                           "date_format": "%d/%m/%Y", "decimal_comma": "on"})
    assert response.status_code == 302
    assert BankTransaction.objects.get(account=account).amount == D("23.50")
    account.refresh_from_db()
    assert account.csv_mapping["date"] == "Jour"
    # the next time, the remembered columns fill the form
    assert 'value="Somme"' in admin.get(reverse("bank:import", args=[account.pk])).content.decode()


def test_a_refused_mapping_is_shown_again_as_typed_and_the_file_kept(admin, world, account):
    response = upload(admin, account, "csv_november.csv", date="Date opération", label="")
    assert response.status_code == 422
    assert 'value="Date opération"' in response.content.decode() and "csv_november.csv" in response.content.decode()
    response = admin.post(reverse("bank:import", args=[account.pk]), {"format": "csv", "date_format": "%d/%m/%Y",
                                                                       "decimal_comma": "on"})
    assert response.status_code == 302 and BankTransaction.objects.filter(account=account).count() == 4
    other = BankAccount.objects.create(association=world.association, name="Livret")
    response = admin.post(reverse("bank:import", args=[other.pk]), {"format": "csv", "date_format": "%d/%m/%Y"})
    assert response.status_code == 422 and "Choisissez le fichier du relevé" in response.content.decode()


def test_confirm_change_ignore_and_reopen_from_the_pages(admin, world, november, account):
    dupont, martin = november
    upload(admin, account, "camt053_november.xml")
    sure, hand, debit, gift = (BankTransaction.objects.get(bank_ref=r) for r in (
        "2026110200017", "2026110300004", "2026110300009", "2026110300011"))
    assert admin.post(reverse("bank:line_confirm", args=[sure.pk])).status_code == 302
    assert accounts.balance(dupont) == D("0.00")
    # a person says the CCAS's transfer is Martin's payment... with a name two members do not share
    response = admin.post(reverse("bank:line_change", args=[gift.pk]), {"kind": "payment", "member": "Personne"})
    assert response.status_code == 422 and 'value="Personne"' in response.content.decode()
    response = admin.post(reverse("bank:line_change", args=[gift.pk]), {"kind": "payment", "member": "977"})
    assert response.status_code == 302 and accounts.balance(martin) == D("60.00")
    # ignoring needs a reason
    response = admin.post(reverse("bank:line_ignore", args=[debit.pk]), {"reason": ""})
    assert response.status_code == 422
    assert admin.post(reverse("bank:line_ignore", args=[debit.pk]), {"reason": "facture payée"}).status_code == 302
    debit.refresh_from_db()
    assert (debit.status, debit.ignore_reason) == (Status.IGNORED, "facture payée")
    # reopening the CCAS line reverses Martin's payment booked from it
    response = admin.post(reverse("bank:line_reopen", args=[gift.pk]), {"reason": ""})
    assert response.status_code == 422
    assert admin.post(reverse("bank:line_reopen", args=[gift.pk]), {"reason": "c'est le CCAS"}).status_code == 302
    assert accounts.balance(martin) == D("0.00")
    assert Entry.objects.filter(kind=Entry.Kind.CORRECTION, member=martin).count() == 1
    page = admin.get(reverse("bank:line", args=[gift.pk])).content.decode()
    assert "c&#x27;est le CCAS" in page or "c'est le CCAS" in page
    # a debit cannot be a member's payment: refused on the page, as typed
    response = admin.post(reverse("bank:line_confirm", args=[hand.pk]))
    assert response.status_code == 302


def test_a_debit_offers_the_supplier_choices_and_refuses_a_missing_one(admin, november, account):
    upload(admin, account, "camt053_november.xml")
    debit = BankTransaction.objects.get(bank_ref="2026110300009")
    page = admin.get(reverse("bank:line", args=[debit.pk])).content.decode()
    assert "facture" in page and "Adhérent (numéro ou nom)" not in page
    response = admin.post(reverse("bank:line_change", args=[debit.pk]), {"kind": "invoice"})
    assert response.status_code == 422


def test_the_reconciliation_page_and_its_months(admin, november, account):
    upload(admin, account, "camt053_november.xml")
    url = reverse("bank:reconciliation", args=[account.pk])
    page = admin.get(url + "?mois=2026-11").content.decode()
    assert "1\u202f024,10\u00a0€" in page and "?mois=2026-10" in page and "?mois=2026-12" in page
    assert "Opérations bancaires absentes de la comptabilité" in page
    assert admin.get(url + "?mois=2026-13").status_code == 400


def test_a_person_matches_a_credit_to_another_hand_recorded_transfer(admin, world, november, account):
    dupont, martin = november
    other = accounts.record_payment(member=dupont, amount=D("60.00"), means=Means.TRANSFER, by=world.admin,
                                    now=datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC))
    upload(admin, account, "camt053_november.xml")
    gift = BankTransaction.objects.get(bank_ref="2026110300011")
    page = admin.get(reverse("bank:line", args=[gift.pk])).content.decode()
    assert f'value="{other.pk}"' in page  # offered: same amount, recorded by hand, matched to no line
    before = Entry.objects.count()
    response = admin.post(reverse("bank:line_change", args=[gift.pk]), {"kind": "hand", "entry": str(other.pk)})
    assert response.status_code == 302 and Entry.objects.count() == before
    gift.refresh_from_db()
    assert (gift.status, gift.match_kind, gift.matched_entry) == (Status.CONFIRMED, "hand", other)
