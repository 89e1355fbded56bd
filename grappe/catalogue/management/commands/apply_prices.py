"""Bring products in line with prices dated in the future that are now in force. Idempotent: run
it daily (cron or a systemd timer); the price at a date is always read from the history anyway."""

from django.core.management.base import BaseCommand

from grappe.catalogue.services import apply_due_prices


class Command(BaseCommand):
    help = "Apply the price changes whose date has come (idempotent)."

    def handle(self, *args, **options):
        changed = apply_due_prices()
        self.stdout.write(f"{changed} product(s) updated.")
