""""Mes données": what each app keeps about a member, assembled from what each app declares.

An app names, in its AppConfig's `personal_data` attribute, a function `sections(member)` that returns
the `Section`s it keeps about that member (the apps above members hold the orders, baskets, payments,
account entries and reminders sent). The function is imported when the page is drawn, like the home
page's tasks (grappe.core.tasks), so members never imports the apps above it. Each section has human
column titles and rows for the screen and the PDF (dates in words, euros "5,00 €"), and machine values
under a machine key for the JSON export.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    key: str  # the JSON export's key
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]  # what people read: one tuple per row, as many cells as columns
    data: list[dict] = field(default_factory=list)  # the same facts as plain values, for the JSON export
    order: int = 50

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each row as (column title, cell) pairs: a list of facts on a phone."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


def day_in_words(value: datetime.date | datetime.datetime | None) -> str:
    """"11 décembre 2026" (a moment: its day in the local time zone); "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def sections_for(member) -> list[Section]:
    sections: list[Section] = []
    for config in apps.get_app_configs():
        path = getattr(config, "personal_data", None)
        if path:
            sections += import_string(path)(member)
    return sorted(sections, key=lambda section: section.order)
