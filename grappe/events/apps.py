from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class EventsConfig(AppConfig):
    name = "grappe.events"
    label = "events"
    verbose_name = _("Events")
    nav_items = [
        NavItem("events:list", _("Events"), roles=frozenset({"admin", "coordinator", "volunteer", "member"}),
                icon="🎉", order=70),
    ]

    def ready(self):
        from . import retired_stops

        retired_stops.register()  # events at the van stops an adopted tour retires
