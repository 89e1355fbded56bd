from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from grappe.core.money import format_euros, plain_number

register = template.Library()


@register.filter
def euros(amount) -> str:
    return "" if amount is None else format_euros(amount)


@register.filter
def qty(value) -> str:
    """3 decimals at most, no trailing zeros, decimal comma: 0,5 · 25 · 1,25."""
    return "" if value is None else plain_number(value)


@register.filter
def per_unit(product) -> str:
    return {"kg": _("per kg"), "l": _("per litre"), "piece": _("per piece")}.get(product.unit, "")


@register.filter
def cents(amount) -> str:
    """0.82 -> « 82 c »: a share of one euro, for the "where your euro goes" sheet."""
    return _("%(cents)s c") % {"cents": int(Decimal(amount) * 100)}
