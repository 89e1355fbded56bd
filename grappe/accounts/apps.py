from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class AccountsConfig(AppConfig):
    name = "grappe.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    home_tasks = "grappe.accounts.tasks.home_tasks"  # after a distribution: invoices, then the settlement
    personal_data = "grappe.accounts.personal_data.sections"  # "Mes données" (grappe.members.personal_data)
    nav_items = [
        NavItem("accounts:index", _("Accounts"), roles=frozenset({"admin", "coordinator"}), icon="📒", order=45),
        NavItem("accounts:mine", _("My account"), roles=frozenset({"member"}), icon="💶", order=35),
    ]
