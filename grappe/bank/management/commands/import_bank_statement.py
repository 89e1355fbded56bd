"""Import one bank statement for scripts and cron; prints one JSON line of counts.

"matched": the file's lines that have a match (proposed or confirmed); "unmatched": those with none
(ignored lines are in neither). With --confirm, the sure matches are booked (matching.propose)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grappe.bank import services
from grappe.bank.models import BankAccount, BankTransaction
from grappe.bank.statements import FORMATS, CsvMapping, StatementError, fingerprints, parse
from grappe.network.models import Association


class Command(BaseCommand):
    help = "Import a bank statement (CAMT.053, OFX, CFONB 120, CSV) into an association's account; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--association", required=True, help="the association's slug")
        parser.add_argument("--account", default="", help="the bank account's name (needed when it has several; "
                                                          "created when the association has none)")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--confirm", action="store_true", help="book the matches Grappe is sure of")

    def handle(self, *args, **options):
        association = Association.objects.filter(slug=options["association"]).first()
        if association is None:
            raise CommandError(f"no association {options['association']!r}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            account = self._account(association, options["account"])
            mapping = CsvMapping(**account.csv_mapping) if account.csv_mapping else None
            try:
                statement = parse(data, options["format"], csv_mapping=mapping)
            except StatementError as error:
                raise CommandError(str(error)) from None
            record = services.import_statement(account=account, statement=statement, file_name=path.name, by=None)
            lines = list(BankTransaction.objects.filter(account=account, fingerprint__in=fingerprints(statement.lines)))
            if options["confirm"]:
                services.confirm_sure(lines=lines, by=None)
                lines = list(BankTransaction.objects.filter(pk__in=[line.pk for line in lines]))
        statuses = [line.status for line in lines]
        matched = sum(s in (BankTransaction.Status.PROPOSED, BankTransaction.Status.CONFIRMED) for s in statuses)
        self.stdout.write(json.dumps({
            "format": record.format, "transactions": record.transactions, "new": record.new,
            "already_imported": record.already_imported, "matched": matched,
            "unmatched": statuses.count(BankTransaction.Status.UNMATCHED)}))

    def _account(self, association, name):
        accounts = BankAccount.objects.filter(association=association)
        if name:
            account, _ = BankAccount.objects.get_or_create(association=association, name=name)
            return account
        count = accounts.count()
        if count == 1:
            return accounts.get()
        if count == 0:
            return BankAccount.objects.create(association=association, name="Compte courant")
        raise CommandError("the association has several bank accounts: say which with --account")
