"""Reminder over the volunteer rota (grappe.distribution): a volunteer's slot tomorrow."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.distribution.models import Distribution, RotaSlot
from grappe.notify.gsm import fit
from grappe.notify.reminders import Due, Recipient, reminder_kind
from grappe.notify.wording import day, email_footer, greeting, hour


def _place(distribution) -> str:
    return distribution.place or (distribution.site.name if distribution.site_id else distribution.group.name)


def _slot_sms(ctx):
    if ctx["time"]:
        return fit(lambda task, place, time: _("Reminder: tomorrow at %(time)s you help at the distribution "
                                               "(%(task)s), %(place)s. Thank you!")
                   % {"task": task, "place": place, "time": time},
                   {"task": ctx["task"], "place": ctx["place"], "time": ctx["time"]}, ["place", "task"])
    return fit(lambda task, place: _("Reminder: tomorrow you help at the distribution (%(task)s), %(place)s. "
                                     "Thank you!") % {"task": task, "place": place},
               {"task": ctx["task"], "place": ctx["place"]}, ["place", "task"])


def _slot_email(ctx):
    subject = _("Tomorrow you help at the distribution")
    when = _(" at %(time)s") % {"time": ctx["time"]} if ctx["time"] else ""
    body = greeting(ctx) + _("Thank you for helping! Tomorrow, %(day)s%(when)s, you are on the rota of the "
             "distribution: %(task)s.\nPlace: %(place)s.\n\nIf you cannot come, tell the coordinator.\n") % {
        "day": day(ctx["date"]), "when": when, "task": ctx["task"], "place": ctx["place"]}
    return subject, body + "\n" + email_footer()


@reminder_kind("volunteer_slot_tomorrow", label=gettext_lazy("volunteer's slot tomorrow"), sms=_slot_sms,
               email=_slot_email)
def volunteer_slot_tomorrow(now):
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    slots = (RotaSlot.objects.filter(volunteer__isnull=False, distribution__date=tomorrow,
                                     distribution__status=Distribution.Status.PLANNED)
             .select_related("volunteer", "distribution__group", "distribution__site", "distribution__association"))
    for slot in slots:
        distribution = slot.distribution
        yield Due(kind="volunteer_slot_tomorrow", key=f"slot:{slot.pk}:{tomorrow.isoformat()}",
                  recipient=Recipient(user=slot.volunteer),
                  context={"task": slot.task, "time": hour(slot.starts_at) if slot.starts_at else "",
                           "place": _place(distribution), "date": tomorrow},
                  association=distribution.association, group=distribution.group)
