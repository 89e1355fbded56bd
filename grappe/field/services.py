"""The only write path of the field app: prepare, revoke and finish a device; hand it its bundle;
apply what it sends; mark a refused entry handled.

Applying entries (docs/field-protocol.md): each entry in its own transaction, in the device's order,
exactly once (the entry's UUID is FieldEntry's primary key: a second copy finds the first). Inside
one entry's transaction the basket is locked as every basket change locks it (its distribution FOR
KEY SHARE, then the basket row), then the distribution and account services take their own locks in
their usual order (distribution, basket, member): no lock is held from one
entry to the next, so a device sending 500 entries never blocks a volunteer at the ordinary checkout
for longer than one entry. A refusal is never dropped: it is stored with its reason in French.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from grappe.accounts import services as account_services
from grappe.core.errors import DomainError
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.network.models import BuyingGroup

from . import queries
from .models import FieldBasketStamp, FieldDevice, FieldEntry

MAX_ENTRIES = 500
MAX_LINES = 200
MAX_QUANTITY = Decimal("100000")  # far above a basket's line, far below the columns' digits
MAX_AMOUNT = Decimal("100000")
KNOWN_STAMPS = 50  # a device rarely enters more than a handful of things per basket
EARLIEST_ENTRY = dt.timedelta(hours=1)  # a device's clock may run a little ahead of the server's


class FieldError(DomainError):
    pass


class DeviceClosed(FieldError):
    """The device was revoked or finished: nothing it sends is applied."""


class Refusal(FieldError):
    pass


# --- Devices --------------------------------------------------------------------------------------

@transaction.atomic
def prepare_device(*, group, day, label, by, now=None) -> tuple[FieldDevice, str]:
    """A device for `group`'s tour day `day`; returns it and its key (shown once, never stored)."""
    now = now or timezone.now()
    label = (label or "").strip()
    if not label:
        raise FieldError(_("Name the device (for instance “Tablette du camion”)."))
    if len(label) > 100:
        raise FieldError(_("The device's name is too long (100 characters at most)."))
    if group.kind != BuyingGroup.Kind.MOBILE:
        raise FieldError(_("Only a van's tour day can be prepared for the road."))
    if not Distribution.objects.filter(group=group, date=day, status=Distribution.Status.PLANNED).exists():
        raise FieldError(_("There is no distribution of this group to run on that day."))
    key = FieldDevice.new_key()
    device = FieldDevice.objects.create(association_id=group.association_id, group=group, day=day, label=label,
                                        prefix=key[4:12], key_hash=FieldDevice.hash_key(key), prepared_by=by,
                                        prepared_at=now)
    return device, key


@transaction.atomic
def revoke_device(*, device, by, now=None) -> FieldDevice:
    """Active or finished -> revoked: its token stops working, and it erases its data at its next contact."""
    now = now or timezone.now()
    if FieldDevice.objects.filter(pk=device.pk).exclude(status=FieldDevice.Status.REVOKED).update(
            status=FieldDevice.Status.REVOKED, revoked_by=by, revoked_at=now) != 1:
        raise FieldError(_("This device has already been revoked."))
    device.refresh_from_db()
    return device


@transaction.atomic
def finish_device(*, device, now=None) -> FieldDevice:
    """The device says everything is sent and the day is done: active -> finished (its token stops)."""
    now = now or timezone.now()
    if FieldDevice.objects.filter(pk=device.pk, status=FieldDevice.Status.ACTIVE).update(
            status=FieldDevice.Status.FINISHED, finished_at=now, last_contact_at=now) != 1:
        raise DeviceClosed(_("This device no longer works for this tour day."))
    device.refresh_from_db()
    return device


def touch(*, device, now) -> None:
    """The device was heard from (the coordinators' list shows when)."""
    FieldDevice.objects.filter(pk=device.pk).update(last_contact_at=now)
    device.last_contact_at = now


