"""What the accounts app asks of a coordinator on the home page (grappe.core.tasks): once a cycle is
distributed, what comes next is the suppliers' invoices, then the settlement."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.tasks import Task, tasks_by_role
from grappe.orders.models import OrderCycle
from grappe.orders.queries import cycles_for


def _coordinator_tasks(scope, today) -> list[Task]:
    tasks = []
    distributed = (cycles_for(scope).filter(status=OrderCycle.Status.DISTRIBUTED)
                   .annotate(missing=Count("purchase_orders", filter=Q(purchase_orders__invoices__isnull=True),
                                           distinct=True)))
    for cycle in distributed:
        url = reverse("accounts:settlement", args=[cycle.pk])
        if cycle.missing:
            text = ngettext("“%(cycle)s” is distributed: record %(count)s supplier invoice, then settle the cycle.",
                            "“%(cycle)s” is distributed: record %(count)s supplier invoices, then settle the cycle.",
                            cycle.missing) % {"cycle": cycle.name, "count": cycle.missing}
        else:
            text = _("“%(cycle)s” is distributed and its invoices recorded: settle the cycle.") % {"cycle": cycle.name}
        tasks.append(Task(text, url))
    return tasks


home_tasks = tasks_by_role(coordinator=_coordinator_tasks)
