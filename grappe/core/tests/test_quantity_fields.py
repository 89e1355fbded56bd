"""Every box where someone types a quantity takes a decimal comma: "0,5" is half a kilo in the basket, the
paper entry, the weighing at the distribution, a sale from stock, the receipt of goods, the stock count and
the product sheet of the catalogue; a stored quantity shows again with a comma ("2,5"), and the phone offers
its decimal keyboard."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from grappe.catalogue.forms import ProductForm
from grappe.core.fields import DecimalInput
from grappe.distribution.forms import ServedForm, StockSaleForm
from grappe.orders.forms import BasketForm, ReceiptForm, StockAdjustmentForm

pytestmark = pytest.mark.django_db  # the product form checks its constraints in the database

LINE = SimpleNamespace(pk=7, name="Lentilles", allotted=Decimal("2"), served=None, quantity=Decimal("25"))
PRICE = SimpleNamespace(product_id=7, name="Lentilles")


def basket_form(data=None, on_behalf=False):
    return BasketForm(data, prices=[PRICE], on_behalf=on_behalf)


# (what the form is, how to build it with data, the quantity boxes it has)
FORMS = {
    "basket (member)": (lambda data: basket_form(data), ["q-7", "t-7"]),
    "paper entry (on behalf)": (lambda data: basket_form(data, on_behalf=True), ["q-7", "t-7"]),
    "weighing at the distribution": (lambda data: ServedForm(data, lines=[LINE]), ["served-7"]),
    "sale from stock": (lambda data: StockSaleForm(data, choices=[(7, "Lentilles")]), ["quantity"]),
    "receipt of goods": (lambda data: ReceiptForm(data, lines=[LINE]), ["delivered-7", "damaged-7"]),
    "stock count or loss": (lambda data: StockAdjustmentForm(
        data, groups=[SimpleNamespace(pk=1, name="Romans")], products=[SimpleNamespace(pk=7, name="Lentilles")]),
        ["quantity"]),
    "catalogue product": (lambda data: ProductForm(data, supplier=None),
                          ["order_step", "pack_size", "max_per_member", "weight_kg_per_unit"]),
}


@pytest.mark.parametrize("what", FORMS)
def test_every_quantity_box_takes_a_decimal_comma(what):
    build, boxes = FORMS[what]
    form = build({box: "0,5" for box in boxes})
    form.is_valid()
    for box in boxes:
        assert isinstance(form.fields[box], DecimalInput), box
        assert box not in form.errors, (box, form.errors.get(box))
        assert form.cleaned_data[box] == Decimal("0.5"), box
        assert 'inputmode="decimal"' in str(form[box]), box


@pytest.mark.parametrize("what", FORMS)
def test_a_quantity_shows_again_with_a_comma(what):
    build, boxes = FORMS[what]
    form = build(None)
    for box in boxes:
        form.initial[box] = Decimal("2.500")
        assert 'value="2,5"' in str(form[box]), box


@pytest.mark.parametrize("what", FORMS)
def test_a_point_is_still_understood_and_words_are_refused(what):
    build, boxes = FORMS[what]
    form = build({box: "1.5" for box in boxes})
    form.is_valid()
    assert all(form.cleaned_data[box] == Decimal("1.5") for box in boxes)
    form = build({box: "un demi" for box in boxes})
    assert not form.is_valid() and all(box in form.errors for box in boxes)
