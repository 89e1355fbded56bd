from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grappe.core.navigation import NavItem


class MembersConfig(AppConfig):
    name = "grappe.members"
    label = "members"
    verbose_name = _("Members")
    home_tasks = "grappe.members.tasks.home_tasks"
    personal_data = "grappe.members.queries.membership_sections"  # "Mes données" (members.personal_data)
    nav_items = [
        NavItem("members:list", _("Members"), roles=frozenset({"admin", "coordinator", "volunteer"}), icon="👥", order=20),
        NavItem("members:quota", _("Quota"), roles=frozenset({"admin", "coordinator"}), icon="⚖", order=21),
        NavItem("members:referrals", _("Referrals"), roles=frozenset({"admin", "coordinator", "referrer"}), icon="🤝", order=22),
        NavItem("members:my_data", _("My data"), roles=frozenset({"member"}), icon="🔒", order=90),
    ]

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .language import remember_on_sign_in

        # Not a business flow: it keeps the reader's language in the session written at sign-in anyway.
        user_logged_in.connect(remember_on_sign_in, dispatch_uid="grappe.members.language")
