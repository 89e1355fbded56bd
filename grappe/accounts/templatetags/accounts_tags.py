"""What the accounts app adds to pages of the apps below it (the distribution day)."""

from django import template

from grappe.accounts import services

register = template.Library()


@register.inclusion_tag("accounts/_cash_count_alerts.html")
def cash_count_alerts(distribution):
    """The cash counts of `distribution` that no longer match the records (a payment they counted
    was reversed afterwards, or the takings changed): they must be counted again."""
    return {"distribution": distribution, "stale": services.stale_cash_counts(distribution)}
