"""Small helpers to word reminders in plain French: dates, times, the greeting, the e-mail footer."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def day(value) -> str:
    """'samedi 28 novembre' (a date or an aware datetime, in local time)."""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "l j F")


def hour(value) -> str:
    """'14h30' (French custom; 'h' is in the GSM alphabet)."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    if translation.get_language() in ("ar", "tr"):  # "14:30" where "14h30" is not the custom
        return f"{value.hour}:{value.minute:02d}"
    return f"{value.hour}h{value.minute:02d}"


def email_footer() -> str:
    return _("You receive this reminder from your buying group. To stop reminders, tell your group or "
             "switch them off on your Grappe page \"My reminders\".")


def greeting(ctx) -> str:
    """The first line of an e-mail and its blank line: "Bonjour Amina," when the engine knows the
    member's name (`greeting_name`, her first name or else her whole name), else "Bonjour,"."""
    name = ctx.get("greeting_name")
    return (_("Hello %(name)s,") % {"name": name} if name else _("Hello,")) + "\n\n"
