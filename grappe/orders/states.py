"""A cycle's state as people read it, the same on every page (issue 17): the one place that says
"brouillon", "ouvre le lundi 7 décembre à 9 h", "ouverte", "close"...

A cycle opened before its opening time is *scheduled*: members cannot order yet, and every page
says when it opens. An open cycle whose deadline has passed, not closed by the cron yet, reads as
closed (nobody can order any more). Pages call `cycle_state(cycle)` (or `cycle.state`); the API
gives the code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy

# The words of the states, with their own context: "closed" alone is translated by other apps too
# (a group "fermé", a distribution "clôturée"), and the first catalogue found would win.
LABELS = {
    "draft": pgettext_lazy("cycle state", "draft"),
    "open": pgettext_lazy("cycle state", "open"),
    "closed": pgettext_lazy("cycle state", "closed"),
    "ordered": pgettext_lazy("cycle state", "ordered"),
    "received": pgettext_lazy("cycle state", "received"),
    "distributed": pgettext_lazy("cycle state", "distributed"),
    "settled": pgettext_lazy("cycle state", "settled"),
}


@dataclass(frozen=True)
class CycleState:
    code: str  # draft, scheduled, open, closed, ordered, received, distributed, settled
    label: str  # French first: "ouvre le lundi 7 décembre à 9 h"
    badge: str = ""  # the badge's CSS class ("badge-ok" for open)

    def __str__(self) -> str:
        return self.label


def french_hour(hour: str, minutes: str | None) -> str:
    """"16", "30" -> "16 h 30" (non-breaking spaces); "9", None -> "9 h"."""
    minutes = minutes if minutes and minutes != "00" else ""
    return f"{int(hour)}\u00a0h" + (f"\u00a0{minutes}" if minutes else "")


def moment_in_words(moment: datetime.datetime) -> str:
    """A moment in the page's language: "lundi 7 décembre à 9 h", "samedi 5 décembre à 10 h 07"."""
    local = timezone.localtime(moment)
    french = (translation.get_language() or "").startswith("fr")
    start = french_hour(str(local.hour), f"{local.minute:02d}") if french else date_format(local, "H:i")
    return gettext("%(day)s at %(start)s") % {"day": date_format(local, "l j F"), "start": start}


def cycle_state(cycle, now: datetime.datetime | None = None) -> CycleState:
    """The state of `cycle` at `now` (default: this instant), as every page shows it."""
    now = now or timezone.now()
    if cycle.status == "open":
        if now < cycle.opens_at:
            return CycleState("scheduled", gettext("opens on %(moment)s") % {"moment": moment_in_words(cycle.opens_at)})
        if now >= cycle.closes_at:
            return CycleState("closed", str(LABELS["closed"]))
        return CycleState("open", str(LABELS["open"]), "badge-ok")
    return CycleState(cycle.status, str(LABELS.get(cycle.status, cycle.status)))
