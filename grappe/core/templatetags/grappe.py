from django import template

from grappe.core.money import format_euros, plain_number

register = template.Library()


@register.filter
def euros(value):
    """1234.5 -> "1 234,50 €"."""
    return "" if value in (None, "") else format_euros(value)


@register.filter
def plain(value):
    """70.00 -> "70"."""
    return "" if value in (None, "") else plain_number(value)


@register.filter
def of_kind(tasks, kind):
    """The home's tasks of one kind (core.tasks.Task.kind)."""
    return [task for task in tasks or () if getattr(task, "kind", "") == kind]
