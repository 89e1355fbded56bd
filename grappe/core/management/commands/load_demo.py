"""Load the demo data of the Drôme network. Idempotent: running it twice changes nothing.

Each app may have a `demo` module with `load(stdout) -> None`; they run in INSTALLED_APPS order, so
groups exist before members, products before cycles. Logins are printed at the end.
"""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the Drôme demo network (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith("grappe.") or importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            with transaction.atomic():
                result = module.load(self.stdout)
            logins.extend(result or [])
        if logins:
            self.stdout.write("\nComptes de démonstration (mot de passe identique pour tous) :")
            for username, password, role in logins:
                self.stdout.write(f"  {role:<32} identifiant : {username:<14} mot de passe : {password}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
