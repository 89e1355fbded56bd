import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grappe.core import qr
from grappe.core.errors import REFUSED, DomainError
from grappe.core.models import TemporaryPassword
from grappe.core.money import plain_number
from grappe.core.pdf import pdf_response
from grappe.core.tasks import tasks_for
from grappe.network.access import (
    ADMIN,
    COORDINATOR,
    MEMBER,
    REFERRER,
    VOLUNTEER,
    group_for,
    require_scope,
    scope_for,
)
from grappe.network.models import Partner

from . import services
from .forms import (
    CategoryForm,
    MemberForm,
    MembershipForm,
    ReferralForm,
    RegisterForm,
    language_choices,
)
from .links import links_for
from .models import AuditEntry, Member
from .personal_data import sections_for
from .queries import (
    member_for,
    members_for,
    readable_member_data,
    referral_for,
    referrals_for,
    unused_referral,
)
from .staff_forms import CoordinatorRegisterForm

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)
COORDINATORS = (ADMIN, COORDINATOR)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page after signing in, by role."""
    scope = scope_for(request.user)
    context = {"scope": scope}
    context["tasks"], context["tasks_total"] = tasks_for(scope)
    if scope.is_staff:
        context["quotas"] = services.group_quotas(scope.groups().order_by("name"))
    if scope.member is not None:
        context.update(_first_fee(scope.member))
    return render(request, "members/home.html", context)


@require_scope(*STAFF)
def member_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    groups = scope.groups().order_by("name")
    members = members_for(scope).not_erased().select_related("group").order_by("number")
    group_id = request.GET.get("groupe", "")
    if group_id.isdigit():
        members = members.filter(group_id=int(group_id))
    status = request.GET.get("statut", Member.Status.ACTIVE)
    if status == Member.Status.WAITING and not scope.is_coordinator:
        raise Http404  # the waiting list tells the category (only solidarity households wait)
    if status in Member.Status.values:
        members = members.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        members = members.matching(query)
    # situations due for review: coordinators only (volunteers never see the category or its basis)
    to_review = request.GET.get("revoir") == "1" and scope.is_coordinator
    if to_review:
        members = members.filter(review_date__lt=timezone.localdate()).order_by("review_date", "number")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {
        "page": page, "groups": groups, "group_id": group_id, "status": status, "query": query,
        "statuses": [c for c in Member.Status.choices if scope.is_coordinator or c[0] != Member.Status.WAITING],
        "to_review": to_review,
    })


@require_scope(*STAFF)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk)
    return render(request, "members/member_detail.html", {
        "member": member,
        "memberships": member.memberships.all(),
        "membership_form": MembershipForm(association=member.association),
        **_first_fee(member),
        "waiting_position": services.waiting_position(member),
        "show_category": request.scope.is_coordinator,
        "temporary_pending": bool(member.user_id) and TemporaryPassword.objects.filter(user_id=member.user_id).exists(),
        "audit": member.audit_entries.select_related("actor")[:20] if request.scope.is_coordinator else [],
        "more_links": links_for(request.scope, member),
    })


@require_scope(*COORDINATORS)
def member_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = group_for(request.scope, group_pk, write=True)
    form = MemberForm(request.POST or None, group=group, prefix="m")
    category_form = CategoryForm(request.POST or None, association=group.association, prefix="c")
    if request.method == "POST" and form.is_valid() and category_form.is_valid():
        data = {**form.cleaned_data, **category_form.cleaned_data}
        try:
            member = services.admit_member(group=group, by=request.user, **data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if member.status == Member.Status.WAITING:
                messages.warning(request, _(
                    "The share of priority members would fall below %(threshold)s %%: %(name)s cannot be admitted "
                    "now and is on the waiting list, in position %(position)s. They will be admitted in order as "
                    "soon as the share allows.") % {
                    "threshold": plain_number(group.association.priority_threshold), "name": member.name,
                    "position": services.waiting_position(member)})
            else:
                messages.success(request, _("%(name)s joined the group as member no. %(number)s.") % {
                    "name": member.name, "number": member.number})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {
        "form": form, "category_form": category_form, "group": group, "title": _("New member"),
    })


@require_scope(*COORDINATORS)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    form = MemberForm(request.POST or None, instance=None, group=member.group, prefix="m",
                      initial={f: getattr(member, f) for f in MemberForm.Meta.fields})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_member(member=member, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member, "group": member.group,
                                                        "title": _("Change %(name)s") % {"name": member.name}},
                  status=REFUSED if form.is_bound else 200)


@require_scope(*COORDINATORS)
def member_category(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    form = CategoryForm(request.POST or None, association=member.association, initial={
        "category": member.category, "priority_basis": member.priority_basis,
        "basis_partner": member.basis_partner, "basis_date": member.basis_date, "review_date": member.review_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_category(member=member, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Category saved."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/category_form.html", {"form": form, "member": member})


@require_scope(*STAFF)
@require_POST
def membership_record(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk)
    form = MembershipForm(request.POST, association=member.association)
    if form.is_valid():
        try:
            services.record_membership(member=member, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Membership recorded."))
    else:
        messages.error(request, _("The membership was not recorded: %(errors)s") % {
            "errors": " ".join(e for errors in form.errors.values() for e in errors)})
    return redirect("members:detail", pk=member.pk)


@require_scope(*COORDINATORS)
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.scope, pk, write=True)
    services.member_leaves(member=member, by=request.user)
    messages.success(request, _("%(name)s has left the group.") % {"name": member.name})
    return redirect("members:detail", pk=member.pk)


@require_scope(*COORDINATORS)
@require_POST
@never_cache
def member_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Give online access, or a new temporary password. The password is shown on this response only
    (no redirect: it is stored nowhere in clear, not even in the session)."""
    member = member_for(request.scope, pk, write=True)
    try:
        user, password = services.give_online_access(member=member, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/access_given.html", {"member": member, "username": user.username,
                                                         "password": password})


