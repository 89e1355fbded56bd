""""Mes données": the member's payments and every line of the member's account
(grappe.members.personal_data)."""

from django.utils.translation import gettext as _

from grappe.core.money import format_euros
from grappe.members.personal_data import Section, day_in_words, iso

from .models import Entry


def _what(entry: Entry) -> str:
    what = entry.get_kind_display()
    what = what[:1].upper() + what[1:]
    if entry.basket_id is not None:
        what = _("%(what)s of %(day)s") % {"what": what, "day": day_in_words(entry.basket.distribution.date)}
    if entry.means:
        what = f"{what} ({entry.get_means_display()})"
    if entry.reverses_id is not None:
        what = _("%(what)s, cancelling a line of %(day)s") % {"what": what, "day": day_in_words(entry.reverses.at)}
    return what


def sections(member) -> list[Section]:
    entries = list(Entry.objects.filter(member=member)
                   .select_related("basket__distribution", "reverses").order_by("-at", "-pk"))
    payments = [entry for entry in entries if entry.kind == Entry.Kind.PAYMENT]
    return [
        Section(key="payments", title=_("Payments"), order=40,
                columns=(_("Date"), _("Means of payment"), _("Amount")),
                rows=[(day_in_words(entry.at), entry.get_means_display() or "—", format_euros(entry.amount))
                      for entry in payments],
                data=[{"at": iso(entry.at), "means": entry.means, "amount": str(entry.amount),
                       "reference": entry.reference} for entry in payments]),
        Section(key="account_entries", title=_("My account, line by line"), order=45,
                columns=(_("Date"), _("What"), _("Amount")),
                rows=[(day_in_words(entry.at), _what(entry), format_euros(entry.amount)) for entry in entries],
                data=[{"at": iso(entry.at), "kind": entry.kind, "amount": str(entry.amount), "means": entry.means,
                       "note": entry.note, "reverses": entry.reverses_id} for entry in entries]),
    ]
