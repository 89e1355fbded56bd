"""Basket labels print on a standard A4 sheet of 3 x 8 labels of 70 x 37 mm, the same place on every page."""

import datetime
import io
from decimal import Decimal as D
from types import SimpleNamespace

import pypdf
from django.utils import translation

from grappe.core.pdf import render_pdf_bytes
from grappe.distribution.documents import label_pages

MM = 72 / 25.4  # PDF points per millimetre


def sheets(count):
    return [SimpleNamespace(basket=SimpleNamespace(member=SimpleNamespace(number=100 + i, name=f"Membre {i}")),
                            lines=[SimpleNamespace(name="Lentilles vertes", quantity=D("2.5"), unit="kg"),
                                   SimpleNamespace(name="Huile d'olive 1 L", quantity=D("2"), unit="piece")])
            for i in range(count)]


def test_label_places_fill_three_columns_of_eight_rows_per_page():
    pages = label_pages(sheets(25))
    assert [len(page) for page in pages] == [24, 1]
    places = [(left, top) for _sheet, left, top in pages[0]]
    assert places[:4] == [(0, 0.5), (70, 0.5), (140, 0.5), (0, 37.5)]
    assert places[-1] == (140, 0.5 + 7 * 37)
    assert pages[1][0][1:] == (0, 0.5)  # the second page starts at the same corner
    assert all(top + 37 <= 297 and left + 70 <= 210 for left, top in places)


def test_the_labels_pdf_is_a4_with_each_label_at_its_place():
    distribution = SimpleNamespace(group=SimpleNamespace(name="Romans"), date=datetime.date(2026, 12, 5))
    items = sheets(30)
    with translation.override("fr"):
        pdf = render_pdf_bytes("distribution/pdf/labels.html",
                               {"distribution": distribution, "sheets": items, "label_pages": label_pages(items)})
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (210, 297)
    found = {}

    def where(text, cm, tm, _font, _size):
        if text.strip().isdigit() and int(text) >= 100:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found[int(text)] = (x / MM, 297 - y / MM)  # from the top-left corner, in mm

    for page in reader.pages:
        page.extract_text(visitor_text=where)
    assert sorted(found) == list(range(100, 130))
    for number, (x, y) in found.items():
        index = (number - 100) % 24
        row, column = divmod(index, 3)
        assert column * 70 < x < column * 70 + 10, (number, x)
        assert 0.5 + row * 37 < y < 0.5 + row * 37 + 12, (number, y)
