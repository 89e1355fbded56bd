from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class ToursConfig(AppConfig):
    name = "grappe.tours"
    label = "tours"
    verbose_name = _("Tours")
    nav_items = [
        NavItem("tours:planner", _("VRAC mobile"), roles=frozenset({"admin", "coordinator"}), icon="🚐", order=60),
    ]
