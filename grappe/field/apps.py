from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """The van's offline tour day: devices prepared for the road, the entries they send back."""

    name = "grappe.field"
    label = "field"
    verbose_name = _("Tour day in the field")
    home_tasks = "grappe.field.tasks.home_tasks"

    def ready(self):
        from grappe.members.signals import member_erased

        from .services import forget_erased_member

        member_erased.connect(forget_erased_member, dispatch_uid="field.forget_erased_member")
