"""API of the indicators: the same figures as the dashboard, for a scope and a period."""

from datetime import date

from django.http import Http404
from ninja import Router
from ninja.errors import HttpError

from grappe.network.access import scope_for
from grappe.reports import queries, scopes
from grappe.reports.indicators import Period, for_outside

router = Router(tags=["reports"])


@router.get("/reports/indicators", summary="Indicators for a scope and a period")
def indicators(request, start: date, end: date, scope: str = "all", outside: bool = False):
    """Households, priority share, referrals per partner, fees, baskets handed out (per week), products
    per family (served quantities), turnover charged and at cost with solidarity adjustments, payments
    per means, label shares, communes, van stops, volunteer hours.

    `scope`: "all", "territory:<id>" or "group:<id>" (as on the dashboard). `outside=true` applies the
    small-count rule (counts of 1 to 4 become "< 5"). Admins and coordinators only.
    """
    user_scope = scope_for(request.user)
    if not user_scope.is_coordinator:
        raise Http404
    if end < start or (end - start).days > 3 * 366:
        raise HttpError(422, "end must follow start, within three years")
    label, group_ids = scopes.resolve(user_scope, scope)
    figures = queries.figures(association=user_scope.association, group_ids=group_ids, period=Period(start, end))
    figures["scope"] = {"key": scope, "label": label, "group_ids": group_ids}
    if outside:
        figures = for_outside(figures)
    return figures
