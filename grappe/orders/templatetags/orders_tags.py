from django import template

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
