from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "grappe.reports"
    label = "reports"
    verbose_name = _("Reports")
    nav_items = [NavItem("reports:dashboard", _("Reports"), roles=frozenset({"admin", "coordinator"}), icon="📊",
                         order=90)]
