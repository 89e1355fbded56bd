"""API of the events calendar: list, detail, register and unregister (the member themself)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from grappe.core.errors import DomainError
from grappe.events import services
from grappe.events.models import Registration
from grappe.events.queries import event_for, events_for, with_counts
from grappe.network.access import scope_for

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    group_id: int  # the organising group (kept for older clients)
    group_ids: list[int]  # every group the event is for, the organising one first
    kind: str
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime | None
    capacity: int | None
    status: str
    registered: int
    waiting: int


class RegistrationOut(Schema):
    event_id: int
    status: str


def _out(event) -> dict:
    return {"id": event.pk, "group_id": event.group_id, "group_ids": event.group_ids, "kind": event.kind, "title": event.title,
            "description": event.description, "place": event.where, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "capacity": event.capacity, "status": event.status,
            "registered": event.confirmed, "waiting": event.waiting}


@router.get("/events", response=list[EventOut], summary="Upcoming events the user may see")
def list_events(request):
    return [_out(e) for e in with_counts(events_for(scope_for(request.user)).upcoming())]


@router.get("/events/{event_id}", response=EventOut)
def get_event(request, event_id: int):
    return _out(event_for(scope_for(request.user), event_id))


def _member_scope(request):
    scope = scope_for(request.user)
    if not scope.is_member:
        raise HttpError(404, "Not Found")
    return scope


@router.post("/events/{event_id}/registration", response=RegistrationOut, summary="Register the signed-in member")
def register(request, event_id: int):
    scope = _member_scope(request)
    event = event_for(scope, event_id)
    try:
        registration = services.register(by=request.user, event=event, member=scope.member)
    except DomainError as error:
        raise HttpError(409, str(error)) from None
    return {"event_id": event.pk, "status": registration.status}


@router.delete("/events/{event_id}/registration", response=RegistrationOut)
def unregister(request, event_id: int):
    scope = _member_scope(request)
    event = event_for(scope, event_id)
    registration = get_object_or_404(Registration, event=event, member=scope.member)
    try:
        services.unregister(registration=registration)
    except DomainError as error:
        raise HttpError(409, str(error)) from None
    return {"event_id": event.pk, "status": Registration.Status.CANCELLED}
