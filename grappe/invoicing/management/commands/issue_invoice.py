"""Issue an invoice for a member's baskets of a period (for scripts; people use /factures/), and write its Factur-X.

    manage.py issue_invoice --association SLUG --member NUMBER --from 2026-11-01 --to 2026-11-30 \
        --by USERNAME [--address "..."] [--siret 14 digits] [--service-code CODE] [--out FILE.pdf]

Prints one JSON line: {"invoice": "F-2026-0007", "lines": N, "total": "182.40", "file": ...}.
"""

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from grappe.core.errors import DomainError
from grappe.members.models import Member
from grappe.network.models import Association

from ... import services
from ...documents import invoice_facturx


class Command(BaseCommand):
    help = "Issue a numbered invoice for a member's baskets of a period; write it as Factur-X."

    def add_arguments(self, parser):
        parser.add_argument("--association", required=True)
        parser.add_argument("--member", required=True, type=int, help="member number")
        parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
        parser.add_argument("--by", required=True, help="the staff user's username")
        parser.add_argument("--address", default="")
        parser.add_argument("--siret", default="")
        parser.add_argument("--service-code", default="")
        parser.add_argument("--out", default="", help="write the Factur-X PDF there")

    def handle(self, *args, **options):
        try:
            association = Association.objects.get(slug=options["association"])
            member = Member.objects.get(association=association, number=options["member"])
            user = get_user_model().objects.get(username=options["by"])
        except (Association.DoesNotExist, Member.DoesNotExist, get_user_model().DoesNotExist) as error:
            raise CommandError(str(error)) from error
        lines = services.basket_lines(member=member, start=options["start"], end=options["end"])
        buyer = services.buyer_of(member, address=options["address"], siret=options["siret"],
                                  service_code=options["service_code"])
        try:
            invoice = services.issue_invoice(association=association, member=member, buyer=buyer, lines=lines,
                                             by=user)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if options["out"]:
            with open(options["out"], "wb") as out:
                out.write(invoice_facturx(invoice))
        self.stdout.write(json.dumps({"invoice": invoice.reference, "lines": len(lines),
                                      "total": str(invoice.total_gross), "file": options["out"] or None}))
