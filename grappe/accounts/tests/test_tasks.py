"""After a distribution, the home's "À faire" says what comes next: the suppliers' invoices, then the settlement."""

import datetime
from decimal import Decimal as D

import pytest

from grappe.accounts.models import SupplierInvoice
from grappe.core.tasks import tasks_for
from grappe.distribution.tests.factories import make_day
from grappe.network.access import scope_for
from grappe.orders.models import OrderCycle, PurchaseOrder

pytestmark = pytest.mark.django_db


def texts(user, today):
    user.__dict__.pop("_grappe_scope", None)
    return [task.text for task in tasks_for(scope_for(user), today)[0]]


def test_a_distributed_cycle_asks_for_its_invoices_then_its_settlement(world):
    day = make_day(world)
    today = day.day.date + datetime.timedelta(days=1)
    name = day.cycle.name
    assert not any(name in text and "solder" in text for text in texts(world.coordinator, today))
    OrderCycle.objects.filter(pk=day.cycle.pk).update(status=OrderCycle.Status.DISTRIBUTED)
    orders = list(PurchaseOrder.objects.filter(cycle=day.cycle))
    count = len(orders)
    assert count >= 2
    wanted = f"« {name} » est distribuée\u00a0: saisir {count} factures fournisseurs, puis solder la commande."
    assert wanted in texts(world.coordinator, today)
    for po in orders:
        SupplierInvoice.objects.create(purchase_order=po, number=f"F{po.pk}", date=today, amount=D("10.00"))
    assert f"« {name} » est distribuée et ses factures saisies\u00a0: solder la commande." in texts(world.coordinator, today)
    assert not any(name in text for text in texts(world.volunteer, today))
    OrderCycle.objects.filter(pk=day.cycle.pk).update(status=OrderCycle.Status.SETTLED)
    assert not any("solder" in text for text in texts(world.coordinator, today))
