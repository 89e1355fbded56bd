"""Demo data: the distribution of the demo's past closed cycle, with its rota (idempotent)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from grappe.distribution import services
from grappe.distribution.models import Distribution, DistributionSettings, RotaSlot
from grappe.network.models import Association
from grappe.orders.models import OrderCycle

TASKS = [("Installation", dt.time(16, 30), dt.time(17, 0)), ("Pesée du vrac", dt.time(17, 0), dt.time(19, 0)),
         ("Caisse", dt.time(17, 0), dt.time(19, 0)), ("Rangement", dt.time(19, 0), dt.time(19, 30))]


def load(stdout) -> list:
    association = Association.objects.filter(slug="vrac-drome").first()
    if association is None:
        stdout.write("distribution: no demo association, skipped\n")
        return []
    DistributionSettings.objects.get_or_create(association=association,
                                               defaults={"weighing_tolerance_percent": Decimal("10")})
    cycle = (OrderCycle.objects.filter(association=association, status__in=services.READY)
             .order_by("-closes_at").first())
    if cycle is None:
        stdout.write("distribution: no closed demo cycle, skipped\n")
        return []
    if not Distribution.objects.filter(cycle=cycle).exists():
        services.create_distributions(cycle=cycle, by=None)
    volunteer = get_user_model().objects.filter(username="benevole").first()
    for distribution in Distribution.objects.filter(cycle=cycle):
        for task, starts_at, ends_at in TASKS:
            slot, created = RotaSlot.objects.get_or_create(distribution=distribution, task=task,
                                                           defaults={"starts_at": starts_at, "ends_at": ends_at})
            if created and volunteer is not None and task == "Pesée du vrac":  # one slot filled, for the reports
                RotaSlot.objects.filter(pk=slot.pk).update(volunteer=volunteer)
    stdout.write(f"distribution: {Distribution.objects.filter(cycle=cycle).count()} distributions for {cycle}\n")
    return []
