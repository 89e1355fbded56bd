"""Events at a van stop that an adopted tour retires (grappe/tours/retiring.py): an upcoming published
event moves to the stop that replaces it, when one obviously does (same commune); otherwise it stays
where it was and the coordinator is told to choose its new place."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.tours import retiring

from .models import Event


def _upcoming(site, now=None):
    return Event.objects.filter(site=site, status=Event.Status.PUBLISHED).upcoming(now)


def preview(group, retirements) -> list[str]:
    notes = []
    for retirement in retirements:
        titles = list(_upcoming(retirement.site).values_list("title", flat=True))
        if not titles:
            continue
        if retirement.replacement_name:
            notes.append(ngettext("%(stop)s: %(count)s upcoming event moves to %(other)s (%(titles)s).",
                                  "%(stop)s: %(count)s upcoming events move to %(other)s (%(titles)s).",
                                  len(titles)) % {"stop": retirement.site.name, "count": len(titles),
                                                  "other": retirement.replacement_name, "titles": ", ".join(titles)})
        else:
            notes.append(ngettext(
                "%(stop)s: %(count)s upcoming event needs a new place; no stop replaces this one (%(titles)s).",
                "%(stop)s: %(count)s upcoming events need a new place; no stop replaces this one (%(titles)s).",
                len(titles)) % {"stop": retirement.site.name, "count": len(titles), "titles": ", ".join(titles)})
    return notes


def after(group, retirements, *, send_message: bool, by, now) -> list[str]:
    """Move what can be moved (inside the adoption's transaction); say what is left to do."""
    left = []
    for retirement in retirements:
        events = _upcoming(retirement.site, now)
        if retirement.replacement is not None:
            events.update(site=retirement.replacement)
            continue
        titles = list(events.values_list("title", flat=True))
        if titles:
            left.append(_("Choose a new place for these events, their stop %(stop)s is retired: %(titles)s.") % {
                "stop": retirement.site.name, "titles": ", ".join(titles)})
    return left


def register() -> None:
    retiring.on_preview(preview)
    retiring.after_adoption(after)
