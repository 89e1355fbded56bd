"""Write one dated backup (database, uploaded files, manifest) and keep the newest N. Run daily by a timer:

    python manage.py backup --output /var/backups/grappe --keep 14

Prints the new file's path. See grappe/core/backup.py and docs/operations.md ("Backups")."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grappe.core import backup


class Command(BaseCommand):
    help = "Write one dated backup file (database, uploaded files, manifest) into a folder; keep the newest N."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=getattr(settings, "BACKUP_DIR", None) or None,
                            help="the folder of the backups (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=getattr(settings, "BACKUP_KEEP", None) or backup.DEFAULT_KEEP,
                            help="how many backups to keep in that folder, newest first (default: BACKUP_KEEP, or 14)")

    def handle(self, *args, **options):
        if not options["output"]:
            raise CommandError("Dites où écrire la sauvegarde\u00a0: --output DOSSIER (ou le réglage BACKUP_DIR).")
        if backup.journal_path() is None:
            self.stderr.write("Attention\u00a0: ni BACKUP_DIR ni BACKUP_JOURNAL ne sont réglés, les effacements de "
                              "membres ne sont pas journalisés\u00a0; une restauration ramènerait les personnes "
                              "effacées depuis la sauvegarde.")
        try:
            path = backup.make_backup(options["output"], keep=options["keep"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
