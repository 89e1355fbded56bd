"""The write path for events: create, change, cancel; register, unregister, the waiting list."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError

from .models import Event, Registration


class EventError(DomainError):
    pass


EVENT_FIELDS = ("group", "site", "kind", "title", "description", "place", "starts_at", "ends_at", "capacity")


def _check(values: dict, other_groups=()) -> None:
    site = values.get("site")
    if site is not None and site.group_id not in {values["group"].pk, *(g.pk for g in other_groups)}:
        raise EventError(_("This place belongs to another group."))
    ends_at = values.get("ends_at")
    if ends_at is not None and ends_at <= values["starts_at"]:
        raise EventError(_("The end must come after the start."))


def _set_groups(event: Event, other_groups) -> None:
    """The event is for its host group and `other_groups` (all of its association)."""
    if any(group.association_id != event.association_id for group in other_groups):
        raise EventError(_("This group belongs to another association."))
    event.groups.set({event.group_id, *(group.pk for group in other_groups)})
    event.__dict__.pop("_group_ids", None)


@transaction.atomic
def create_event(*, by, association, other_groups=(), **values) -> Event:
    """Create an event of the host `group`, also for `other_groups` (same association)."""
    _check(values, other_groups)
    if values["group"].association_id != association.pk:
        raise EventError(_("This group belongs to another association."))
    fields = {key: value for key, value in values.items() if key in EVENT_FIELDS}
    event = Event.objects.create(association=association, created_by=by, **fields)
    _set_groups(event, other_groups)
    return event


@transaction.atomic
def update_event(*, event: Event, other_groups=None, **values) -> list[Registration]:
    """Change an event (`other_groups`: the groups besides the host it is for; None keeps them).
    Raising the capacity moves households from the waiting list; returns them."""
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    merged = {k: getattr(event, k) for k in EVENT_FIELDS} | values
    if other_groups is None:
        other_groups = list(event.groups.exclude(pk=merged["group"].pk))
    _check(merged, other_groups)
    if merged["capacity"] is not None:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        if merged["capacity"] < confirmed:
            raise EventError(_("%(count)s households are already registered: the number of places cannot be lower."),
                             count=confirmed)
    for key, value in values.items():
        setattr(event, key, value)
    event.save()
    _set_groups(event, other_groups)
    return _fill_from_waiting_list(event)


@transaction.atomic
def cancel_event(*, event: Event) -> bool:
    return Event.objects.filter(pk=event.pk, status=Event.Status.PUBLISHED).update(
        status=Event.Status.CANCELLED) == 1


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def _fill_from_waiting_list(event: Event) -> list[Registration]:
    """First come, first served: promote waiting households while places are free (caller holds the lock)."""
    promoted = []
    now = timezone.now()
    waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by("changed_at", "pk")
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)
    for registration in waiting:
        if free is not None and free <= 0:
            break
        Registration.objects.filter(pk=registration.pk, status=Registration.Status.WAITING).update(
            status=Registration.Status.CONFIRMED, changed_at=now, promoted_at=now)
        registration.refresh_from_db()
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted


@transaction.atomic
def register(*, by, event: Event, member) -> Registration:
    """Register a household: confirmed while places remain, otherwise on the waiting list."""
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("This event is cancelled."))
    if event.starts_at <= timezone.now():
        raise EventError(_("This event has already started."))
    if member.group_id not in event.group_ids or member.status != member.Status.ACTIVE:
        raise EventError(_("This event is for the members of another group."))
    full = event.capacity is not None and _confirmed_count(event) >= event.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    now = timezone.now()
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is None:
        return Registration.objects.create(event=event, member=member, status=status, registered_by=by,
                                           created_at=now, changed_at=now)
    if registration.status != Registration.Status.CANCELLED:
        raise EventError(_("This household is already registered."))
    registration.status, registration.changed_at, registration.registered_by = status, now, by
    registration.promoted_at = None
    registration.save(update_fields=["status", "changed_at", "registered_by", "promoted_at"])
    return registration


@transaction.atomic
def unregister(*, registration: Registration) -> list[Registration]:
    """Cancel a registration; a freed place goes to the first household waiting. Returns those promoted."""
    event = Event.objects.select_for_update(of=("self",)).get(pk=registration.event_id)
    changed = Registration.objects.filter(
        pk=registration.pk, status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING]
    ).update(status=Registration.Status.CANCELLED, changed_at=timezone.now())
    if not changed:
        raise EventError(_("This registration is already cancelled."))
    return _fill_from_waiting_list(event)
