"""API of the distribution: sessions, baskets, served quantities."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from grappe.api.types import Quantity
from grappe.core.errors import DomainError
from grappe.distribution import queries, services
from grappe.network.access import scope_for

router = Router(tags=["distribution"])


class DistributionOut(Schema):
    id: int
    cycle_id: int
    group_id: int
    date: date
    place: str
    status: str


class DistributionLineOut(Schema):
    id: int
    product_id: int
    name: str
    unit: str
    is_bulk: bool
    unit_price: Decimal
    allotted: Decimal
    served: Decimal | None
    from_stock: bool
    amount: Decimal


class DistributionBasketOut(Schema):
    id: int
    member_id: int
    member_number: int
    member_name: str
    status: str
    lines: list[DistributionLineOut]
    total: Decimal


class ServedIn(Schema):
    served: dict[int, Quantity]


def _staff(request):
    scope = scope_for(request.auth)
    if not scope.is_staff:
        raise Http404
    return scope


def basket_out(basket) -> dict:
    lines = list(basket.lines.all())
    return {"id": basket.pk, "member_id": basket.member_id, "member_number": basket.member.number,
            "member_name": basket.member.name, "status": basket.status,
            "lines": [{"id": line.pk, "product_id": line.product_id, "name": line.name, "unit": line.unit,
                       "is_bulk": line.is_bulk, "unit_price": line.unit_price, "allotted": line.allotted,
                       "served": line.served, "from_stock": line.from_stock, "amount": line.amount} for line in lines],
            "total": sum((line.amount for line in lines), Decimal("0.00"))}


@router.get("/distributions", response=list[DistributionOut])
def list_distributions(request):
    return list(queries.distributions_for(_staff(request)).order_by("-date")[:200])


@router.get("/distributions/{distribution_id}", response=DistributionOut)
def get_distribution(request, distribution_id: int):
    return queries.distribution_for(_staff(request), distribution_id)


@router.get("/distributions/{distribution_id}/baskets", response=list[DistributionBasketOut])
def list_baskets(request, distribution_id: int, q: str = ""):
    distribution = queries.distribution_for(_staff(request), distribution_id)
    return [basket_out(b) for b in queries.find_baskets(distribution, q).prefetch_related("lines")]


@router.get("/baskets/{basket_id}", response=DistributionBasketOut)
def get_basket(request, basket_id: int):
    return basket_out(queries.basket_for(_staff(request), basket_id))


@router.post("/baskets/{basket_id}/served", response=DistributionBasketOut)
def record_served(request, basket_id: int, payload: ServedIn):
    basket = queries.basket_for(_staff(request), basket_id)
    try:
        services.record_served(basket=basket, served=payload.served, by=request.auth)
    except DomainError as error:
        raise HttpError(422, str(error)) from error
    return basket_out(queries.basket_for(_staff(request), basket_id))