@transaction.atomic
def hand_bundle(*, device, now=None) -> dict:
    """The day's bundle for `device`; records, per basket, the stamp the device now knows."""
    now = now or timezone.now()
    touch(device=device, now=now)
    data = queries.bundle(device)
    given = {row["id"]: row["stamp"] for stop in data["stops"] for row in stop["baskets"]}
    records = {r.basket_id: r for r in FieldBasketStamp.objects.filter(device=device, basket_id__in=list(given))}
    changed, new = [], []
    for basket_id, current in given.items():
        record = records.get(basket_id)
        if record is None:
            new.append(FieldBasketStamp(device=device, basket_id=basket_id, own=current, known=[current]))
        elif record.own != current or current not in record.known:
            record.known = _known_after(record, current)
            record.own = current
            changed.append(record)
    FieldBasketStamp.objects.bulk_create(new)
    FieldBasketStamp.objects.bulk_update(changed, ["own", "known"])
    return data


def _known_after(record, current, own_change=False) -> list[str]:
    if own_change or record.own == current:
        return [s for s in record.known if s != current][-(KNOWN_STAMPS - 1):] + [current]
    return [current]


def _remember(device, basket_id, current, record, *, own_change=False, before=None) -> None:
    """The device now knows the basket at `current`. A change made by someone else since the device
    last saw it (`own` differs, and it is not the device's own change) forgets the older stamps;
    `before`: the stamp the device's own change was made on (it still holds it for its next entries)."""
    if record is None:
        known = [before, current] if before and before != current else [current]
        FieldBasketStamp.objects.create(device=device, basket_id=basket_id, own=current, known=known)
        return
    FieldBasketStamp.objects.filter(pk=record.pk).update(own=current, known=_known_after(record, current, own_change))


# --- Reading what the device sends ----------------------------------------------------------------

@dataclass
class Parsed:
    id: uuid.UUID
    kind: str
    basket_id: int
    stamp: str
    device_at: dt.datetime | None
    payload: dict = field(default_factory=dict)


def _decimal(value, *, low: Decimal, high: Decimal, strict_low: bool, message) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (isinstance(value, str) and len(value) > 30):
        raise Refusal(message)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise Refusal(message) from None
    if not number.is_finite() or number >= high or number < low or (strict_low and number == low):
        raise Refusal(message)
    return number


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Refusal(_("A text entered is too long or unreadable."))
    return value.strip()


def _flag(value) -> bool:
    if value in (None, False, True):
        return bool(value)
    raise Refusal(_("A box ticked on the device is unreadable."))


def _lines(payload) -> dict[int, Decimal]:
    lines = payload.get("lines") or {}
    if not isinstance(lines, dict) or len(lines) > MAX_LINES:
        raise Refusal(_("The weights sent are unreadable."))
    out = {}
    for key, value in lines.items():
        if not isinstance(key, str) or not key.isdigit() or len(key) > 12:
            raise Refusal(_("The weights sent are unreadable."))
        out[int(key)] = _decimal(value, low=Decimal(0), high=MAX_QUANTITY, strict_low=False,
                                 message=_("A quantity entered is not a number between 0 and 100 000."))
    return out


def _means(value) -> str:
    if value not in queries.DEVICE_MEANS:
        raise Refusal(_("Unknown means of payment."))
    return value


