"""Cancelling an event asks first, on a page that shows the messages that will leave (issue 17): how
many, to whom, by which channel, worded as the reminder run will word them. It lives here, not in
grappe.events, because only notify knows the channels (grappe.events does not import it)."""

from collections import Counter

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grappe.core.errors import REFUSED
from grappe.events import services as event_services
from grappe.events.queries import event_for
from grappe.network.access import ADMIN, COORDINATOR, VOLUNTEER, require_scope

from .engine import opted_out, policy_for, route_for
from .engine import render as render_message
from .gsm import parts as sms_parts
from .kinds.events import cancelled_dues
from .models import SentNotification
from .phones import readable_phone
from .reminders import REGISTRY

Channel = SentNotification.Channel


def cancellation_preview(event) -> dict:
    """The messages cancelling `event` will queue: one row per household, its channel and address, and
    the counts per channel (households who switched reminders off get none)."""
    kind = REGISTRY["event_cancelled"]
    rows, counts, sms_total = [], Counter(), 0
    policy = policy_for("event_cancelled", event.association)
    for due in cancelled_dues(event):
        if opted_out(due, kind):
            rows.append({"member": due.recipient.member, "channel": None, "address": ""})
            counts["none"] += 1
            continue
        route = route_for(due, policy)
        if route is None:  # the association switched this reminder (or every channel) off
            rows.append({"member": due.recipient.member, "channel": None, "address": ""})
            counts["none"] += 1
            continue
        subject, text = render_message(kind, due, route.channel)
        if route.channel == Channel.SMS:
            sms_total += sms_parts(text)
        address = readable_phone(route.address) if route.channel != Channel.EMAIL else route.address
        rows.append({"member": due.recipient.member, "channel": route.channel, "address": address,
                     "channel_label": Channel(route.channel).label, "subject": subject, "text": text})
        counts[route.channel] += 1
    sample = next((row for row in rows if row["channel"] == Channel.SMS), None)
    return {"rows": rows, "sms": counts[Channel.SMS], "emails": counts[Channel.EMAIL],
            "calls": counts[Channel.CALL] + counts[Channel.PAPER], "none": counts["none"],
            "message_count": len(rows) - counts["none"], "sms_parts": sms_total, "sample": sample}


@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will leave, and a required tick; POST with the tick: the event is cancelled (the
    reminder run sends the messages); without it, the same page again (422)."""
    event = event_for(request.scope, pk, write=True)
    if event.is_cancelled:
        messages.info(request, _("This event is cancelled."))
        return redirect("events:detail", pk=event.pk)
    status, error = 200, ""
    if request.method == "POST":
        if request.POST.get("confirm") == "on":
            event_services.cancel_event(event=event)
            messages.success(request, _("The event is cancelled."))
            return redirect("events:detail", pk=event.pk)
        status, error = REFUSED, _("Tick the box to confirm: the messages cannot be called back.")
    return render(request, "notify/event_cancel.html",
                  {"event": event, "error": error, **cancellation_preview(event)}, status=status)
