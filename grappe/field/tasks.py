"""What the field app asks of a user on the home page (grappe.core.tasks)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.tasks import Task, task_day, tasks_by_role

from . import queries


def _coordinator_tasks(scope, today) -> list[Task]:
    count = queries.refused_for(scope).count()
    if not count:
        return []
    return [Task(ngettext("%(count)s refused entry from the field to handle.",
                          "%(count)s refused entries from the field to handle.", count) % {"count": count},
                 reverse("field:refused"), urgent=True)]


def _volunteer_tasks(scope, today) -> list[Task]:
    """A van's tour day today or tomorrow that no device was prepared for yet."""
    tasks = []
    for row in queries.coming_days(scope, today):
        if row["day"] > today + datetime.timedelta(days=1) or row["devices"]:
            continue
        tasks.append(Task(_("Prepare the tour day of %(group)s of %(day)s for the road.") % {
            "group": row["group"].name, "day": task_day(row["day"])}, reverse("field:index"), when=row["day"]))
    return tasks


home_tasks = tasks_by_role(coordinator=_coordinator_tasks, volunteer=_volunteer_tasks)
