"""The one way to invoices for the pages (404 outside the user's scope).

Invoices are read and issued by the association's admins and by the coordinators of the buyer's group
(their coordinator roles, not a volunteer role they may also hold); volunteers, referrers and members
never reach them. An invoice with no member (issued from the command line without one) is the admins'.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from grappe.members.models import Member
from grappe.members.queries import member_for

from .models import Invoice


def invoices_for(scope) -> QuerySet[Invoice]:
    if scope.association is None or not scope.is_coordinator:
        return Invoice.objects.none()
    invoices = Invoice.objects.filter(association=scope.association)
    if scope.is_admin:
        return invoices
    return invoices.filter(member__group_id__in=scope.coordinated_ids)


def invoice_for(scope, pk, *, write: bool = False) -> Invoice:
    """An invoice the user reaches, or 404. `write` (issue a credit note for it): the same people, who
    read it; the flag is kept so that every view says what it does."""
    try:
        return invoices_for(scope).select_related("member", "corrects", "association").get(pk=pk)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def buyer_for(scope, pk, *, write: bool = False) -> Member:
    """The member a page invoices or shows the statement of: grappe.members' `member_for`, narrowed to
    admins and the coordinators of the member's own group (404 otherwise)."""
    member = member_for(scope, pk, write=write)
    if not scope.is_admin and member.group_id not in scope.coordinated_ids:
        raise Http404
    return member


def credited(invoice: Invoice) -> Decimal:
    """What the invoice's credit notes have credited so far."""
    return invoice.credit_notes.aggregate(total=Sum("total_gross"))["total"] or Decimal("0")


def invoice_totals(invoices: QuerySet[Invoice]) -> dict[str, Decimal]:
    """Invoiced, credited, and what is left (invoiced minus credited), over a filtered list."""
    figures = invoices.aggregate(
        invoiced=Sum("total_gross", filter=Q(kind=Invoice.Kind.INVOICE)),
        credited=Sum("total_gross", filter=Q(kind=Invoice.Kind.CREDIT_NOTE)))
    invoiced, credited_total = figures["invoiced"] or Decimal("0"), figures["credited"] or Decimal("0")
    return {"invoiced": invoiced, "credited": credited_total, "net": invoiced - credited_total}
