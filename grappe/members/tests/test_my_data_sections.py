"""'Mes données' lists what it says it lists: memberships, orders, baskets, payments, account lines and
reminders sent, each from its own app (grappe.members.personal_data), on screen, in the PDF and in the JSON
export; and erasing the member still works once those exist."""

import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from grappe.accounts import services as account_services
from grappe.distribution.tests.factories import make_day
from grappe.members import services
from grappe.members.personal_data import sections_for
from grappe.notify.models import SentNotification

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
TITLES = ["Adhésions", "Commandes", "Paniers", "Paiements", "Mon compte, ligne par ligne", "Rappels envoyés"]


@pytest.fixture
def history(world):
    day = make_day(world)
    account_services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    account_services.record_payment(member=world.member, amount=D("5.00"), means="cash", by=world.volunteer,
                                    note="", advance=True)
    SentNotification.objects.create(
        association=world.association, group=world.group, member=world.member, kind="cycle_open", key="x",
        recipient=f"member:{world.member.pk}", channel="sms", address="+33612345678",
        status=SentNotification.Status.SENT, text="Les commandes sont ouvertes.", sent_at=timezone.now())
    return day


def text_of(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # non-breaking spaces kept


def test_each_app_gives_its_section(world, history):
    keys = [section.key for section in sections_for(world.member)]
    assert keys == ["memberships", "orders", "baskets", "payments", "account_entries", "reminders_sent"]


def test_the_page_lists_orders_baskets_payments_account_lines_and_reminders(world, history, client_for):
    text = text_of(client_for(world.member_user).get(reverse("members:my_data")).content.decode())
    for title in TITLES:
        assert title in text
    day = history.day.date
    assert f"{day.day} " in text and str(day.year) in text  # the distribution day in words
    assert "Lentilles" in text or "lentilles" in text.lower()
    assert "5,00\u00a0€" in text  # the payment, as people write euros
    assert "Espèces" in text or "espèces" in text
    assert "Commande ouverte" in text  # the reminder, by its name
    assert "06\u00a012\u00a034\u00a056\u00a078" in text  # the number as people write it
    assert "2\u00a0pièces" in text  # "2 pièces", not "2 pièce"
    assert not ISO_DATE.search(text)
    for machine in ("cycle_open", "collected", "payment", "cash", r"sms\b"):
        assert not re.search(rf"\b{machine}", text), machine


def test_the_pdf_lists_the_same(world, history, client_for):
    response = client_for(world.member_user).get(reverse("members:my_export_pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for title in ("Commandes", "Paniers", "Paiements", "Rappels envoyés"):
        assert title in text
    assert not ISO_DATE.search(text)


def test_the_json_export_has_every_section_with_machine_keys(world, history, client_for):
    data = client_for(world.member_user).get(reverse("members:my_export_json")).json()
    assert data["orders"][0]["lines"] and data["baskets"][0]["status"] == "collected"
    assert data["payments"][0]["amount"] == "5.00" and data["payments"][0]["means"] == "cash"
    assert {entry["kind"] for entry in data["account_entries"]} == {"charge", "payment"}
    assert data["reminders_sent"][0]["kind"] == "cycle_open"


def test_a_member_with_nothing_yet_sees_nothing_rather_than_an_empty_table(world, client_for):
    text = text_of(client_for(world.member_user).get(reverse("members:my_data")).content.decode())
    assert "Commandes" in text and "Rien pour l’instant." in text


def test_erasing_still_works_with_a_history(world, history, client_for):
    services.erase_member(member=world.member, by=world.coordinator)
    world.member.refresh_from_db()
    assert world.member.erased_at is not None and world.member.phone == ""
    data = services.member_data(world.member)
    assert data["name"] != "Martin Jeanne"
    assert all(row["address"] != "+33612345678" for row in data["reminders_sent"])
    assert data["account_entries"]  # the accounts are kept, under the member's number
