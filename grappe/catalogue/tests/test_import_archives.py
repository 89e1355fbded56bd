"""XLSX price lists that would eat the server's memory, or are damaged: a French refusal, never a 500."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from grappe.catalogue import imports

from .factories import SupplierFactory

pytestmark = pytest.mark.django_db


def good_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Référence", "Prix HT"])
    workbook.active.append(["LV25", 55.3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """`data` (an XLSX) with the part `name` replaced by `content`, deflated."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def errors_of(data: bytes, name="tarif.xlsx"):
    price_import = imports.preview_import(by=None, supplier=SupplierFactory(), name=name, data=data)
    return price_import.file_errors


def test_a_shared_string_bomb_is_refused_before_openpyxl_reads_it():
    # 60 MB of one shared string compress to about 60 KB: the zip's directory tells the truth first
    bomb = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
           b"<si><t>" + b"A" * (60 * 1024 * 1024) + b"</t></si></sst>"
    data = with_part(good_xlsx(), "xl/sharedStrings.xml", bomb)
    assert len(data) < 1024 * 1024
    [error] = errors_of(data)
    assert "plus de 50 Mo" in error


def test_many_parts_each_below_the_limit_are_refused_together(monkeypatch):
    monkeypatch.setattr(imports, "MAX_XLSX_UNCOMPRESSED", 2 * 1024 * 1024)
    data = good_xlsx()
    for index in range(3):
        data = with_part(data, f"xl/media/padding{index}.bin", b"\0" * (1024 * 1024))
    [error] = errors_of(data)
    assert "une liste de prix" in error


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_workbook_gets_a_french_message(cut):
    data = good_xlsx()
    [error] = errors_of(data[: int(len(data) * cut)])
    assert "ne peut pas être ouvert" in error


@pytest.mark.parametrize("part, content", [
    ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1' t='s'><v>99</v></c></row>"),
    ("xl/worksheets/sheet1.xml", b"\x00\x01 not xml"),
    ("xl/workbook.xml", b"<workbook/>"),
    ("[Content_Types].xml", b"<Types"),
])
def test_a_malformed_workbook_gets_a_french_message(part, content):
    [error] = errors_of(with_part(good_xlsx(), part, content))
    assert "ne peut pas être ouvert" in error or "vide" in error or "colonne" in error.lower()


def test_a_good_workbook_still_reads():
    assert errors_of(good_xlsx()) == []


def test_the_import_page_answers_a_damaged_file_in_french(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    supplier = SupplierFactory(association=world.association)
    data = good_xlsx()
    upload = SimpleUploadedFile("tarif.xlsx", data[: len(data) // 2])
    response = client_for(world.coordinator).post(reverse("catalogue:import_new", args=[supplier.pk]),
                                                  {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "ne peut pas être ouvert" in response.content.decode()
