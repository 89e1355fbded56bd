"""What the distribution app asks of a user on the home page (grappe.core.tasks)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.tasks import Task, task_day, tasks_by_role
from grappe.orders.models import OrderCycle
from grappe.orders.queries import cycles_for

from .models import Basket, Distribution, RotaSlot
from .queries import distributions_for

AHEAD = datetime.timedelta(days=7)


def _coordinator_tasks(scope, today) -> list[Task]:
    tasks = []
    unprepared = (cycles_for(scope).filter(status__in=(OrderCycle.Status.ORDERED, OrderCycle.Status.RECEIVED))
                  .exclude(distributions__isnull=False))
    for cycle in unprepared:
        tasks.append(Task(_("Prepare the baskets of “%(cycle)s”.") % {"cycle": cycle.name},
                          reverse("distribution:list")))
    planned = (distributions_for(scope).filter(status=Distribution.Status.PLANNED, date__lte=today + AHEAD)
               .annotate(empty=Count("slots", filter=Q(slots__volunteer__isnull=True))))
    for distribution in planned:
        where = {"group": distribution.group.name, "day": task_day(distribution.date)}
        if distribution.date < today:
            tasks.append(Task(_("Close the distribution of %(group)s of %(day)s (cash count, baskets not "
                                "collected).") % where,
                              reverse("distribution:day", args=[distribution.pk]), urgent=True, when=distribution.date))
        elif distribution.empty:
            tasks.append(Task(ngettext("%(count)s rota slot without a volunteer: %(group)s, %(day)s.",
                                       "%(count)s rota slots without a volunteer: %(group)s, %(day)s.",
                                       distribution.empty) % {"count": distribution.empty, **where},
                              reverse("distribution:rota", args=[distribution.pk]), when=distribution.date))
    return tasks


def _volunteer_tasks(scope, today) -> list[Task]:
    slots = (RotaSlot.objects.filter(volunteer=scope.user, distribution__in=distributions_for(scope),
                                     distribution__status=Distribution.Status.PLANNED,
                                     distribution__date__gte=today, distribution__date__lte=today + AHEAD)
             .select_related("distribution__group"))
    tasks = []
    for slot in slots:
        distribution = slot.distribution
        where = {"task": slot.task, "group": distribution.group.name, "day": task_day(distribution.date)}
        if slot.starts_at and slot.ends_at:
            text = _("You are on the rota: %(task)s, %(group)s, %(day)s from %(start)s to %(end)s.") % {
                **where, "start": time_format(slot.starts_at, "H:i"), "end": time_format(slot.ends_at, "H:i")}
        else:
            text = _("You are on the rota: %(task)s, %(group)s, %(day)s.") % where
        tasks.append(Task(text, reverse("distribution:rota", args=[distribution.pk]), when=distribution.date))
    return tasks


def _member_tasks(member, today) -> list[Task]:
    baskets = (Basket.objects.filter(member=member, status=Basket.Status.WAITING,
                                     distribution__status=Distribution.Status.PLANNED,
                                     distribution__date__gte=today)
               .select_related("distribution"))
    return [Task(_("Your basket is waiting for you on %(day)s, %(place)s.") % {
        "day": task_day(basket.distribution.date), "place": basket.distribution.place},
        reverse("orders:basket", args=[basket.distribution.cycle_id]), when=basket.distribution.date)
        for basket in baskets]


home_tasks = tasks_by_role(coordinator=_coordinator_tasks, volunteer=_volunteer_tasks,
                            member=_member_tasks)
