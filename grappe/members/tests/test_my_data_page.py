"""'Mes données' on screen and in its PDF speaks plain French: labels, choices, dates, yes/no, euros; never
a machine key, a raw code or an ISO date. The JSON export keeps its machine keys."""

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from grappe.members.models import Membership

pytestmark = pytest.mark.django_db

MACHINE = ["priority_basis", "reminders_opt_out", "preferred_channel", "category", "True", "False", "qpv"]
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


@pytest.fixture
def household(world):
    member = world.member
    member.review_date = datetime.date(2027, 3, 1)
    member.save()
    Membership.objects.update_or_create(member=member, year=2026,
                                        defaults={"fee": D("5.00"), "paid_on": datetime.date(2026, 1, 15),
                                                  "means": "cash"})
    return member


def test_my_data_page_is_in_plain_french(world, household, client_for):
    page = client_for(world.member_user).get(reverse("members:my_data")).content.decode()
    assert "Date de révision" in page or "date de révision" in page.lower()
    assert "1 mars 2027" in page and "15 janvier 2026" in page
    assert "5,00" in page
    text = re.sub(r"<[^>]+>", " ", page)
    for word in MACHINE:
        assert not re.search(rf"\b{word}\b", text), word
    assert not ISO_DATE.search(text)


def test_the_pdf_says_the_same_in_plain_french(world, household, client_for):
    response = client_for(world.member_user).get(reverse("members:my_export_pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1 mars 2027" in text
    for word in MACHINE:
        assert not re.search(rf"\b{word}\b", text), word
    assert not ISO_DATE.search(text)


def test_the_json_export_keeps_its_machine_keys(world, household, client_for):
    data = client_for(world.member_user).get(reverse("members:my_export_json")).json()
    assert data["review_date"] == "2027-03-01" and "priority_basis" in data
