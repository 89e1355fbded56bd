from django import template
from django.utils import translation

from grappe.core.member_facing import LANGUAGE_NAMES
from grappe.core.money import format_euros, plain_number
from grappe.core.text import isolate

register = template.Library()


@register.filter
def euros(value):
    """1234.5 -> "1 234,50 €"."""
    if value in (None, ""):
        return ""
    return isolate(format_euros(value)) if translation.get_language_bidi() else format_euros(value)


@register.filter
def plain(value):
    """70.00 -> "70"."""
    return "" if value in (None, "") else plain_number(value)


@register.simple_tag
def colon():
    """« : » as the page's language writes it after a label: "Total{% colon %} 5 €" is "Total : 5 €" with a
    non-breaking space in French, "Total: 5 €" in the other languages."""
    return "\u00a0:" if (translation.get_language() or "").startswith("fr") else ":"


@register.filter
def of_kind(tasks, kind):
    """The home's tasks of one kind (core.tasks.Task.kind)."""
    return [task for task in tasks or () if getattr(task, "kind", "") == kind]


@register.simple_tag(takes_context=True)
def language_choices(context):
    """The languages the footer switch offers, each named in itself: those the middleware
    (grappe.members.language) allows this person, else every language."""
    request = context.get("request")
    return getattr(request, "offered_languages", None) or list(LANGUAGE_NAMES.items())