def _payload(kind: str, payload: dict) -> dict:
    """The payload of one kind of entry, every field checked and bounded (a Refusal otherwise)."""
    if kind in (FieldEntry.Kind.SERVED, FieldEntry.Kind.COLLECTED):
        return {"lines": _lines(payload)}
    if kind == FieldEntry.Kind.STOCK_SALE:
        product = payload.get("product")
        if isinstance(product, bool) or not isinstance(product, int) or product <= 0:
            raise Refusal(_("The product sold is unreadable."))
        quantity = _decimal(payload.get("quantity"), low=Decimal(0), high=MAX_QUANTITY, strict_low=True,
                            message=_("Enter a quantity above zero."))
        return {"product": product, "quantity": quantity}
    if kind == FieldEntry.Kind.PAYMENT:
        amount = _decimal(payload.get("amount"), low=Decimal(0), high=MAX_AMOUNT, strict_low=True,
                          message=_("The amount is not a number above zero."))
        return {"amount": amount, "means": _means(payload.get("means")),
                "reference": _text(payload.get("reference"), 60), "issuer": _text(payload.get("issuer"), 100),
                "advance": _flag(payload.get("advance"))}
    if kind == FieldEntry.Kind.FEE:
        return {"means": _means(payload.get("means"))}
    if kind == FieldEntry.Kind.ON_ACCOUNT:
        return {"confirmed": _flag(payload.get("confirmed"))}
    return {}


def _entry_id(raw) -> uuid.UUID | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def parse_entry(raw, entry_id: uuid.UUID) -> Parsed:
    """One entry as sent, checked field by field (a Refusal with a reason in French otherwise)."""
    kind = raw.get("kind")
    if kind not in FieldEntry.Kind.values:
        raise Refusal(_("Unknown kind of entry."))
    basket_id = raw.get("basket")
    if isinstance(basket_id, bool) or not isinstance(basket_id, int) or basket_id <= 0:
        raise Refusal(_("This basket is not part of this device's tour day."))
    stamp = raw.get("stamp")
    if not isinstance(stamp, str) or len(stamp) > 64:
        raise Refusal(_("The entry does not say which state of the basket it was made on."))
    at = raw.get("at")
    device_at = parse_datetime(at) if isinstance(at, str) and len(at) <= 40 else None
    if device_at is not None and timezone.is_naive(device_at):
        device_at = timezone.make_aware(device_at)
    payload = raw.get("payload", {})
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise Refusal(_("The entry is unreadable."))
    try:
        checked = _payload(kind, payload)
    except ValueError:
        raise Refusal(_("The entry is unreadable.")) from None
    return Parsed(id=entry_id, kind=kind, basket_id=basket_id, stamp=stamp, device_at=device_at, payload=checked)


def _stored_payload(raw) -> dict:
    """What was entered, kept for the coordinators' list (JSON as sent, bounded)."""
    payload = raw.get("payload") if isinstance(raw, dict) else None
    return payload if isinstance(payload, dict) and len(str(payload)) <= 20000 else {}


# --- Applying -------------------------------------------------------------------------------------

def _when(device, parsed: Parsed | None, now) -> dt.datetime:
    """When the entry was made: the device's time if it is plausible, else when it arrived."""
    at = parsed.device_at if parsed else None
    if at is not None and device.prepared_at - EARLIEST_ENTRY <= at <= now:
        return at
    return now


def _apply(device, parsed: Parsed, basket: Basket, when) -> None:
    by = device.prepared_by
    payload = parsed.payload
    kind = parsed.kind
    if kind == FieldEntry.Kind.SERVED:
        distribution_services.record_served(basket=basket, served=payload["lines"], by=by, now=when)
    elif kind == FieldEntry.Kind.COLLECTED:
        account_services.collect_basket(basket=basket, served=payload["lines"] or None, by=by, now=when)
    elif kind == FieldEntry.Kind.NOT_COLLECTED:
        distribution_services.mark_not_collected(basket=basket, by=by, now=when)
    elif kind == FieldEntry.Kind.STOCK_SALE:
        distribution_services.add_from_stock(basket=basket, product_id=payload["product"],
                                             quantity=payload["quantity"], by=by, now=when)
    elif kind == FieldEntry.Kind.PAYMENT:
        account_services.record_payment(member=basket.member, amount=payload["amount"], means=payload["means"],
                                        by=by, key=parsed.id, reference=payload["reference"],
                                        issuer=payload["issuer"], distribution=basket.distribution, basket=basket,
                                        advance=payload["advance"], now=when)
    elif kind == FieldEntry.Kind.FEE:
        account_services.take_first_fee(basket=basket, means=payload["means"], by=by, now=when)
    elif kind == FieldEntry.Kind.ON_ACCOUNT:
        account_services.leave_on_account(member=basket.member, by=by, confirmed=payload["confirmed"])


