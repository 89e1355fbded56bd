"""Run one complete cycle through the real services and print one JSON object (counts, seconds,
margin, unexplained). It works inside a new association of its own: other data is left alone.

The cycle itself is grappe/accounts/simulation.py. This command lives in `bank`, the app allowed to
read both: by default the households who pay by transfer pay on the bank account, and the bank step
(grappe/bank/simulation.py) writes, imports and checks the CAMT.053 statement of their transfers
before the settlement; `--no-bank` pays them at the till, as before the bank import existed."""

import json

from django.core.management.base import BaseCommand

from grappe.accounts.simulation import simulate
from grappe.bank.simulation import bank_step


class Command(BaseCommand):
    help = ("Simulate one complete order cycle (orders to settlement, with transfers through a bank statement) "
            "in a new association; prints JSON.")

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=2)
        parser.add_argument("--households", type=int, default=40)
        parser.add_argument("--products", type=int, default=10)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--deferred-fees", type=int, default=0,
                            help="how many households (the first ones) join unpaid and pay the first fee at "
                                 "their checkout")
        parser.add_argument("--no-bank", action="store_true",
                            help="transfers paid at the till: no bank statement generated nor imported")
        parser.add_argument("--statement", default="",
                            help="also write the generated CAMT.053 statement to this file")

    def handle(self, *args, **options):
        step = None
        if not options["no_bank"]:
            def step(**kwargs):
                return bank_step(save_to=options["statement"] or None, **kwargs)
        result = simulate(groups=options["groups"], households=options["households"], products=options["products"],
                          seed=options["seed"], deferred_fees=options["deferred_fees"], bank_step=step)
        self.stdout.write(json.dumps(result))
