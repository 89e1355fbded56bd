"""Writes: a member switches reminders on or off; a volunteer marks a call as done; a volunteer sends
a member the receipt of their basket; a coordinator sends a one-off message when plans change."""

import hashlib
from collections import Counter
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.queries import receipt as receipt_query
from grappe.core.errors import DomainError
from grappe.members.models import Member
from grappe.orders.models import quantity_label

from . import quiet
from . import sms as sms_gateway
from .audiences import SKIP_GONE, SKIP_OPT_OUT, Audience, audience_of, recipients, skipped
from .audiences import route as message_route
from .engine import Channel, Route, render, send_one
from .gsm import parts as sms_parts
from .kinds.messages import MESSAGE
from .kinds.receipts import RECEIPT
from .models import OneOffMessage, ReminderSetting, SentNotification
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


# --- A coordinator's one-off message --------------------------------------------------------------


class MessageRefused(DomainError):
    pass


MAX_TEXT = 600  # four SMS parts at most in GSM-7, nine in UCS-2: the preview shows the cost


def send_time(about_date, *, now):
    """Now, or when the quiet hours end (grappe/notify/quiet.py): NOTIFY_HOURS for any message, 7 h to
    21 h for one about today's or tomorrow's distribution."""
    hours = tuple(getattr(settings, "NOTIFY_HOURS", quiet.HOURS))
    return quiet.send_time(timezone.localtime(now), about_date, hours, quiet.URGENT_HOURS)


def create_message(*, audience: Audience, text: str, subject: str = "", about_date=None, token, by,
                   now=None) -> tuple[OneOffMessage, bool]:
    """Record the message and have it sent after the commit (now, or when the quiet hours end).

    `token` comes from the preview page: pressing "Envoyer" twice finds the message made the first time
    (returned with False) and sends nothing more. Each person gets it once anyway: the log's unique
    (kind, key, recipient) is the guard (see engine)."""
    text = (text or "").strip()
    if not text:
        raise MessageRefused(_("Write the message."))
    if len(text) > MAX_TEXT:
        raise MessageRefused(_("The message is too long (%(length)s characters; at most %(max)s)."),
                             length=len(text), max=MAX_TEXT)
    now = now or timezone.now()
    send_at = send_time(about_date, now=now)
    try:
        with transaction.atomic():
            message = OneOffMessage.objects.create(
                association=audience.association, audience=audience.kind, group=audience.group,
                site=audience.site, cycle=audience.cycle, distribution=audience.distribution,
                group_ids=list(audience.group_ids), about_date=about_date, subject=(subject or "").strip()[:150],
                text=text, token=token, created_by=by, created_at=now, send_at=send_at)
            transaction.on_commit(partial(_enqueue, message.pk, send_at if send_at > now else None))
    except IntegrityError:  # this page was sent already (a double press, or the back button)
        found = OneOffMessage.objects.filter(token=token, association=audience.association).first()
        if found is None:
            raise MessageRefused(_("This message could not be recorded: write it again.")) from None
        return found, False
    return message, True


def _enqueue(message_id: int, run_after) -> None:
    # Imported here: tasks.py imports this module to register its task.
    from .tasks import send_message

    if run_after is not None and not send_message.get_backend().supports_defer:
        return  # a queue that cannot wait: `send_reminders` (a timer) sends it once its time has come
    (send_message.using(run_after=run_after) if run_after is not None else send_message).enqueue(message_id)


