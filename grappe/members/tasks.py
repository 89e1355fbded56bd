"""What the members app asks of a coordinator on the home page (grappe.core.tasks)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from grappe.core.tasks import Task, tasks_by_role

from .queries import members_for


def coordinator_tasks(scope, today: datetime.date) -> list[Task]:
    members = members_for(scope)
    tasks = []
    waiting = members.waiting().count()
    if waiting:
        tasks.append(Task(ngettext("%(count)s household on the waiting list.",
                                   "%(count)s households on the waiting list.", waiting) % {"count": waiting},
                          reverse("members:quota")))
    to_review = members.active().filter(review_date__lt=today).count()
    if to_review:
        tasks.append(Task(ngettext("%(count)s household's situation is due for review.",
                                   "%(count)s households' situations are due for review.", to_review)
                          % {"count": to_review}, reverse("members:list") + "?revoir=1"))
    return tasks


home_tasks = tasks_by_role(coordinator=coordinator_tasks)
