from decimal import Decimal

from django import template

from grappe.core.money import french_number

register = template.Library()


@register.filter
def hm(minutes) -> str:
    """Minutes after midnight (or a duration) as '9 h 05'."""
    if minutes is None or minutes == "":
        return ""
    minutes = int(minutes)
    return f"{minutes // 60} h {minutes % 60:02d}"


@register.filter
def percent(value, digits=0) -> str:
    """A share as a French percentage: 0.125 -> '12,5 %' (digits=1); floats come from the planner."""
    if value is None:
        return ""
    return french_number(100 * Decimal(str(value)), int(digits)) + "\u00a0%"


@register.filter
def number(value, digits=1) -> str:
    """A French decimal: 12,5."""
    if value is None or value == "":
        return "—"
    return french_number(Decimal(str(value)), int(digits))


@register.filter
def need_class(score) -> str:
    """A shade from 0 to 4 for a need score between 0 and 1."""
    return f"need-{min(4, int(float(score) * 5))}"


@register.simple_tag
def pick(form, names):
    """The bound fields of a form named in a space-separated string."""
    return [form[name] for name in names.split()]


@register.filter
def cells_of(row, columns):
    return row.cells(columns)
