"""The message to the members of a van stop that an adopted tour retires (grappe/tours/retiring.py).

Before adopting, the confirmation page says how many members of each retired stop would get it and by
which channel (the same plan as a coordinator's message to a stop); adopting with the tick writes one
message per retired stop (a `OneOffMessage` to the stop's members), sent after the commit, at most once.
"""

import uuid

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.tours import retiring

from .audiences import Audience, Kind, plan
from .services import create_message


def text_for(retirement: retiring.Retirement) -> str:
    replacement = retirement.replacement.name if retirement.replacement else retirement.replacement_name
    if replacement:
        return _("Change: the van no longer stops at %(place)s. Your nearest stop is now %(other)s.") % {
            "place": retirement.site.name, "other": replacement}
    return _("Change: the van no longer stops at %(place)s. We will tell you where to collect your basket.") % {
        "place": retirement.site.name}


def _audience(group, retirement: retiring.Retirement) -> Audience:
    return Audience(Kind.STOP, group.association, group=group, site=retirement.site, group_ids=[group.pk])


def preview(group, retirements) -> list[str]:
    notes = []
    for retirement in retirements:
        sending = plan(_audience(group, retirement), text_for(retirement))
        if not sending.reached:
            notes.append(_("%(stop)s: no member to tell.") % {"stop": retirement.site.name})
            continue
        notes.append(ngettext(
            "%(stop)s: %(count)s member will get the message: %(sms)s by SMS, %(email)s by e-mail, %(call)s to call.",
            "%(stop)s: %(count)s members will get the message: %(sms)s by SMS, %(email)s by e-mail, %(call)s to call.",
            sending.reached) % {"stop": retirement.site.name, "count": sending.reached, "sms": sending.sms,
                                "email": sending.email, "call": sending.to_call})
        notes.append(_("Message to the members of %(stop)s: « %(text)s »") % {
            "stop": retirement.site.name, "text": text_for(retirement)})
    return notes


def after(group, retirements, *, send_message: bool, by, now) -> list[str]:
    if not send_message:
        return []
    for retirement in retirements:
        audience = _audience(group, retirement)
        if plan(audience, "").reached:
            create_message(audience=audience, text=text_for(retirement), token=uuid.uuid4(), by=by, now=now)
    return []


def register() -> None:
    retiring.on_preview(preview)
    retiring.after_adoption(after)
