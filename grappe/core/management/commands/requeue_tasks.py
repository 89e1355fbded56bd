"""Put back the tasks a killed worker left RUNNING (see grappe/core/jobs.py), and leave one heartbeat
task for the worker (grappe/core/health.py: the health page's proof that the worker runs tasks). Run
by a timer every minute; idempotent."""

from django.core.management.base import BaseCommand

from grappe.core.health import leave_heartbeat
from grappe.core.jobs import requeue_stale


class Command(BaseCommand):
    help = ("Re-queue tasks left RUNNING beyond their time limit (at most 3 attempts, then FAILED), and queue "
            "the worker's heartbeat task.")

    def handle(self, *args, **options):
        outcome = requeue_stale()
        if outcome.requeued or outcome.abandoned:
            self.stdout.write(f"requeued: {len(outcome.requeued)}, given up: {len(outcome.abandoned)}")
        leave_heartbeat()
