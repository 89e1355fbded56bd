"""Reminders about events: tomorrow's event, a place freed for you, an event cancelled."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.events.models import Event, Registration
from grappe.notify.gsm import fit
from grappe.notify.reminders import Due, Recipient, reminder_kind
from grappe.notify.wording import day, email_footer, greeting, hour


def _context(event: Event) -> dict:
    return {"title": event.title, "place": event.where, "starts_at": event.starts_at}


def _due_for(kind: str, registrations, key) -> list[Due]:
    return [Due(kind=kind, key=key(r), recipient=Recipient(member=r.member), context=_context(r.event),
                association=r.event.association, group=r.member.group) for r in registrations]


# --- tomorrow ----------------------------------------------------------------------------------

def _tomorrow_sms(ctx: dict) -> str:
    return fit(lambda title, place, time: _("Reminder: %(title)s tomorrow at %(time)s, %(place)s. "
                                            "If you cannot come, tell your group.")
               % {"title": title, "place": place, "time": time},
               {"title": ctx["title"], "place": ctx["place"], "time": hour(ctx["starts_at"])}, ["place", "title"])


def _tomorrow_email(ctx: dict) -> tuple[str, str]:
    subject = _("Tomorrow: %(title)s") % {"title": ctx["title"]}
    body = greeting(ctx) + _("We remind you that you are registered for \"%(title)s\" tomorrow, %(day)s, at "
             "%(time)s.\nPlace: %(place)s.\n\nIf you cannot come, tell your group: someone on the waiting "
             "list will take your place.\n") % {"title": ctx["title"], "day": day(ctx["starts_at"]),
                                              "time": hour(ctx["starts_at"]), "place": ctx["place"]}
    return subject, body + "\n" + email_footer()


@reminder_kind("event_tomorrow", label=gettext_lazy("event tomorrow"), sms=_tomorrow_sms, email=_tomorrow_email)
def event_tomorrow(now):
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    registrations = (Registration.objects.filter(status=Registration.Status.CONFIRMED,
                                                 event__status=Event.Status.PUBLISHED,
                                                 event__starts_at__date=tomorrow)
                     .select_related("event__site", "event__group", "event__association", "member__association",
                                     "member__group", "member__user"))
    return _due_for("event_tomorrow", registrations,
                    lambda r: f"event:{r.event_id}:{timezone.localtime(r.event.starts_at).date().isoformat()}")


# --- a place is free ---------------------------------------------------------------------------

def _promoted_sms(ctx: dict) -> str:
    return fit(lambda title, place, when: _("Good news: a place is free for you at %(title)s, %(when)s, "
                                            "%(place)s. You are registered.")
               % {"title": title, "place": place, "when": when},
               {"title": ctx["title"], "place": ctx["place"],
                "when": f"{day(ctx['starts_at'])} {hour(ctx['starts_at'])}"}, ["place", "title"])


def _promoted_email(ctx: dict) -> tuple[str, str]:
    subject = _("A place is free for you: %(title)s") % {"title": ctx["title"]}
    body = greeting(ctx) + _("A place became free: you are now registered for \"%(title)s\" on %(day)s at %(time)s.\n"
             "Place: %(place)s.\n\nIf you cannot come, tell your group.\n") % {
        "title": ctx["title"], "day": day(ctx["starts_at"]), "time": hour(ctx["starts_at"]), "place": ctx["place"]}
    return subject, body + "\n" + email_footer()


@reminder_kind("event_place_free", label=gettext_lazy("place freed from the waiting list"), sms=_promoted_sms,
               email=_promoted_email)
def event_place_free(now):
    registrations = (Registration.objects.filter(status=Registration.Status.CONFIRMED, promoted_at__isnull=False,
                                                 event__status=Event.Status.PUBLISHED, event__starts_at__gt=now)
                     .select_related("event__site", "event__group", "event__association", "member__association",
                                     "member__group", "member__user"))
    return _due_for("event_place_free", registrations, lambda r: f"registration:{r.pk}:{r.promoted_at.isoformat()}")


# --- cancelled ---------------------------------------------------------------------------------

def _cancelled_sms(ctx: dict) -> str:
    return fit(lambda title, when: _("Sorry: %(title)s of %(when)s is cancelled.") % {"title": title, "when": when},
               {"title": ctx["title"], "when": f"{day(ctx['starts_at'])} {hour(ctx['starts_at'])}"}, ["title"])


def _cancelled_email(ctx: dict) -> tuple[str, str]:
    subject = _("Cancelled: %(title)s") % {"title": ctx["title"]}
    body = greeting(ctx) + _("We are sorry: \"%(title)s\" planned on %(day)s at %(time)s is cancelled.\n") % {
        "title": ctx["title"], "day": day(ctx["starts_at"]), "time": hour(ctx["starts_at"])}
    return subject, body + "\n" + email_footer()


def _cancelled_registrations():
    return (Registration.objects.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])
            .select_related("event__site", "event__group", "event__association", "member__association",
                            "member__group", "member__user"))


@reminder_kind("event_cancelled", label=gettext_lazy("event cancelled"), sms=_cancelled_sms,
               email=_cancelled_email)
def event_cancelled(now):
    registrations = _cancelled_registrations().filter(event__status=Event.Status.CANCELLED, event__starts_at__gt=now)
    return _due_for("event_cancelled", registrations, lambda r: f"event:{r.event_id}:cancelled")


def cancelled_dues(event: Event) -> list[Due]:
    """What cancelling this event will send (the confirmation page shows it first): one per household
    registered or waiting, as `event_cancelled` will find them once the event is cancelled."""
    registrations = _cancelled_registrations().filter(event=event).order_by("member__name", "pk")
    return _due_for("event_cancelled", registrations, lambda r: f"event:{r.event_id}:cancelled")