def _locked_basket(device, basket_id) -> Basket | None:
    """The basket of the device's day, locked in the order every basket change takes (docs/architecture.md,
    "Distribution"): its distribution row FOR KEY SHARE, then the basket row only FOR UPDATE."""
    distribution_id = queries.day_baskets(device).filter(pk=basket_id).values_list("distribution_id", flat=True).first()
    if distribution_id is None:
        return None
    if connection.vendor == "postgresql":  # SQLite has no row locks (and writes one at a time)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Distribution._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                           [distribution_id])
    return (Basket.objects.select_for_update(of=("self",)).select_related("distribution", "member")
            .get(pk=basket_id))


def _check(device, parsed: Parsed, basket: Basket) -> tuple[str, FieldBasketStamp | None]:
    """Refuses an entry the server must not apply: distribution closed, basket changed
    on the server since the device knew it. Returns the basket's current stamp and the device's record."""
    if basket.distribution.status != Distribution.Status.PLANNED:
        raise Refusal(_("The distribution of this stop is closed: nothing more can be recorded there."))
    current = queries.stamps([basket])[basket.pk]
    record = FieldBasketStamp.objects.filter(device=device, basket=basket).first()
    fresh = (parsed.stamp == current) if record is None else (record.own == current and parsed.stamp in record.known)
    if not fresh:
        raise Refusal(_("This basket was changed on the server since the device received it (reopened, collected "
                        "or paid elsewhere, or its lines changed): this entry was not applied."))
    return current, record


def _result(entry_id, status, message="", basket=None) -> dict:
    out = {"id": str(entry_id), "status": status}
    if message:
        out["message"] = message
    out["basket"] = basket
    return out


def _duplicate(first: FieldEntry) -> dict:
    message = str(_("Already received: nothing changed."))
    if first.status == FieldEntry.Status.REFUSED:
        message = f"{message} {first.reason}"
    out = _result(first.id, "duplicate", message, queries.fresh_basket(first.basket_id) if first.basket_id else None)
    out["first"] = first.status
    return out


def apply_entry(*, device, raw, now) -> dict:
    """One entry: applied in its own transaction, or refused and kept. Returns its result."""
    entry_id = _entry_id(raw)
    if entry_id is None:  # nothing to key it on: it cannot be kept, nor come from the app
        return _result(raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else "",
                       FieldEntry.Status.REFUSED, str(_("The entry is unreadable.")))
    first = FieldEntry.objects.filter(pk=entry_id).first()
    if first is not None:
        if first.device_id != device.pk:
            return _result(entry_id, FieldEntry.Status.REFUSED, str(_("The entry is unreadable.")))
        return _duplicate(first)
    parsed = None
    basket_id = None
    try:
        parsed = parse_entry(raw, entry_id)
        with transaction.atomic():
            if FieldDevice.objects.filter(pk=device.pk, status=FieldDevice.Status.ACTIVE).count() != 1:
                raise DeviceClosed(_("This device no longer works for this tour day."))
            basket = _locked_basket(device, parsed.basket_id)
            if basket is None:
                raise Refusal(_("This basket is not part of this device's tour day."))
            basket_id = basket.pk
            _current, record = _check(device, parsed, basket)
            _apply(device, parsed, basket, _when(device, parsed, now))
            after = queries.stamps([Basket.objects.get(pk=basket.pk)])[basket.pk]
            _remember(device, basket.pk, after, record, own_change=True, before=parsed.stamp)
            result = _result(entry_id, FieldEntry.Status.APPLIED, basket=queries.fresh_basket(basket.pk))
            FieldEntry.objects.create(id=entry_id, device=device, basket=basket, kind=parsed.kind,
                                      payload=_stored_payload(raw), stamp=parsed.stamp, device_at=parsed.device_at,
                                      received_at=now, status=FieldEntry.Status.APPLIED,
                                      result={"status": FieldEntry.Status.APPLIED})
            return result
    except DeviceClosed:
        raise
    except IntegrityError:  # the same entry, sent again at once, committed first by the other request
        first = FieldEntry.objects.filter(pk=entry_id).first()
        if first is None:
            raise
        return _duplicate(first)
    except DomainError as error:
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(error)[:500]
    return _refuse(device, raw, parsed, entry_id, basket_id, reason, now)


