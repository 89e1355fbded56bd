from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class NetworkConfig(AppConfig):
    name = "grappe.network"
    label = "network"
    verbose_name = _("Network")
    nav_items = [
        NavItem("network:overview", _("Network"), roles=frozenset({"admin", "coordinator", "volunteer"}), icon="🏘", order=10),
        NavItem("network:team", _("Team"), roles=frozenset({"admin"}), icon="🙋", order=11),
    ]
