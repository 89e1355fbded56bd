from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class DistributionConfig(AppConfig):
    name = "grappe.distribution"
    label = "distribution"
    verbose_name = _("Distribution")
    home_tasks = "grappe.distribution.tasks.home_tasks"
    personal_data = "grappe.distribution.personal_data.sections"  # "Mes données" (grappe.members.personal_data)
    nav_items = [
        NavItem("distribution:list", _("Distribution"), roles=frozenset({"admin", "coordinator", "volunteer"}),
                icon="🧺", order=40),
    ]

    def ready(self):
        # In ready(): the services import the models, which are not loaded when this module is.
        from grappe.orders.signals import allotment_changed, schedule_changed

        from .services import follow_allotment, follow_schedule

        schedule_changed.connect(follow_schedule, dispatch_uid="distribution.follow_schedule")
        allotment_changed.connect(follow_allotment, dispatch_uid="distribution.follow_allotment")
