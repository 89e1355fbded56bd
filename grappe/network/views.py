from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED, DomainError
from grappe.core.models import TemporaryPassword
from grappe.core.pdf import pdf_response

from . import queries, services
from .access import ADMIN, COORDINATOR, VOLUNTEER, group_for, partner_for, require_scope
from .forms import (
    AssociationForm,
    GroupForm,
    PartnerForm,
    PersonDetailsForm,
    PersonForm,
    RoleForm,
    SiteForm,
    TerritoryForm,
)
from .models import BuyingGroup, Partner, PersonContact, Role, Site

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)


@require_scope(*STAFF)
def overview(request: HttpRequest) -> HttpResponse:
    association = request.scope.association
    groups = (request.scope.groups().select_related("territory", "host")
              .prefetch_related(Prefetch("sites", queryset=Site.objects.select_related("commune"))))
    return render(request, "network/overview.html", {
        "association": association, "groups": groups,
        "territories": association.territories.all(),
        "partners": association.partners.select_related("commune"),
    })


@require_scope(*STAFF)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = group_for(request.scope, pk)
    return render(request, "network/group_detail.html", {
        "group": group, "sites": group.sites.select_related("commune"),
    })


def _edit(request, form, title, back):
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(back)
    return render(request, "network/form.html", {"form": form, "title": title, "back": back})


@require_scope(ADMIN)
def association_edit(request: HttpRequest) -> HttpResponse:
    form = AssociationForm(request.POST or None, instance=request.scope.association)
    return _edit(request, form, _("The association"), "network:overview")


@require_scope(ADMIN)
def territory_create(request: HttpRequest) -> HttpResponse:
    form = TerritoryForm(request.POST or None)
    form.instance.association = request.scope.association
    return _edit(request, form, _("New territory"), "network:overview")


@require_scope(ADMIN)
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    association = request.scope.association
    group = group_for(request.scope, pk) if pk else BuyingGroup(association=association)
    form = GroupForm(request.POST or None, instance=group, association=association)
    return _edit(request, form, group.name if pk else _("New buying group"), "network:overview")


@require_scope(ADMIN, COORDINATOR)
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    association = request.scope.association
    if pk:
        partner = partner_for(request.scope, pk)
    else:
        partner = Partner(association=association)
    form = PartnerForm(request.POST or None, instance=partner)
    return _edit(request, form, partner.name if pk else _("New partner"), "network:overview")


@require_scope(ADMIN, COORDINATOR)
def site_edit(request: HttpRequest, group_pk: int, pk: int | None = None) -> HttpResponse:
    group = group_for(request.scope, group_pk, write=True)
    if pk:
        site = Site.objects.filter(group=group, pk=pk).first()
        if site is None:
            raise Http404
    else:
        site = Site(group=group)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("network:group", pk=group.pk)
    return render(request, "network/form.html", {"form": form, "title": site.name if pk else _("New site"),
                                                 "back": "network:overview"})


# --- The team: people with roles ------------------------------------------------------------------

@require_scope(ADMIN, COORDINATOR)
def team(request: HttpRequest) -> HttpResponse:
    """Admins see and manage the whole team; coordinators see, read-only, the people of their groups."""
    scope = request.scope
    people = queries.team(scope.association, None if scope.is_admin else scope.group_ids)
    return render(request, "network/team.html", {"people": people, "can_manage": scope.is_admin})


def _role_arguments(data) -> dict:
    return {"groups": data.get("groups") or [], "partner": data.get("partner")}


@require_scope(ADMIN)
@never_cache
def person_add(request: HttpRequest) -> HttpResponse:
    association = request.scope.association
    form = PersonForm(request.POST or None, association=association)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.add_person(
                association=association, by=request.user, first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], username=data["username"], kind=data["kind"],
                phone=data["phone"], **_role_arguments(data),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if not added.created:
                messages.success(request, _("%(name)s already had an account here: the role was added.")
                                 % {"name": added.user.get_full_name() or added.user.username})
                return redirect("network:person", pk=added.user.pk)
            password = services.issue_temporary_password(association=association, user=added.user, by=request.user)
            return _show_password(request, added.user, password, created=True)
    return render(request, "network/person_form.html", {"form": form, "title": _("Add a person")})


def _show_password(request, person, password, *, created):
    # Rendered in the answer to the POST, not redirected: the password is stored nowhere, shown once.
    return render(request, "network/person_password.html", {"person": person, "password": password,
                                                            "created": created})


