""""To do" on the home page, assembled from what each app declares on its AppConfig.

An app lists what needs doing now for a user in its own `home_tasks(scope, today)` function,
named by a dotted path in `AppConfig.home_tasks` (imported when the home page is drawn, so apps
stay free to import their models); `tasks_by_role` makes that function from the app's rules for
coordinators, volunteers and members. Urgent tasks (something late, or blocking the next step)
come first, then by date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string

MAX_TASKS = 8


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    urgent: bool = False
    when: datetime.date | None = None
    kind: str = ""  # "distribution": says when and where the member's next basket is collected


def task_day(value: datetime.date) -> str:
    """A day as the tasks say it: "mardi 3 décembre"."""
    return date_format(value, "l j F")


Rules = Callable[..., list[Task]]


def tasks_by_role(*, coordinator: Rules | None = None, volunteer: Rules | None = None,
                  member: Rules | None = None) -> Callable[..., list[Task]]:
    """An app's `home_tasks(scope, today)` from its rules for each role: `coordinator(scope, today)`
    for a coordinator, `volunteer(scope, today)` for anyone of the team (staff), and
    `member(member, today)` for a user who is a member; a user with several roles gets them all."""

    def home_tasks(scope, today: datetime.date) -> list[Task]:
        tasks = []
        if coordinator and scope.is_coordinator:
            tasks += coordinator(scope, today)
        if volunteer and scope.is_staff:
            tasks += volunteer(scope, today)
        if member and scope.member is not None:
            tasks += member(scope.member, today)
        return tasks

    return home_tasks


def tasks_for(scope, today: datetime.date | None = None) -> tuple[list[Task], int]:
    """The user's tasks, most pressing first, at most MAX_TASKS; and how many there are in all."""
    if scope.association is None:
        return [], 0
    today = today or timezone.localdate()
    found: list[Task] = []
    for config in apps.get_app_configs():
        path = getattr(config, "home_tasks", None)
        if path:
            found.extend(import_string(path)(scope, today))
    found.sort(key=lambda task: (not task.urgent, task.when or datetime.date.max, task.text))
    return found[:MAX_TASKS], len(found)
