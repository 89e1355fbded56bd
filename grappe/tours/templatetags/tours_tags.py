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


def clock(minutes: int) -> str:
    """Minutes after midnight as the page's language writes an hour: "9 h 30", "11 h" in French
    (non-breaking spaces), "9:30", "11:00" in the others."""
    from django.utils import translation

    hour, minute = divmod(int(minutes), 60)
    if (translation.get_language() or "").startswith("fr"):
        return f"{hour}\u00a0h" + (f"\u00a0{minute:02d}" if minute else "")
    return f"{hour}:{minute:02d}"


@register.filter
def visit_hours(visit) -> str:
    """A visit's hours (tours.visits.Visit): "9 h 30 – 11 h", a cycle's words when they are not hours, or ""."""
    from django.utils import translation

    from grappe.core.text import isolate

    if visit.time_text:
        return visit.time_text
    if visit.arrival is None:
        return ""
    text = clock(visit.arrival)
    if visit.departure is not None:
        text += "\u00a0– " + clock(visit.departure)
    return isolate(text) if translation.get_language_bidi() else text


@register.filter
def tel(phone) -> str:
    """A phone number for a tel: link: digits and a leading +."""
    text = str(phone or "")
    return ("+" if text.strip().startswith("+") else "") + "".join(ch for ch in text if ch.isdigit())
