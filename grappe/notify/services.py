"""Writes: a member switches reminders on or off; a volunteer marks a call as done; a volunteer sends
a member the receipt of their basket."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.queries import receipt as receipt_query
from grappe.core.errors import DomainError
from grappe.members.models import Member
from grappe.orders.models import quantity_label

from . import sms as sms_gateway
from .engine import Channel, Route, render, send_one
from .kinds.receipts import RECEIPT
from .models import SentNotification
from .phones import is_mobile, to_e164
from .reminders import REGISTRY, Due, Recipient


@transaction.atomic
def set_reminders(*, member: Member, wanted: bool) -> bool:
    """Switch a member's reminders on (wanted) or off. Returns True when something changed."""
    return Member.objects.filter(pk=member.pk, reminders_opt_out=wanted).update(reminders_opt_out=not wanted) == 1


@transaction.atomic
def mark_called(*, by, notification: SentNotification) -> bool:
    return SentNotification.objects.filter(pk=notification.pk, status=SentNotification.Status.TO_CALL).update(
        status=SentNotification.Status.CALLED, handled_by=by, sent_at=timezone.now()) == 1


# --- Erasure ---------------------------------------------------------------------------------------


@transaction.atomic
def erase_addresses(*, member: Member, user=None, values=()) -> int:
    """A member is erased (grappe.members.services.erase_member, through forget_erased_member): their
    reminders stay in the log (what was sent, when, by which channel) but no longer say to which phone
    or e-mail. Clears the address of every row sent to the member or to their login, and takes `values`
    (their former phone and e-mail) and those addresses out of the error, subject and text. Returns the
    number of rows changed."""
    sent = SentNotification.objects.filter(member=member)
    if user is not None:
        sent = sent | SentNotification.objects.filter(user=user)
    rows = list(sent.select_for_update(of=("self",)).order_by("pk"))
    gone = {v for v in values if v} | {row.address for row in rows if row.address}
    gone |= {to_e164(v) for v in set(gone) if to_e164(v)}
    for row in rows:
        row.address = ""
        for field in ("error", "subject", "text"):
            value = getattr(row, field)
            for text in sorted(gone, key=len, reverse=True):
                value = value.replace(text, "—")
            setattr(row, field, value)
    SentNotification.objects.bulk_update(rows, ["address", "error", "subject", "text"])
    return len(rows)


def forget_erased_member(*, member: Member, user, former, **_signal) -> None:
    """Connected to members.signals.member_erased (sent inside erase_member's transaction)."""
    erase_addresses(member=member, user=user, values=former)


# --- The receipt after a payment, sent on request -------------------------------------------------


class ReceiptNotSent(DomainError):
    pass


def receipt_route(member: Member) -> Route:
    """By the member's preferred channel (SMS or e-mail), else by the other one they have; refused when
    they want no messages, prefer paper or a phone call, or have neither a mobile number nor an e-mail."""
    if member.reminders_opt_out or member.erased_at or member.status == Member.Status.LEFT:
        raise ReceiptNotSent(_("This member does not want to receive messages: print the receipt instead."))
    if member.preferred_channel in (Channel.CALL, Channel.PAPER):
        raise ReceiptNotSent(_("This member prefers paper or a phone call: print the receipt instead."))
    phone = to_e164(member.phone) or ""
    phone = phone if phone and is_mobile(phone) and sms_gateway.enabled() else ""  # a landline gets no SMS
    email = member.email or (member.user.email if member.user is not None else "")
    routes = [Route(Channel.SMS, phone), Route(Channel.EMAIL, email)]
    if member.preferred_channel == Channel.EMAIL:
        routes.reverse()
    for route in routes:
        if route.address:
            return route
    raise ReceiptNotSent(_("This member has no mobile number and no e-mail address: print the receipt instead."))


def send_receipt(*, basket, by, backend=None) -> SentNotification:
    """Send the receipt of a basket (what was taken, paid, the balance) now, and log it.

    The same receipt (same text) is sent once: a second press, or two volunteers at once, are refused
    by the log's unique key; after another payment the text differs and it can be sent again. Not one
    transaction on purpose: the log row is committed before the message leaves (see engine)."""
    member = basket.member
    route = receipt_route(member)
    data = receipt_query(basket)
    distribution = basket.distribution
    context = {
        "group": distribution.group.name, "date": distribution.date, "number": member.number,
        "lines": [(line.name, quantity_label(line.quantity, line.unit), line.amount) for line in data.lines],
        "total": data.total, "paid": data.paid, "balance": data.balance,
        "payments": [(entry.get_means_display(), entry.amount) for entry in data.payments],
    }
    draft = Due(kind=RECEIPT, key="", recipient=Recipient(member=member), context=context,
                association=distribution.association, group=distribution.group)
    subject, text = render(REGISTRY[RECEIPT], draft, route.channel)
    digest = hashlib.sha256(f"{route.channel}\n{route.address}\n{text}".encode()).hexdigest()[:16]
    draft.key = f"basket:{basket.pk}:{digest}"
    row = send_one(draft, route, subject, text, backend=backend, by=by)
    if row is None:
        raise ReceiptNotSent(_("This receipt has already been sent."))
    if row.status != SentNotification.Status.SENT:
        raise ReceiptNotSent(_("The receipt could not be sent (%(error)s). Try again later, or print it."),
                             error=row.error or row.status)
    return row
