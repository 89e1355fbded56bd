"""Put back the tasks a killed worker left RUNNING (see grappe/core/jobs.py). Run by a timer; idempotent."""

from django.core.management.base import BaseCommand

from grappe.core.jobs import requeue_stale


class Command(BaseCommand):
    help = "Re-queue tasks left RUNNING beyond their time limit (at most 3 attempts, then FAILED)."

    def handle(self, *args, **options):
        outcome = requeue_stale()
        if outcome.requeued or outcome.abandoned:
            self.stdout.write(f"requeued: {len(outcome.requeued)}, given up: {len(outcome.abandoned)}")
