"""In a right-to-left language, amounts and quantities stay whole ("-17,75 €", not "€ 17,75-"); in French
nothing changes."""

from decimal import Decimal as D

from django.template import Context, Template
from django.utils import translation

from grappe.core.text import FSI, PDI, isolate

AMOUNT = Template("{% load grappe orders_tags %}{{ amount|euros }}|{{ q|quantity:'kg' }}")


def test_amounts_and_quantities_are_isolated_in_arabic_only():
    context = Context({"amount": D("-17.75"), "q": D("2.5")})
    with translation.override("ar"):
        amount, quantity = AMOUNT.render(context).split("|")
    assert amount.startswith(FSI) and amount.endswith(PDI) and "17,75" in amount
    assert quantity.startswith(FSI) and quantity.endswith(PDI)
    with translation.override("fr"):
        amount, quantity = AMOUNT.render(context).split("|")
    assert FSI not in amount + quantity and amount.endswith("€")


def test_isolate_leaves_nothing_around_an_empty_text():
    assert isolate("") == "" and isolate("4 €") == f"{FSI}4 €{PDI}"
