"""The form field of every number, and the model field that never stores a broken Decimal."""

from decimal import Decimal as D

import pytest
from django import forms
from django.apps import apps
from django.db import DataError, models, transaction
from django.utils import translation

from grappe.core.fields import AmountField, DecimalInput, FiniteDecimalField, QuantityField


class Entry(forms.Form):
    quantity = QuantityField()
    amount = AmountField(min_value=D("-1000"), required=False)


@pytest.mark.parametrize("typed, expected", [("2,5", D("2.5")), ("2.5", D("2.5")), (" 1 234,5 ", D("1234.5")),
                                             ("0", D("0"))])
def test_the_field_reads_french_and_english_decimals(typed, expected):
    form = Entry({"quantity": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == expected


@pytest.mark.parametrize("typed, message", [
    ("NaN", "Écrivez un nombre"), ("Infinity", "Écrivez un nombre"), ("1e30", "Écrivez un nombre"),
    ("2.0000000001", "3 décimales au plus"), ("99999999999999999999", "99999,999 au plus"),
    ("٣", "chiffres 0 à 9"), ("３", "chiffres 0 à 9"), ("-1", "0 au moins"),
])
def test_the_field_refuses_in_french_what_broke_pages(typed, message):
    with translation.override("fr"):
        form = Entry({"quantity": typed})
        assert not form.is_valid()
        assert message in form.errors["quantity"][0]


def test_a_refused_form_shows_back_what_was_typed():
    form = Entry({"quantity": "2,0000000001", "amount": "-12,50"})
    assert 'value="2,0000000001"' in str(form["quantity"])
    assert 'value="-12,50"' in str(form["amount"])


def test_every_decimal_column_of_grappe_is_guarded():
    plain = [f"{model.__name__}.{field.name}" for model in apps.get_models() if model.__module__.startswith("grappe.")
             for field in model._meta.get_fields()
             if isinstance(field, models.DecimalField) and not isinstance(field, FiniteDecimalField)]
    assert plain == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity"), D("1e30"), D("99999999999999999999")])
def test_the_model_never_saves_a_non_finite_or_oversized_decimal(world, value):
    from grappe.orders.models import StockItem
    from grappe.orders.tests.factories import make_cycle

    shop = make_cycle(world)
    item = StockItem.objects.create(group=world.group, product=shop.oil, quantity=D("3"))
    with pytest.raises(DataError), transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(quantity=value)
    item.quantity = value
    with pytest.raises(DataError), transaction.atomic():
        item.save()
    item.refresh_from_db()
    assert item.quantity == D("3")


@pytest.mark.django_db
def test_the_model_rounds_extra_decimals_as_postgresql_does(world):
    from grappe.orders.models import StockItem
    from grappe.orders.tests.factories import make_cycle

    shop = make_cycle(world)
    item = StockItem.objects.create(group=world.group, product=shop.oil, quantity=D("2.0000000001"))
    item.refresh_from_db()
    assert item.quantity == D("2.000")


def test_model_forms_get_the_bounded_field():
    from grappe.catalogue.forms import ProductForm, SupplierForm

    checked = 0
    for form_class in (ProductForm, SupplierForm):
        model = form_class._meta.model
        for name, field in form_class.base_fields.items():
            if isinstance(getattr(model, name, None) and model._meta.get_field(name), models.DecimalField):
                assert isinstance(field, DecimalInput), name
                checked += 1
    assert checked >= 3