@transaction.atomic
def _refuse(device, raw, parsed, entry_id, basket_id, reason, now) -> dict:
    if basket_id is None and parsed is not None:
        basket_id = queries.day_baskets(device).filter(pk=parsed.basket_id).values_list("pk", flat=True).first()
    fresh = None
    if basket_id is not None:
        fresh = queries.fresh_basket(basket_id)
        record = FieldBasketStamp.objects.filter(device=device, basket_id=basket_id).first()
        if fresh is not None:
            _remember(device, basket_id, fresh["stamp"], record)
    kind = raw.get("kind") if raw.get("kind") in FieldEntry.Kind.values else ""
    try:
        with transaction.atomic():
            FieldEntry.objects.create(
                id=entry_id, device=device, basket_id=basket_id,
                kind=kind,
                payload=_stored_payload(raw), stamp=parsed.stamp if parsed else "",
                device_at=parsed.device_at if parsed else None, received_at=now, status=FieldEntry.Status.REFUSED,
                reason=reason, result={"status": FieldEntry.Status.REFUSED, "message": reason})
    except IntegrityError:
        first = FieldEntry.objects.get(pk=entry_id)
        return _duplicate(first)
    return _result(entry_id, FieldEntry.Status.REFUSED, reason, fresh)


def apply_entries(*, device, entries, now=None) -> list[dict]:
    """Everything a device sends, in its order; each entry in its own transaction (no lock held
    across entries). Raises DeviceClosed, before applying anything, for a revoked or finished device."""
    now = now or timezone.now()
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise FieldError(_("Send at most %(count)s entries at once."), count=MAX_ENTRIES)
    device.refresh_from_db()
    if device.status != FieldDevice.Status.ACTIVE:
        raise DeviceClosed(_("This device no longer works for this tour day."))
    touch(device=device, now=now)
    results = []
    for raw in entries:
        if not isinstance(raw, dict):
            results.append(_result("", FieldEntry.Status.REFUSED, str(_("The entry is unreadable."))))
            continue
        results.append(apply_entry(device=device, raw=raw, now=now))
    return results


# --- Coordinators ---------------------------------------------------------------------------------

@transaction.atomic
def mark_handled(*, entry, by, note="", now=None) -> FieldEntry:
    """A coordinator has dealt with a refused entry (who, when, and a note if any)."""
    now = now or timezone.now()
    note = (note or "").strip()
    if len(note) > 300:
        raise FieldError(_("The note is too long (300 characters at most)."))
    if FieldEntry.objects.filter(pk=entry.pk, status=FieldEntry.Status.REFUSED, handled_at__isnull=True).update(
            handled_by=by, handled_at=now, handled_note=note) != 1:
        raise FieldError(_("This entry has already been handled."))
    entry.refresh_from_db()
    return entry


def forget_erased_member(*, member, **_signal) -> None:
    """Connected to members.signals.member_erased (inside erase_member's transaction): what the devices
    entered for the member's baskets (a voucher's number, a cheque's) is forgotten; the entry's kind,
    outcome and reason stay for the coordinators' records."""
    FieldEntry.objects.filter(basket__member=member).update(payload={}, result={})
