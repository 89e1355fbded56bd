from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class NotifyConfig(AppConfig):
    name = "grappe.notify"
    label = "notify"
    verbose_name = _("Notifications")
    personal_data = "grappe.notify.personal_data.sections"  # "Mes données" (grappe.members.personal_data)
    nav_items = [
        NavItem("notify:calls", _("Calls to make"), roles=frozenset({"admin", "coordinator", "volunteer"}),
                icon="📞", order=75),
        NavItem("notify:messages", _("Messages"), roles=frozenset({"admin", "coordinator"}), icon="✉️", order=74),
        NavItem("notify:settings", _("Reminders sent"), roles=frozenset({"admin"}), icon="🔔", order=76),
        NavItem("notify:preferences", _("My reminders"), roles=frozenset({"member"}), icon="🔔", order=80),
    ]

    def ready(self):
        from grappe.members.signals import member_erased

        from . import (
            kinds,  # noqa: F401 - registers the reminder kinds
            retired_stops,
        )
        from .services import forget_erased_member

        member_erased.connect(forget_erased_member, dispatch_uid="notify.forget_erased_member")
        retired_stops.register()  # the message to the members of the stops an adopted tour retires
