"""Product names that look like formulas, and photos too large to decode, are refused in French."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grappe.catalogue import services
from grappe.catalogue.forms import MAX_PHOTO_PIXELS, ProductForm

from .factories import SupplierFactory, make_product

pytestmark = pytest.mark.django_db


def png(width, height) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def form_data(**fields):
    return {"name": "Lentilles", "reference": "LV", "family": "other", "unit": "kg", "order_step": "1",
            "weight_kg_per_unit": "1", "pack_price_excl_vat": "10", "vat_rate": "5,5", "origin_country": "France",
            **fields}


def test_a_photo_of_more_than_40_megapixels_is_refused():
    form = ProductForm(form_data(), {"photo": png(8000, 6000)}, supplier=SupplierFactory())
    assert not form.is_valid()
    assert "trop de pixels" in form.errors["photo"][0]


def test_a_normal_photo_is_accepted():
    form = ProductForm(form_data(), {"photo": png(1200, 900)}, supplier=SupplierFactory())
    assert form.is_valid(), form.errors


def test_pillow_refuses_decompression_bombs_at_our_limit():
    assert Image.MAX_IMAGE_PIXELS == MAX_PHOTO_PIXELS


@pytest.mark.parametrize("name", ["=1+1", "+33", "-x", "@SUM(A1)"])
def test_a_product_name_or_reference_that_looks_like_a_formula_is_refused(name):
    supplier = SupplierFactory()
    for field in ("name", "reference"):
        form = ProductForm(form_data(**{field: name}), supplier=supplier)
        assert not form.is_valid() and "formule" in form.errors[field][0]
        with pytest.raises(services.CatalogueError):
            make_product(supplier, **{field: name, "pack_price_excl_vat": D("1.00")})
    product = make_product(supplier, reference="OK1", pack_price_excl_vat=D("1.00"))
    with pytest.raises(services.CatalogueError):
        services.update_product(by=None, product=product, name=name)
