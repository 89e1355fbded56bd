from django import template

register = template.Library()


@register.filter
def member_price(price, member):
    """A cycle price for a member's category (printed forms)."""
    return price.price_for(member.category)
