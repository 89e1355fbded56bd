from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class OrdersConfig(AppConfig):
    name = "grappe.orders"
    label = "orders"
    verbose_name = _("Orders")
    home_tasks = "grappe.orders.tasks.home_tasks"
    personal_data = "grappe.orders.personal_data.sections"  # "Mes données" (grappe.members.personal_data)
    nav_items = [
        NavItem("orders:my_orders", _("Order"), roles=frozenset({"member"}), icon="🛒", order=10),
        NavItem("orders:cycle_list", _("Orders"), roles=frozenset({"admin", "coordinator", "volunteer"}), icon="🛒",
                order=30),
        NavItem("orders:stock", _("Stock"), roles=frozenset({"admin", "coordinator", "volunteer"}), icon="📦", order=31),
    ]
