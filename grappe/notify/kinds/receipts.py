"""The receipt of a distribution (grappe.accounts), sent when a volunteer presses "Send the receipt".

Registered as a kind for its wording and its label in the log; it is never due by itself (the cron
sends nothing): `grappe.notify.services.send_receipt` sends it on request.
"""

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core.money import format_euros as plain_euros
from grappe.core.text import isolate
from grappe.notify.gsm import fit
from grappe.notify.reminders import reminder_kind
from grappe.notify.wording import day, greeting

RECEIPT = "receipt"


def format_euros(amount) -> str:
    """"-17,75 €" kept whole inside an Arabic text (it would read "€ 17,75-")."""
    text = plain_euros(amount)
    return isolate(text) if translation.get_language_bidi() else text


def _sms(ctx):
    return fit(lambda group, date, total, paid, balance: _(
        "Receipt %(group)s %(date)s: basket %(total)s, paid %(paid)s. Account balance: %(balance)s. Thank you!")
        % {"group": group, "date": date, "total": total, "paid": paid, "balance": balance},
        {"group": ctx["group"], "date": ctx["date"].strftime("%d/%m"), "total": format_euros(ctx["total"]),
         "paid": format_euros(ctx["paid"]), "balance": format_euros(ctx["balance"])}, ["group"])


def _email(ctx):
    subject = _("Your receipt of %(day)s") % {"day": day(ctx["date"])}
    lines = "\n".join(_("- %(name)s, %(quantity)s: %(amount)s") % {
        "name": name, "quantity": quantity, "amount": format_euros(amount)} for name, quantity, amount in ctx["lines"])
    payments = "\n".join(_("- %(means)s: %(amount)s") % {"means": capfirst(means), "amount": format_euros(amount)}
                         for means, amount in ctx["payments"])
    body = greeting(ctx) + _("Here is your receipt of the distribution of %(day)s (%(group)s), member number "
             "%(number)s.\n\n%(lines)s\nTotal: %(total)s\n\nPaid:\n%(payments)s\n\nYour account balance: "
             "%(balance)s\n\nGoods sold at cost price, with no margin.\n") % {
        "day": day(ctx["date"]), "group": ctx["group"], "number": ctx["number"], "lines": lines,
        "total": format_euros(ctx["total"]), "payments": payments or "-", "balance": format_euros(ctx["balance"])}
    return subject, body


@reminder_kind(RECEIPT, label=gettext_lazy("receipt after a payment"), sms=_sms, email=_email)
def receipts_due(now):
    return ()  # sent on request only
