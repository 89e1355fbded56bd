"""A coordinator's one-off message (grappe.notify.services.send_message): registered as a kind so that
the log and the call list name it; nothing is due by itself (`due` yields nothing), the message's own
task sends it. The text is the coordinator's, as typed, whatever the member's language (only the
e-mail's greeting and default subject follow it)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.notify.gsm import sms_text
from grappe.notify.reminders import reminder_kind
from grappe.notify.wording import greeting

MESSAGE = "message"


def _sms(ctx):
    return sms_text(ctx["text"])


def _email(ctx):
    subject = ctx["subject"] or _("News from your buying group %(group)s") % {"group": ctx["group"]}
    return subject, greeting(ctx) + ctx["text"].strip() + "\n\n— " + ctx["group"] + "\n"


@reminder_kind(MESSAGE, label=gettext_lazy("message from a coordinator"), sms=_sms, email=_email)
def message(now):
    return ()
