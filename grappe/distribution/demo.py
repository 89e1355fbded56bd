"""Demo data: the distribution of the demo's past closed cycle, with its rota (idempotent)."""

from decimal import Decimal

from grappe.distribution import services
from grappe.distribution.models import Distribution, DistributionSettings, RotaSlot
from grappe.network.models import Association
from grappe.orders.models import OrderCycle

TASKS = [("Installation", "16 h 30"), ("Pesée du vrac", "17 h"), ("Caisse", "17 h"), ("Rangement", "19 h")]


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
    for distribution in Distribution.objects.filter(cycle=cycle):
        for task, time in TASKS:
            RotaSlot.objects.get_or_create(distribution=distribution, task=task, time=time)
    stdout.write(f"distribution: {Distribution.objects.filter(cycle=cycle).count()} distributions for {cycle}\n")
    return []
