"""Who reaches the food-voucher objects, and the reads of their pages.

- issuers (`issuer_for`): the association's list, read and maintained by its coordinators and admins
  (the till of every group chooses from it);
- claims (`claim_for`): association-wide money, admins only (anyone else: 404);
- vouchers (`vouchers_for`): admins all of the association's, coordinators those of their groups'
  members.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from . import vouchers
from .models import Voucher, VoucherClaim, VoucherIssuer

ZERO = Decimal("0.00")


def issuers_for(scope) -> QuerySet[VoucherIssuer]:
    if scope.association is None or not scope.is_coordinator:
        return VoucherIssuer.objects.none()
    return VoucherIssuer.objects.filter(association=scope.association)


def issuer_for(scope, pk, *, write: bool = False) -> VoucherIssuer:
    """An issuer of the user's association; coordinators and admins read and change the list (`write`
    asks the same: the list is shared by every group's till)."""
    try:
        return issuers_for(scope).get(pk=pk)
    except (VoucherIssuer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def claims_for(scope) -> QuerySet[VoucherClaim]:
    if scope.association is None or not scope.is_admin:
        return VoucherClaim.objects.none()
    return VoucherClaim.objects.filter(association=scope.association).select_related("issuer")


def claim_for(scope, pk, *, write: bool = False) -> VoucherClaim:
    """A claim of the user's association: admins only, to read as to change (the association's money)."""
    try:
        return claims_for(scope).get(pk=pk)
    except (VoucherClaim.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def vouchers_for(scope) -> QuerySet[Voucher]:
    """Admins: the association's vouchers; coordinators: those of their groups' members."""
    if scope.association is None or not scope.is_coordinator:
        return Voucher.objects.none()
    found = Voucher.objects.filter(association=scope.association)
    if not scope.is_admin:
        found = found.filter(member__group_id__in=scope.group_ids)
    return found


@dataclass
class VoucherList:
    rows: list[Voucher]
    count: int
    total: Decimal
    duplicates: int


LIST_LIMIT = 500


def voucher_list(scope, *, issuer=None, status="", start=None, end=None) -> VoucherList:
    """The vouchers a page lists (at most LIST_LIMIT rows, the count and total of all that match),
    each with its flags (`duplicate`, `reversed`). A fixed number of queries."""
    found = vouchers_for(scope)
    if issuer is not None:
        found = found.filter(issuer=issuer)
    if status:
        found = found.filter(status=status)
    if start is not None:
        found = found.filter(received_on__gte=start)
    if end is not None:
        found = found.filter(received_on__lte=end)
    flagged = vouchers.with_flags(found)
    summary = found.aggregate(total=Sum("value"))
    rows = list(flagged.select_related("issuer", "member", "claim").order_by("-received_on", "-pk")[:LIST_LIMIT])
    return VoucherList(rows=rows, count=found.count(), total=summary["total"] or ZERO,
                       duplicates=flagged.filter(duplicate=True).count())


def claim_rows(claim: VoucherClaim) -> list[Voucher]:
    """The vouchers of a claim, in the order of the documents (day received, then number)."""
    return list(Voucher.objects.filter(claim=claim).select_related("member").order_by("received_on", "number_key",
                                                                                       "pk"))
