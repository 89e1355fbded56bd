"""API of the accounts: collect and charge a basket, payments, balances and statements."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from grappe.accounts import queries, services
from grappe.api.types import PositiveAmount
from grappe.core.errors import DomainError
from grappe.distribution import queries as distribution_queries
from grappe.members.queries import member_for
from grappe.network.access import scope_for

router = Router(tags=["accounts"])


class EntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    means: str
    reference: str
    issuer: str
    at: datetime


class AccountOut(Schema):
    member_id: int
    balance: Decimal
    entries: list[EntryOut]


class PaymentIn(Schema):
    key: UUID
    means: str
    amount: PositiveAmount
    reference: str = ""
    issuer: str = ""
    advance: bool = False  # "avance sur compte": keep what is above the amount due on the account


def _scope(request, coordinator=False):
    scope = scope_for(request.auth)
    if not scope.is_staff or (coordinator and not scope.is_coordinator):
        raise Http404
    return scope


def _account(member) -> dict:
    _opening, rows = queries.statement(member)
    return {"member_id": member.pk, "balance": services.balance(member), "entries": [e for e, _r in rows]}


@router.post("/baskets/{basket_id}/collect", response=AccountOut)
def collect(request, basket_id: int):
    basket = distribution_queries.basket_for(_scope(request), basket_id)
    try:
        services.collect_basket(basket=basket, by=request.auth)
    except DomainError as error:
        raise HttpError(422, str(error)) from error
    return _account(basket.member)


@router.post("/baskets/{basket_id}/payments", response={201: EntryOut})
def pay(request, basket_id: int, payload: PaymentIn):
    basket = distribution_queries.basket_for(_scope(request), basket_id)
    try:
        entry = services.record_payment(member=basket.member, amount=payload.amount, means=payload.means,
                                        by=request.auth, key=payload.key, reference=payload.reference,
                                        issuer=payload.issuer, distribution=basket.distribution,
                                        basket=basket, advance=payload.advance,
                                        voucher_value=payload.amount if payload.means == "voucher" else None)
    except DomainError as error:
        raise HttpError(422, str(error)) from error
    return Status(201, entry)


@router.get("/accounts/{member_id}", response=AccountOut)
def account(request, member_id: int):
    return _account(member_for(_scope(request, coordinator=True), member_id))


@router.get("/me/account", response=AccountOut)
def my_account(request):
    scope = scope_for(request.auth)
    if scope.member is None:
        raise Http404
    return _account(scope.member)
