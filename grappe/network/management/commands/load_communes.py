from pathlib import Path

from django.core.management.base import BaseCommand

from grappe.network.communes import load_communes


class Command(BaseCommand):
    help = "Load the communes of shared/data/drome_communes.csv (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=None)

    def handle(self, *args, **options):
        count = load_communes(options["file"])
        self.stdout.write(f"{count} communes chargées.")