@require_scope(ADMIN)
@require_POST
@never_cache
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A new temporary password (the slip was lost, or the person forgot theirs)."""
    association = request.scope.association
    person = queries.person_for(association, pk)
    try:
        password = services.issue_temporary_password(association=association, user=person, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("network:person", pk=person.pk)
    return _show_password(request, person, password, created=False)


@require_scope(ADMIN)
@require_POST
@never_cache
def person_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable slip: the page posts the password back; it is printed only if it is still the
    person's unused temporary password, so nothing else can be printed on the association's slip."""
    association = request.scope.association
    person = queries.person_for(association, pk)
    password = request.POST.get("password", "")
    if (not TemporaryPassword.objects.filter(user=person, used_at__isnull=True).exists()
            or not person.check_password(password)):
        raise Http404
    return pdf_response("network/person_slip.html", {
        "person": person, "association": association, "username": person.username, "password": password,
        "login_url": request.build_absolute_uri(reverse("login"))}, f"acces-{person.username}.pdf", request)


def _person_page(request, person, role_form=None, status=200):
    association = request.scope.association
    contact = PersonContact.objects.filter(user=person).first()
    return render(request, "network/person_detail.html", {
        "person": person, "history": queries.history(association, person),
        "phone": contact.phone if contact else "",
        "role_form": role_form or RoleForm(association=association, auto_id="add_%s"),
    }, status=status)


@require_scope(ADMIN)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, queries.person_for(request.scope.association, pk))


@require_scope(ADMIN)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a team member's name, e-mail or phone."""
    association = request.scope.association
    person = queries.person_for(association, pk)
    contact = PersonContact.objects.filter(user=person).first()
    form = PersonDetailsForm(request.POST or None, initial={
        "first_name": person.first_name, "last_name": person.last_name, "email": person.email,
        "phone": contact.phone if contact else ""})
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                changed = services.correct_person(association=association, user=person, by=request.user,
                                                  **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                if changed:
                    messages.success(request, _("Saved."))
                return redirect("network:person", pk=person.pk)
    return render(request, "network/person_form.html", {"form": form, "person": person,
                                                        "title": _("Correct name, e-mail or phone")}, status=status)


@require_scope(ADMIN)
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    association = request.scope.association
    person = queries.person_for(association, pk)
    if request.method != "POST":
        return redirect("network:person", pk=person.pk)
    form = RoleForm(request.POST, association=association, auto_id="add_%s")
    if form.is_valid():
        try:
            services.add_role(association=association, user=person, by=request.user, kind=form.cleaned_data["kind"],
                              **_role_arguments(form.cleaned_data))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Role added."))
            return redirect("network:person", pk=person.pk)
    return _person_page(request, person, role_form=form, status=400)


def _role_for(association, person, role_pk: int) -> Role:
    role = Role.objects.filter(association=association, user=person, pk=role_pk).select_related("partner").first()
    if role is None:
        raise Http404
    return role


@require_scope(ADMIN)
def role_edit(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    association = request.scope.association
    person = queries.person_for(association, pk)
    role = _role_for(association, person, role_pk)
    if role.kind == Role.Kind.ADMIN:
        raise Http404  # nothing to change: an admin reaches every group
    initial = {"groups": list(role.groups.all()), "partner": role.partner}
    form = RoleForm(request.POST or None, initial=initial, association=association, with_kind=False)
    if role.kind == Role.Kind.REFERRER:
        del form.fields["groups"]
    else:
        del form.fields["partner"]
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(role=role, by=request.user, **_role_arguments(form.cleaned_data))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Role changed."))
            return redirect("network:person", pk=person.pk)
    title = f"{person.get_full_name() or person.username} · {role.get_kind_display()}"
    return render(request, "network/person_form.html", {"form": form, "title": title, "person": person})


def _post_action(request, pk, action, done):
    association = request.scope.association
    person = queries.person_for(association, pk)
    if request.method == "POST":
        try:
            action(association, person)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
    return redirect("network:person", pk=person.pk)


@require_scope(ADMIN)
def role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    def remove(association, person):
        services.remove_role(role=_role_for(association, person, role_pk), by=request.user)

    return _post_action(request, pk, remove, _("Role removed."))


@require_scope(ADMIN)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def deactivate(association, person):
        services.deactivate_person(association=association, user=person, by=request.user)

    return _post_action(request, pk, deactivate, _("Deactivated: this person can no longer sign in."))


@require_scope(ADMIN)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def reactivate(association, person):
        services.reactivate_person(association=association, user=person, by=request.user)

    return _post_action(request, pk, reactivate, _("Reactivated."))
