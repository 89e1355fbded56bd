"""What the orders app asks of a user on the home page (grappe.core.tasks)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.tasks import Task, task_day, tasks_by_role

from .models import OrderCycle, OrderLine, PurchaseOrder
from .queries import cycles_for, open_cycles_for_member, when_and_where
from .states import moment_in_words

SOON = datetime.timedelta(days=3)


def _names(purchase_orders, shown: int = 3) -> str:
    names = [po.supplier.name for po in purchase_orders]
    return ", ".join(names[:shown]) + ("…" if len(names) > shown else "")


def _coordinator_tasks(scope, today) -> list[Task]:
    tasks = []
    Status = OrderCycle.Status
    for cycle in cycles_for(scope).filter(status__in=(Status.DRAFT, Status.OPEN, Status.CLOSED)):
        detail = reverse("orders:cycle_detail", args=[cycle.pk])
        if cycle.status == Status.DRAFT:
            tasks.append(Task(_("“%(cycle)s” is a draft: check it and open it to orders.") % {"cycle": cycle.name},
                              detail, when=cycle.opens_at.date()))
        elif cycle.status == Status.CLOSED:
            tasks.append(Task(_("“%(cycle)s” is closed: check the packs and confirm the purchase orders.")
                              % {"cycle": cycle.name}, reverse("orders:review", args=[cycle.pk]), urgent=True))
        elif (closes := timezone.localdate(cycle.closes_at)) <= today + SOON:
            tasks.append(Task(_("“%(cycle)s”: orders close on %(day)s.") % {"cycle": cycle.name, "day": task_day(closes)},
                              detail, when=closes))
    orders = (PurchaseOrder.objects.filter(cycle__in=cycles_for(scope), cycle__status__in=(Status.ORDERED, Status.RECEIVED))
              .exclude(status=PurchaseOrder.Status.RECEIVED).select_related("cycle", "supplier")
              .order_by("cycle_id", "supplier__name"))
    to_send, to_receive = defaultdict(list), defaultdict(list)
    for po in orders:
        if po.status == PurchaseOrder.Status.DRAFT:
            if po.sending not in (PurchaseOrder.Sending.QUEUED, PurchaseOrder.Sending.SENDING):  # not asked twice
                to_send[po.cycle].append(po)
        elif po.delivery_date and po.delivery_date <= today:
            to_receive[po.cycle].append(po)
    for cycle, pos in to_send.items():  # one line per cycle, not one per supplier
        tasks.append(Task(ngettext("Send the purchase order of “%(cycle)s” (%(suppliers)s).",
                                   "Send the %(count)s purchase orders of “%(cycle)s” (%(suppliers)s).", len(pos))
                          % {"count": len(pos), "cycle": cycle.name, "suppliers": _names(pos)},
                          reverse("orders:purchase_orders", args=[cycle.pk]), urgent=True,
                          when=min((po.delivery_date for po in pos if po.delivery_date), default=None)))
    for cycle, pos in to_receive.items():
        url = (reverse("orders:receipt", args=[pos[0].pk]) if len(pos) == 1
               else reverse("orders:purchase_orders", args=[cycle.pk]))
        tasks.append(Task(ngettext("Record what was delivered for “%(cycle)s” (%(suppliers)s).",
                                   "Record the %(count)s deliveries of “%(cycle)s” (%(suppliers)s).", len(pos))
                          % {"count": len(pos), "cycle": cycle.name, "suppliers": _names(pos)},
                          url, urgent=True, when=min(po.delivery_date for po in pos)))
    return tasks


def _member_tasks(member, today) -> list[Task]:
    """A cycle opening later (when); an open cycle not ordered in yet; and, once ordered, when and where the basket is collected
    (from the schedule, as the basket says it), until the distribution app has the basket ready."""
    tasks = []
    ordered = set(OrderLine.objects.filter(order__member=member, quantity__gt=0).values_list("cycle_id", flat=True))
    for cycle in open_cycles_for_member(member):
        when = when_and_where(cycle, member.group_id, member.stop_id)
        url = reverse("orders:basket", args=[cycle.pk])
        if cycle.state.code == "scheduled":  # opened ahead of its time: members wait for it
            tasks.append(Task(_("Orders open on %(moment)s: come back then to fill in your basket.")
                              % {"moment": moment_in_words(cycle.opens_at)}, url,
                              when=timezone.localdate(cycle.opens_at)))
        elif cycle.pk not in ordered:
            closes = timezone.localdate(cycle.closes_at)
            text = _("Orders are open until %(day)s: fill your basket.") % {"day": task_day(closes)}
            if when is not None:
                text += " " + _("Distribution: %(when)s.") % {"when": when.sentence}
            tasks.append(Task(text, url, when=closes, kind="distribution" if when else ""))
        elif when is not None and when.day >= today:
            tasks.append(Task(_("Your basket will be ready on %(when)s.") % {"when": when.sentence}, url,
                              when=when.day, kind="distribution"))
    return tasks


home_tasks = tasks_by_role(coordinator=_coordinator_tasks, member=_member_tasks)
