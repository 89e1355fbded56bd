""""Mes données": the reminders sent to the member (grappe.members.personal_data)."""

from django.utils.translation import gettext as _

from grappe.members.personal_data import Section, day_in_words, iso

from .models import SentNotification
from .phones import readable_phone
from .reminders import REGISTRY


def _kind(name: str) -> str:
    kind = REGISTRY.get(name)
    label = str(kind.label) if kind is not None else _("message")
    return label[:1].upper() + label[1:]


def sections(member) -> list[Section]:
    sent = list(SentNotification.objects.filter(member=member).order_by("-created_at", "-pk"))
    rows = []
    for row in sent:
        how = row.get_channel_display()
        if row.address:
            how = f"{how} ({readable_phone(row.address)})"
        rows.append((day_in_words(row.sent_at or row.created_at), _kind(row.kind), how, row.get_status_display()))
    return [Section(key="reminders_sent", title=_("Reminders sent"), order=60, rows=rows,
                    columns=(_("Date"), _("Reminder"), _("Sent by"), _("Status")),
                    data=[{"at": iso(row.sent_at or row.created_at), "kind": row.kind, "channel": row.channel,
                           "address": row.address, "text": row.text, "status": row.status} for row in sent])]
