"""Run one complete cycle through the real services and print one JSON object (counts, seconds,
margin, unexplained). It works inside a new association of its own: other data is left alone."""

import json

from django.core.management.base import BaseCommand

from grappe.accounts.simulation import simulate


class Command(BaseCommand):
    help = "Simulate one complete order cycle (orders to settlement) in a new association; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=2)
        parser.add_argument("--households", type=int, default=40)
        parser.add_argument("--products", type=int, default=10)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--deferred-fees", type=int, default=0,
                            help="how many households (the first ones) join unpaid and pay the first fee at "
                                 "their checkout")

    def handle(self, *args, **options):
        result = simulate(groups=options["groups"], households=options["households"], products=options["products"],
                          seed=options["seed"], deferred_fees=options["deferred_fees"])
        self.stdout.write(json.dumps(result))
