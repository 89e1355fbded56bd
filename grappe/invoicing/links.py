"""The member page's invoicing links (grappe.members.links): for admins and the coordinators of the
member's group, who are the ones the invoice pages let in."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.members.links import MemberLinks


def member_links(scope, member) -> list[MemberLinks]:
    if not (scope.is_admin or member.group_id in scope.coordinated_ids):
        return []
    links = [(_("Statement and invoices"), reverse("invoicing:statement", args=[member.pk]))]
    if member.erased_at is None:
        links.insert(0, (_("Issue an invoice"), reverse("invoicing:issue", args=[member.pk])))
    return [MemberLinks(title=_("Invoices"), links=links, order=60)]
