"""API of the network and members capability: groups, quota, members, referrals."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from grappe.core.errors import DomainError
from grappe.members import services
from grappe.members.forms import MEMBER_PERSONS_MAX, CategoryForm, MemberForm
from grappe.members.models import Member
from grappe.members.queries import member_for, members_for, referrals_for
from grappe.network.access import group_for, scope_for

router = Router(tags=["network"])


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    territory: str | None
    rhythm: str


class QuotaOut(Schema):
    group_id: int
    priority: int
    solidarity: int
    waiting: int
    threshold_percent: Decimal
    share_percent: Decimal
    solidarity_places_left: int
    quota_met: bool


class MemberOut(Schema):
    id: int
    number: int
    name: str
    kind: str
    group_id: int
    adults: int
    children: int
    phone: str
    preferred_channel: str
    status: str


class MemberDetailOut(MemberOut):
    category: str
    priority_basis: str
    review_date: date | None


class MemberIn(Schema):
    """A new member: the same fields, choices and bounds as the web form (members.forms), which also
    checks them again before `members.services.admit_member`."""

    group_id: int
    name: str = Field(..., min_length=1, max_length=200)
    kind: Member.Kind = Member.Kind.HOUSEHOLD
    adults: int = Field(1, ge=1, le=MEMBER_PERSONS_MAX)
    children: int = Field(0, ge=0, le=MEMBER_PERSONS_MAX)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    preferred_channel: Member.Channel = Member.Channel.SMS
    category: Member.Category = Member.Category.PRIORITY
    priority_basis: Member.PriorityBasis | Literal[""] = ""


class ReferralIn(Schema):
    group_id: int
    household_name: str
    phone: str = ""
    persons: int = 1
    language: str = Field("fr", max_length=10, description="the language the slip's QR code opens the join "
                                                           "page in: one of the site's languages")


class ReferralOut(Schema):
    id: int
    code: str
    group_id: int
    household_name: str
    joined: bool
    language: str


def _scope(request, *, staff=False, coordinator=False):
    scope = scope_for(request.auth)
    if (coordinator and not scope.is_coordinator) or (staff and not scope.is_staff):
        raise Http404
    return scope


def _group_out(group) -> dict:
    return {"id": group.pk, "name": group.name, "kind": group.kind, "status": group.status,
            "territory": group.territory.name if group.territory else None, "rhythm": group.rhythm}


@router.get("/groups", response=list[GroupOut])
def list_groups(request):
    return [_group_out(g) for g in _scope(request, staff=True).groups().select_related("territory")]


@router.get("/groups/{group_id}", response=GroupOut)
def get_group(request, group_id: int):
    return _group_out(group_for(_scope(request, staff=True), group_id))


@router.get("/groups/{group_id}/quota", response=QuotaOut)
def get_quota(request, group_id: int):
    scope = _scope(request, coordinator=True)
    group = group_for(scope, group_id)
    [q] = services.group_quotas(type(group).objects.filter(pk=group.pk))
    return {"group_id": group.pk, "priority": q.priority, "solidarity": q.solidarity, "waiting": q.waiting,
            "threshold_percent": q.threshold, "share_percent": q.share_percent,
            "solidarity_places_left": q.capacity, "quota_met": q.is_met}


@router.get("/members", response=list[MemberOut])
def list_members(request, group_id: int | None = None, status: str = "active"):
    scope = _scope(request, staff=True)
    if status == Member.Status.WAITING and not scope.is_coordinator:
        raise Http404  # the waiting list tells the category (only solidarity households wait)
    members = members_for(scope).filter(status=status)
    if group_id is not None:
        members = members.filter(group=group_for(scope, group_id))
    return list(members.not_erased())


@router.get("/members/{member_id}", response=MemberDetailOut)
def get_member(request, member_id: int):
    scope = _scope(request, coordinator=True)
    return member_for(scope, member_id)


@router.post("/members", response={201: MemberDetailOut})
def create_member(request, payload: MemberIn):
    """Admit a member as the web form does: the same form validation, then the same service (quota,
    waiting list, audit). A refusal is a 400 with the French message."""
    scope = _scope(request, coordinator=True)
    group = group_for(scope, payload.group_id, write=True)
    data = payload.dict(exclude={"group_id"})
    form = MemberForm({key: value for key, value in data.items() if key in MemberForm.Meta.fields}, group=group)
    category_form = CategoryForm({"category": data["category"], "priority_basis": data["priority_basis"]},
                                 association=group.association)
    if not (form.is_valid() and category_form.is_valid()):
        errors = {**form.errors, **category_form.errors}
        raise HttpError(400, " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
    cleaned = {**{key: form.cleaned_data[key] for key in data if key in form.cleaned_data},
               **{key: category_form.cleaned_data[key] for key in ("category", "priority_basis")}}
    try:
        member = services.admit_member(group=group, by=request.auth, **cleaned)
    except DomainError as error:
        raise HttpError(400, str(error)) from error
    return Status(201, member)


@router.get("/me")
def my_data(request):
    scope = scope_for(request.auth)
    if scope.member is None:
        raise Http404
    return services.member_data(scope.member)


@router.get("/referrals", response=list[ReferralOut])
def list_referrals(request):
    scope = scope_for(request.auth)
    if not (scope.is_referrer or scope.is_coordinator):
        raise Http404
    referrals = referrals_for(scope)
    return [{"id": r.pk, "code": r.code, "group_id": r.group_id, "household_name": r.household_name,
             "joined": r.has_joined, "language": r.language} for r in referrals]


@router.post("/referrals", response={201: ReferralOut})
def create_referral(request, payload: ReferralIn):
    scope = scope_for(request.auth)
    if not scope.is_referrer:
        raise Http404
    group = scope.association.groups.filter(pk=payload.group_id).first() if scope.association else None
    if group is None:
        raise Http404
    partner = scope.association.partners.get(pk=scope.partner_id)
    try:
        referral = services.create_referral(partner=partner, group=group, by=request.auth,
                                            household_name=payload.household_name, phone=payload.phone,
                                            persons=payload.persons, language=payload.language)
    except DomainError as error:
        raise HttpError(400, str(error)) from error
    return Status(201, {"id": referral.pk, "code": referral.code, "group_id": group.pk,
                 "household_name": referral.household_name, "joined": False, "language": referral.language})
