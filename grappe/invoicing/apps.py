from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class InvoicingConfig(AppConfig):
    name = "grappe.invoicing"
    label = "invoicing"
    verbose_name = _("Invoices")
    member_links = "grappe.invoicing.links.member_links"  # on the member's page (grappe.members.links)
    nav_items = [
        NavItem("invoicing:list", _("Invoices"), roles=frozenset({"admin", "coordinator"}), icon="🧾", order=46),
    ]
