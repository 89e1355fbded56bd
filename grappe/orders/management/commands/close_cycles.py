"""Close the order cycles whose deadline has passed (run from cron; idempotent)."""

from django.core.management.base import BaseCommand

from grappe.orders.services import close_due_cycles


class Command(BaseCommand):
    help = "Close every open order cycle whose deadline has passed (safe to run every minute)."

    def handle(self, *args, **options):
        closed = close_due_cycles()
        for cycle in closed:
            self.stdout.write(f"closed: {cycle.pk} {cycle.name}")
        self.stdout.write(f"{len(closed)} cycle(s) closed.")
