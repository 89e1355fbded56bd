from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .access import ADMIN, COORDINATOR, VOLUNTEER, group_for, require_scope
from .forms import AssociationForm, GroupForm, PartnerForm, SiteForm, TerritoryForm
from .models import BuyingGroup, Partner, Site

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
        partner = Partner.objects.filter(association=association, pk=pk).first()
        if partner is None:
            raise Http404
    else:
        partner = Partner(association=association)
    form = PartnerForm(request.POST or None, instance=partner)
    return _edit(request, form, partner.name if pk else _("New partner"), "network:overview")


@require_scope(ADMIN, COORDINATOR)
def site_edit(request: HttpRequest, group_pk: int, pk: int | None = None) -> HttpResponse:
    group = group_for(request.scope, group_pk)
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
