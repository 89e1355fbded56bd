"""Send the reminders that are due. Idempotent: run it from cron as often as you like (hourly).

    */30 8-19 * * *  cd /srv/grappe && .venv/bin/python manage.py send_reminders

Outside NOTIFY_HOURS (9h to 20h by default) it sends nothing, so nobody gets an SMS at night;
--any-hour overrides. --dry-run prints what would be sent and writes nothing. A coordinator's message
whose time has come (its task did not send it) goes at any run: its own time already follows the quiet
hours (grappe/notify/quiet.py), so run this every 30 minutes all day.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from grappe.core.health import REMINDERS, beat
from grappe.notify.engine import send_due
from grappe.notify.reminders import REGISTRY
from grappe.notify.services import deliver_due_messages


class Command(BaseCommand):
    help = "Send the reminders that are due (SMS, e-mail, or the list of calls to make). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
        parser.add_argument("--kind", action="append", choices=sorted(REGISTRY), help="only this kind (repeatable)")
        parser.add_argument("--any-hour", action="store_true", help="send even outside NOTIFY_HOURS")

    def handle(self, *args, **options):
        now = timezone.now()
        start, end = getattr(settings, "NOTIFY_HOURS", (9, 20))
        local_hour = timezone.localtime(now).hour
        if not options["dry_run"]:
            messages = deliver_due_messages(now=now)
            if messages:
                self.stdout.write(f"Coordinators' messages sent: {messages}")
        if not options["any_hour"] and not options["dry_run"] and not start <= local_hour < end:
            self.stdout.write(f"Outside sending hours ({start}h-{end}h): nothing sent.")
            beat(REMINDERS, now=now)  # a run all the same: the health page's "last reminders run"
            return
        unknown = set(options["kind"] or ()) - set(REGISTRY)
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        summary = send_due(now, kinds=options["kind"], dry_run=options["dry_run"])
        for line in summary.lines:
            self.stdout.write(line)
        counts = ", ".join(f"{key}: {value}" for key, value in sorted(summary.counts.items())) or "nothing due"
        self.stdout.write(("[dry run] " if options["dry_run"] else "") + counts)
        if not options["dry_run"]:
            beat(REMINDERS, now=now)
