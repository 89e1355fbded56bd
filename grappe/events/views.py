from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED, DomainError
from grappe.members.queries import members_for
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope

from . import services
from .forms import EventForm, StaffRegistrationForm
from .models import Registration
from .queries import event_for, events_for, is_for_member, may_manage, registration_for, with_counts

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)


@require_scope(*STAFF, MEMBER)
def event_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    events = list(with_counts(events_for(scope).upcoming()).order_by("starts_at", "pk"))
    mine = {}
    if scope.is_member:
        mine = dict(Registration.objects.filter(member=scope.member, event__in=[e.pk for e in events])
                    .values_list("event_id", "status"))
    for event in events:
        event.my_status = mine.get(event.pk)
    return render(request, "events/list.html", {"events": events, "can_edit": scope.is_staff})


@require_scope(*STAFF, MEMBER)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    event = event_for(scope, pk)
    mine = None
    for_me = is_for_member(scope, event)
    if for_me:
        mine = Registration.objects.filter(event=event, member=scope.member).first()
    registrations = []
    can_edit = may_manage(scope, event)
    if can_edit:
        registrations = (event.registrations.exclude(status=Registration.Status.CANCELLED)
                         .select_related("member").order_by("status", "changed_at", "pk"))
    query, found = request.GET.get("q", "").strip()[:100], []
    if query and can_edit:
        # register by name: the members of the event's groups the user may see (members_for)
        found = list(members_for(scope).not_erased().filter(group__in=event.group_ids, status="active")
                     .matching(query).order_by("name", "number")[:20])
    return render(request, "events/detail.html", {
        "event": event, "mine": mine, "for_me": for_me, "registrations": registrations, "query": query,
        "found": found, "can_edit": can_edit,
        "group_names": list(event.groups.order_by("name").values_list("name", flat=True)),
        "is_past": event.starts_at <= timezone.now(), "staff_form": StaffRegistrationForm(),
    })


@require_scope(*STAFF)
def event_create(request: HttpRequest) -> HttpResponse:
    groups = request.scope.groups()
    form = EventForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(by=request.user, association=request.scope.association,
                                          **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The event is published for the members of the group."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None},
                  status=REFUSED if request.method == "POST" else 200)


@require_scope(*STAFF)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for(request.scope, pk, write=True)
    form = EventForm(request.POST or None, instance=event, groups=request.scope.groups())
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        # groups the user may not manage, that someone else put the event for, stay
        kept = event.groups.exclude(pk__in=request.scope.groups().values("pk"))
        values["other_groups"] = [*values["other_groups"], *kept.exclude(pk=values["group"].pk)]
        try:
            promoted = services.update_event(event=event, **values)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The event is saved."))
            if promoted:
                messages.info(request, _("%(count)s households moved from the waiting list to the list of "
                                         "registered.") % {"count": len(promoted)})
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event},
                  status=REFUSED if request.method == "POST" else 200)


@require_POST
@require_scope(MEMBER)
def register_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for(request.scope, pk)
    try:
        registration = services.register(by=request.user, event=event, member=request.scope.member)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered. See you there!"))
        else:
            messages.info(request, _("It is full: you are on the waiting list. We will tell you if a place "
                                     "becomes free."))
    return redirect("events:detail", pk=event.pk)


@require_POST
@require_scope(MEMBER)
def unregister_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for(request.scope, pk)
    registration = get_object_or_404(Registration, event=event, member=request.scope.member)
    try:
        services.unregister(registration=registration)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=event.pk)


@require_POST
@require_scope(*STAFF)
def staff_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer registers a household who asked by phone or at the distribution."""
    event = event_for(request.scope, pk, write=True)
    form = StaffRegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a member number."))
        return redirect("events:detail", pk=event.pk)
    member = members_for(request.scope).filter(group__in=event.group_ids,
                                               number=form.cleaned_data["member_number"]).first()
    if member is None:
        messages.error(request, _("No member of this group has that number."))
        return redirect("events:detail", pk=event.pk)
    try:
        registration = services.register(by=request.user, event=event, member=member)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(member)s: %(status)s.") % {
            "member": member, "status": registration.get_status_display()})
    return redirect("events:detail", pk=event.pk)


@require_POST
@require_scope(*STAFF)
def staff_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    registration = registration_for(request.scope, pk)
    try:
        services.unregister(registration=registration)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("events:detail", pk=registration.event_id)


