from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """Every `migrate` also creates the shared cache's table (settings.CACHES), if missing:
    one command to install or upgrade, nothing to forget."""
    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class CoreConfig(AppConfig):
    name = "grappe.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="grappe.core.create_cache_table")
