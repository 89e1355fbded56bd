from django import template
from django.utils import translation

from grappe.core.text import isolate

register = template.Library()


@register.filter
def member_price(price, member):
    """A cycle price for a member's category (printed forms)."""
    return price.price_for(member.category)


@register.filter
def dotted(value):
    """A Decimal for an <input type=number> value: 0.5, not 0,5 (browsers drop a comma there)."""
    if value in (None, ""):
        return ""
    return f"{value.normalize():f}"


@register.filter
def quantity(value, unit):
    """A quantity with its unit, agreeing in number: {{ line.quantity|quantity:line.unit }} -> "4 pièces"."""
    from grappe.orders.models import quantity_label

    label = quantity_label(value, unit)
    return isolate(label) if translation.get_language_bidi() else label  # "2,5 kg" stays whole in Arabic


@register.filter
def unit_for(unit, value):
    """The unit's name agreeing with a quantity: {{ price.unit|unit_for:2 }} -> "pièces"."""
    from grappe.orders.models import unit_word

    return unit_word(unit, value)


@register.filter
def plural_count(value):
    """The integer choosing a plural form for a Decimal quantity ({% blocktranslate count %})."""
    from grappe.orders.models import plural_count as count

    return count(value)


@register.filter
def day_at(moment):
    """A moment as a member reads it, in the page's language: "samedi 5 décembre à 10 h 07"."""
    from grappe.orders.states import moment_in_words

    return moment_in_words(moment)


@register.filter
def in_words(moment):
    """A moment as every page says it: {{ cycle.closes_at|in_words }} -> "mercredi 9 décembre à 18 h 45"."""
    from grappe.orders.states import moment_in_words

    return moment_in_words(moment) if moment else ""
