from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class CatalogueConfig(AppConfig):
    name = "grappe.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")
    nav_items = [
        NavItem("catalogue:index", _("Catalogue"), icon="🧺", order=20),
        NavItem("catalogue:suppliers", _("Suppliers"), roles=frozenset({"admin", "coordinator"}), icon="🚚",
                order=60),
    ]
