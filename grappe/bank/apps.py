from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class BankConfig(AppConfig):
    name = "grappe.bank"
    label = "bank"
    verbose_name = _("Bank statements")
    # beside the accounts (order 45): statements name every group's members, so admins only
    nav_items = [NavItem("bank:index", _("Bank"), roles=frozenset({"admin"}), icon="🏦", order=46)]