@require_scope(*COORDINATORS)
@require_POST
@never_cache
def access_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable slip: the page posts the password back; it is printed only if it is still the
    member's unused temporary password, so nothing else can be printed on the association's slip."""
    member = member_for(request.scope, pk, write=True)
    password = request.POST.get("password", "")
    user = member.user
    if (user is None or not TemporaryPassword.objects.filter(user=user, used_at__isnull=True).exists()
            or not user.check_password(password)):
        raise Http404
    login_url = request.build_absolute_uri(reverse("login"))
    return pdf_response("members/access_slip.html", {
        "member": member, "association": member.association, "username": user.username, "password": password,
        "login_url": login_url, "login_qr": mark_safe(qr.svg(login_url, label=_("QR code: opens the sign-in page"))),  # noqa: S308
    }, f"acces-{member.number}.pdf", request)


@require_scope(*COORDINATORS)
def quota_overview(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    quotas = services.group_quotas(scope.groups().order_by("name"))
    waiting = members_for(scope).waiting().select_related("group")
    return render(request, "members/quota.html", {"quotas": quotas, "waiting": waiting,
                                                  "threshold": scope.association.priority_threshold})


@require_scope(*COORDINATORS)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = (AuditEntry.objects.filter(association=request.scope.association)
               .select_related("actor", "member"))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "members/audit_log.html", {"page": page})


# --- Personal data: the member themselves, or a coordinator for them ---------------------------

def _data_subject(request, pk: int | None) -> Member:
    scope = request.scope
    if pk is None:
        if scope.member is None:
            raise Http404
        return scope.member
    return member_for(scope, pk, write=True)


@require_scope(MEMBER, *COORDINATORS)
def my_data(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = _data_subject(request, pk)
    return render(request, "members/my_data.html", {"member": member, "rows": readable_member_data(member),
                                                    "sections": sections_for(member), "own": pk is None})


@require_scope(MEMBER, *COORDINATORS)
def export_json(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = _data_subject(request, pk)
    data = services.export_member_data(member=member, by=request.user, fmt="json")
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="grappe-adherent-{member.number}.json"'
    return response


@require_scope(MEMBER, *COORDINATORS)
def export_pdf(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = _data_subject(request, pk)
    services.export_member_data(member=member, by=request.user, fmt="pdf")
    return pdf_response("members/export.html", {"member": member, "rows": readable_member_data(member),
                                                "sections": sections_for(member), "now": timezone.now()},
                        f"grappe-adherent-{member.number}.pdf", request)


@require_scope(MEMBER, *COORDINATORS)
def erase(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = _data_subject(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erase_member(member=member, by=request.user)
        if pk is None:
            logout(request)
            messages.success(request, _("Your personal data have been erased. Thank you for your time with us."))
            return redirect("login")
        messages.success(request, _("The member's personal data have been erased."))
        return redirect("members:list")
    return render(request, "members/erase_confirm.html", {"member": member, "own": pk is None})


# --- Referrals ------------------------------------------------------------------------------------

def _referral_partners(scope):
    partners = Partner.objects.filter(association=scope.association)
    return partners if scope.is_coordinator else partners.filter(pk=scope.partner_id)


@require_scope(REFERRER, *COORDINATORS)
def referral_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(referrals_for(request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "members/referral_list.html", {"page": page})


@require_scope(REFERRER, *COORDINATORS)
def referral_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    groups = scope.association.groups.exclude(status="closed").order_by("name")
    form = ReferralForm(request.POST or None, groups=groups, partners=_referral_partners(scope))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(partner=data["partner"], group=data["group"], by=request.user,
                                                household_name=data["household_name"], phone=data["phone"],
                                                persons=data["persons"], language=data["language"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Referral created. Print the slip and give it to the household."))
            return redirect("members:referral_detail", pk=referral.pk)
    return render(request, "members/referral_form.html", {"form": form})


def _join_link(request: HttpRequest, referral) -> dict:
    """The join page's address with the code filled in and the language the referrer picked, and its
    QR code (inline SVG, for the page and the printed slip alike)."""
    url = request.build_absolute_uri(reverse("members:register") + "?" + urlencode(
        {"code": referral.code, JOIN_LANGUAGE: referral.language}))
    return {"join_url": url, "join_qr": mark_safe(qr.svg(url, label=_("QR code: opens the join page with "  # noqa: S308
                                                                      "your code filled in")))}


@require_scope(REFERRER, *COORDINATORS)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for(request.scope, pk)
    context = {"referral": referral, "language": dict(language_choices()).get(referral.language, referral.language)}
    if not referral.has_joined:
        context.update(_join_link(request, referral))
        context["can_register"] = request.scope.is_coordinator and request.scope.has_group(referral.group_id)
    return render(request, "members/referral_detail.html", context)


@require_scope(REFERRER, *COORDINATORS)
def referral_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The printed slip, until the household has joined: then its code is spent and the slip is not
    printed again (a page says so)."""
    referral = referral_for(request.scope, pk)
    if referral.has_joined:
        return render(request, "members/referral_slip_used.html", {"referral": referral}, status=410)
    context = {"referral": referral, "register_url": request.build_absolute_uri(reverse("members:register")),
               **_join_link(request, referral)}
    return pdf_response("members/referral_slip.html", context, f"orientation-{referral.code}.pdf", request)


