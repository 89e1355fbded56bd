"""Writes of the reports app: the association's own words for a funder report."""

import datetime

from django.db import transaction

from .indicators import Period
from .models import FunderText


@transaction.atomic
def save_funder_text(*, association, scope_key: str, period: Period, text: str, by,
                     now: datetime.datetime) -> FunderText:
    """The context an association admin writes for one report (scope and period), replacing the last one."""
    saved, _created = FunderText.objects.update_or_create(
        association=association, scope_key=scope_key, start=period.start, end=period.end,
        defaults={"text": text.strip(), "updated_by": by, "updated_at": now})
    return saved
