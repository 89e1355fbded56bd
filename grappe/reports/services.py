"""Writes of the reports app: the association's own words for a funder report."""

import datetime

from django.db import transaction

from .indicators import Period
from .models import TEXT_MAX, FunderText


@transaction.atomic
def save_funder_text(*, association, scope_key: str, period: Period, text: str, by,
                     now: datetime.datetime) -> FunderText:
    """The context an association admin writes for one report (scope and period), replacing the last one.
    At most TEXT_MAX characters (the form says so first)."""
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise ValueError(f"a funder text has at most {TEXT_MAX} characters")
    saved, _created = FunderText.objects.update_or_create(
        association=association, scope_key=scope_key, start=period.start, end=period.end,
        defaults={"text": text, "updated_by": by, "updated_at": now})
    return saved