JOIN_LANGUAGE = "langue"  # the join page's query parameter for its language (the slip's QR code sets it)


def register(request: HttpRequest) -> HttpResponse:
    """Joining with a referral code: the household itself (public page) or a coordinator for it.

    `?code=...&langue=...` (the slip's QR code) fills in the code and shows the page in that language
    (one of settings.LANGUAGES), which becomes the member's language."""
    by = request.user if request.user.is_authenticated else None
    language = request.GET.get(JOIN_LANGUAGE, "")
    if language in services.language_codes():
        translation.activate(language)
        request.LANGUAGE_CODE = language
    else:
        language = ""
    referral = unused_referral(services.normalise_code(request.POST.get("code") or request.GET.get("code", "")))
    form = RegisterForm(request.POST or None, initial={"code": request.GET.get("code", "")},
                        association=referral.group.association if referral else None)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.register_with_code(by=by, language=language, **data)
            except DomainError as error:
                form.add_error("code" if isinstance(error, services.InvalidReferralCode) else None, str(error))
            else:
                if request.user.is_authenticated:
                    scope = scope_for(request.user)
                    if scope.is_coordinator and member.association == scope.association:
                        messages.success(request, _("%(name)s joined %(group)s as a priority member.") % {
                            "name": member.name, "group": member.group.name})
                        return redirect("members:detail", pk=member.pk)
                return _keep_language(render(request, "members/register_done.html", {
                    "member": member, "username": member.user.username if member.user else None,
                    **_first_fee(member)}), language)
    return _keep_language(render(request, "members/register.html", {"form": form, "referral": referral},
                                 status=status), language)


@require_scope(*COORDINATORS)
def register_household(request: HttpRequest) -> HttpResponse:
    """A coordinator registers a referred household with the code of its slip, from the members pages
    (the sign-in page's form is the household's own). The code must be for one of the coordinator's
    groups; any other answers as an unknown code."""
    scope = request.scope
    form = CoordinatorRegisterForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method != "POST":
        return render(request, "members/register_household.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        referral = unused_referral(services.normalise_code(data["code"]))
        if referral is not None and not (referral.association_id == scope.association.pk
                                         and scope.has_group(referral.group_id)):
            form.add_error("code", str(services.UNKNOWN_CODE))
        else:
            try:
                member = services.register_with_code(by=request.user, **data)
            except DomainError as error:
                form.add_error("code" if isinstance(error, services.InvalidReferralCode) else None, str(error))
            else:
                messages.success(request, _("%(name)s joined %(group)s as a priority member.") % {
                    "name": member.name, "group": member.group.name})
                return redirect("members:detail", pk=member.pk)
    return render(request, "members/register_household.html", {"form": form}, status=REFUSED)


def _keep_language(response: HttpResponse, language: str) -> HttpResponse:
    """The language of the slip's QR code stays for the next pages on this phone (sign-in...), as the
    language switch of the footer keeps it."""
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


def _first_fee(member: Member) -> dict:
    """What the member's pages say about the year's fee: whether ordering is open, and the amount to
    pay (chosen at joining, else from the association's minimum), at the first distribution when it
    is deferred (services.first_fee_due), before ordering otherwise."""
    today = timezone.localdate()
    paid = services.membership_is_paid(member, today.year)
    deferred = not paid and services.first_fee_deferred(member, today)
    chosen = None if paid else services.unpaid_fee(member, today)
    return {"is_paid": paid, "may_order": paid or deferred, "fee_deferred": deferred,
            "fee_due": chosen if chosen is not None else member.association.minimum_fee,
            "fee_chosen": chosen is not None, "minimum_fee": member.association.minimum_fee}
