"""Restore a backup of `manage.py backup` into the configured database (DATABASE_URL) and MEDIA_ROOT:

    python manage.py restore /var/backups/grappe/grappe-20261203-020000.tar [--force]

Refuses a database that holds anything unless --force. Re-applies the erasures journalled after the
backup, then checks itself against the backup's manifest (migrations, row counts, every member's balance,
every settled cycle's settlement) and prints a JSON summary; exits with 1 on any difference."""

import json

from django.core.management.base import BaseCommand, CommandError

from grappe.core import backup


class Command(BaseCommand):
    help = "Restore a backup file into the configured database, re-apply later erasures, check it; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a grappe-YYYYmmdd-HHMMSS.tar file written by manage.py backup")
        parser.add_argument("--force", action="store_true",
                            help="replace the configured database even if it holds data")
        parser.add_argument("--journal", default=None,
                            help="the erasure journal (default: BACKUP_JOURNAL, BACKUP_DIR/erasures.jsonl, "
                                 "else erasures.jsonl beside the file)")

    def handle(self, *args, **options):
        try:
            summary = backup.restore(options["file"], force=options["force"], journal=options["journal"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(summary, indent=1, ensure_ascii=False))
        if not summary["ok"]:
            raise CommandError(f"La base restaurée diffère de la sauvegarde ({len(summary['differences'])} "
                               "différences, détail ci-dessus).", returncode=1)
