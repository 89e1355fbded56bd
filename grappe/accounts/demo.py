"""Demo data for the accounts: the association's credit limit (idempotent)."""

from decimal import Decimal

from grappe.accounts.models import AccountSettings
from grappe.network.models import Association


def load(stdout) -> list:
    association = Association.objects.filter(slug="vrac-drome").first()
    if association is None:
        return []
    AccountSettings.objects.get_or_create(association=association, defaults={"negative_limit": Decimal("20.00")})
    return []