def deliver_message(*, message: OneOffMessage, now=None, backend=None) -> OneOffMessage:
    """Send a message to each person of its audience once, if its time has come (else nothing).

    Those who want no messages, who left or were erased are skipped and counted; those who prefer a
    phone call or paper (or have no mobile number and no e-mail) go to the volunteers' call list.
    Safe to run again, or twice at once: each (message, person) is claimed once in the log."""
    now = now or timezone.now()
    if message.send_at > now:
        return message
    backend = backend or sms_gateway.get_backend()
    context = {"text": message.text, "subject": message.subject,
               "group": message.group.name if message.group else message.association.name}
    kind = REGISTRY[MESSAGE]
    reasons: Counter[str] = Counter()
    for recipient in recipients(audience_of(message)):
        reason = skipped(recipient)
        if reason:
            reasons[reason] += 1
            continue
        way = message_route(recipient)
        due = Due(kind=MESSAGE, key=message.key, recipient=recipient, context=context,
                  association=message.association, group=message.group)
        subject, text = render(kind, due, way.channel)
        send_one(due, way, subject, text, backend=backend, now=now)
    return _count(message, reasons, now=now)


def _count(message: OneOffMessage, reasons: Counter, *, now) -> OneOffMessage:
    rows = SentNotification.objects.filter(kind=MESSAGE, key=message.key)
    counts: Counter[str] = Counter()
    for channel, status, text in rows.values_list("channel", "status", "text"):
        if status in (SentNotification.Status.TO_CALL, SentNotification.Status.CALLED):
            counts["to_call"] += 1
        elif status == SentNotification.Status.SENT and channel == Channel.SMS:
            counts["sms"] += 1
            counts["sms_parts"] += sms_parts(text)  # what the provider bills
        elif status == SentNotification.Status.SENT:
            counts["email"] += 1
        else:
            counts["failed"] += 1
    OneOffMessage.objects.filter(pk=message.pk).update(
        sms=counts["sms"], sms_parts=counts["sms_parts"], email=counts["email"], to_call=counts["to_call"],
        failed=counts["failed"], skipped_opt_out=reasons[SKIP_OPT_OUT], skipped_gone=reasons[SKIP_GONE])
    OneOffMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=now)
    message.refresh_from_db()
    return message


def deliver_due_messages(*, now=None, backend=None) -> int:
    """The timer's part (`send_reminders`): the messages whose time has come and that no task sent."""
    now = now or timezone.now()
    due = list(OneOffMessage.objects.filter(sent_at__isnull=True, send_at__lte=now)
               .select_related("association", "group", "site", "cycle", "distribution"))
    for message in due:
        deliver_message(message=message, now=now, backend=backend)
    return len(due)


# --- The association's choice of reminders -------------------------------------------------------

def chosen_kinds() -> list[str]:
    """The reminders the cron sends, which an association may switch off or restrict (a receipt and a
    coordinator's message are sent by a person, who sees the route first)."""
    return sorted(name for name in REGISTRY if name not in (RECEIPT, MESSAGE))


@transaction.atomic
def save_reminder_settings(*, association, by, choices: dict[str, dict[str, bool]]) -> list[str]:
    """Save the association's choice per kind ({"enabled", "sms", "email", "call"}); returns the kinds
    changed. A kind sent needs at least one channel."""
    changed = []
    for kind, choice in choices.items():
        if kind not in chosen_kinds():
            raise DomainError(_("Unknown value for %(field)s: %(value)s.") % {"field": "kind", "value": kind[:40]})
        if choice.get("enabled") and not (choice.get("sms") or choice.get("email") or choice.get("call")):
            raise DomainError(_("\"%(kind)s\" is sent: choose at least one channel, or stop sending it."),
                              kind=REGISTRY[kind].label)
        values = {"enabled": bool(choice.get("enabled")), "by_sms": bool(choice.get("sms")),
                  "by_email": bool(choice.get("email")), "by_call": bool(choice.get("call"))}
        setting = (ReminderSetting.objects.select_for_update(of=("self",))
                   .filter(association=association, kind=kind).order_by("pk").first())
        if setting is None:
            if all(values.values()):
                continue  # the default: no row needed
            ReminderSetting.objects.create(association=association, kind=kind, **values)
            changed.append(kind)
        elif any(getattr(setting, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(setting, name, value)
            setting.save(update_fields=list(values))
            changed.append(kind)
    return changed
