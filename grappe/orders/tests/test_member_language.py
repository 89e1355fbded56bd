"""Her printed order form is in her language, whoever prints it; the staff pages around it are not."""

import re
import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from grappe.members.models import Member
from grappe.orders.tests.factories import make_cycle

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def shop(world):
    return make_cycle(world)


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return unicodedata.normalize("NFKC", text)


def test_the_order_form_prefilled_for_an_arabic_member_is_in_arabic_right_to_left(world, shop, client_for):
    Member.objects.filter(pk=world.member.pk).update(language="ar")
    client = client_for(world.volunteer)
    url = reverse("orders:order_form_pdf", args=[shop.cycle.pk, world.group.pk])
    arabic = pdf_text(client.get(url, {"adherent": world.member.pk}).content)
    assert ARABIC_LETTER.search(arabic)
    assert world.member.name in arabic and "Lentilles vertes" in arabic  # names stay as they are
    blank = pdf_text(client.get(url).content)  # the group's blank form: the volunteer's language
    assert not ARABIC_LETTER.search(blank)
    page = client.get(reverse("orders:paper_entry", args=[shop.cycle.pk]), {"numero": world.member.number})
    assert '<html lang="fr" dir="ltr">' in page.content.decode()  # typing her paper form: staff page, French


def test_the_rendered_form_is_right_to_left(world, shop):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ar"):
        html = render_to_string("orders/order_form_pdf.html", {
            "cycle": shop.cycle, "cg": shop.cycle.cycle_groups.get(group=world.group), "prices": [],
            "member": world.member, "association": world.association, "stops": []})
    assert '<html lang="ar" dir="rtl">' in html
