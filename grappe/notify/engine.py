"""Send what is due: for every registered kind, every Due, once, by the recipient's channel.

Insert first, then send: the row (kind, key, recipient) is committed as "pending" (claimed, with
`claimed_at`) before the message leaves, so a second run, even at the same moment, hits the unique
constraint and skips it. A failed send, or a claim older than CLAIM_TIMEOUT that never got sent (the
process was killed between claiming and sending), is claimed again by a later run (up to
MAX_ATTEMPTS), through a conditional update that only one run can win. A row sent, or handed to the
call list, is never claimed again.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from grappe.members.language import member_language

from . import channels
from . import sms as sms_gateway
from .gsm import parts as sms_parts
from .models import ReminderSetting, SentNotification
from .phones import to_e164
from .reminders import REGISTRY, Due, ReminderKind

MAX_ATTEMPTS = 3
# A send takes seconds (SMTP and HTTP time out well before): a claim this old was abandoned.
CLAIM_TIMEOUT = timedelta(minutes=10)
Channel = SentNotification.Channel
Status = SentNotification.Status


@dataclass
class Route:
    channel: str
    address: str


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    lines: list = field(default_factory=list)

    def add(self, what: str, line: str = ""):
        self.counts[what] += 1
        if line:
            self.lines.append(line)


def _person_phone(user) -> str:
    """A team member's phone (grappe.network.models.PersonContact), "" without one."""
    contact = getattr(user, "contact", None) if hasattr(user, "contact") else None
    return contact.phone if contact is not None else ""


def route_for(due: Due, policy: channels.Policy | None = None) -> Route | None:
    """The channel by the one rule of grappe.notify.channels (the association's settings for the kind,
    then the member's channel, then SMS, e-mail, the call list) and its address; None when nothing
    goes (the kind is switched off, or a volunteer has neither number nor e-mail)."""
    policy = policy or channels.Policy()
    policy = channels.Policy(enabled=policy.enabled, channels=policy.channels,
                             sms_available=policy.sms_available and sms_gateway.enabled())
    member, user = due.recipient.member, due.recipient.user
    if member is None and user is not None:
        member = getattr(user, "member", None) if hasattr(user, "member") else None
    if member is not None:
        raw_phone = member.phone
        email = member.email or (user.email if user is not None else "")
        preferred = member.preferred_channel
    else:
        raw_phone = _person_phone(user) if user is not None else ""
        email = user.email if user is not None else ""
        preferred = Channel.EMAIL  # a volunteer's own channel: e-mail, else SMS, else a call
    phone = to_e164(raw_phone) or ""
    contact = channels.Contact(preferred=preferred, can_text=bool(phone), has_phone=bool(raw_phone.strip()),
                               has_email=bool(email), is_member=member is not None)
    chosen = channels.choose(contact, policy)
    if chosen is None:
        return None
    if chosen == Channel.SMS:
        return Route(Channel.SMS, phone)
    if chosen == Channel.EMAIL:
        return Route(Channel.EMAIL, email)
    return Route(chosen, phone or raw_phone)


def policy_for(kind: str, association) -> channels.Policy:
    """The association's settings for a kind (ReminderSetting); none saved: on, every channel."""
    if association is None:
        return channels.Policy()
    setting = ReminderSetting.objects.filter(association=association, kind=kind).first()
    if setting is None:
        return channels.Policy()
    return channels.Policy(enabled=setting.enabled, channels=setting.channels)


def opted_out(due: Due, kind: ReminderKind) -> bool:
    member = due.recipient.member
    if member is None and due.recipient.user is not None:
        member = getattr(due.recipient.user, "member", None) if hasattr(due.recipient.user, "member") else None
    if member is None or not kind.honours_opt_out:
        return False
    return bool(member.reminders_opt_out or member.erased_at or member.status == member.Status.LEFT)


def render(kind: ReminderKind, due: Due, channel: str) -> tuple[str, str]:
    """In the member's language (Member.language, else French); a volunteer's in French."""
    member = due.recipient.member
    if member is None and due.recipient.user is not None:
        member = getattr(due.recipient.user, "member", None) if hasattr(due.recipient.user, "member") else None
    with translation.override(member_language(member) if member is not None else settings.LANGUAGE_CODE):
        if channel == Channel.EMAIL:  # greeted by name (wording.greeting); an SMS has no room for it
            context = {**due.context, "greeting_name": member.greeting_name} if member is not None else due.context
            return kind.email(context)
        return "", kind.sms(due.context)


def reclaimable(now) -> Q:
    """Rows a run may take (again): failed, or claimed so long ago that their sender must have died."""
    return (Q(status=Status.FAILED) | Q(status=Status.PENDING, claimed_at__lt=now - CLAIM_TIMEOUT)) & Q(
        attempts__lt=MAX_ATTEMPTS)


def _claim(due: Due, route: Route, subject: str, text: str, handled_by=None, *,
           now=None) -> SentNotification | None:
    """Insert the row (committed at once); None when this reminder was already handled (or is being sent)."""
    now = now or timezone.now()
    association = due.association or (due.recipient.member.association if due.recipient.member else None)
    group = due.group or (due.recipient.member.group if due.recipient.member else None)
    values = {"association": association, "group": group, "member": due.recipient.member,
              "user": due.recipient.user, "channel": route.channel, "address": route.address,
              "subject": subject, "text": text, "handled_by": handled_by}
    try:
        with transaction.atomic():
            return SentNotification.objects.create(kind=due.kind, key=due.key, recipient=due.recipient.key,
                                                   status=Status.PENDING, claimed_at=now, created_at=now, **values)
    except IntegrityError:
        pass
    retried = SentNotification.objects.filter(
        reclaimable(now), kind=due.kind, key=due.key, recipient=due.recipient.key,
    ).update(status=Status.PENDING, claimed_at=now, attempts=F("attempts") + 1, error="", **values)
    if retried != 1:
        return None
    return SentNotification.objects.get(kind=due.kind, key=due.key, recipient=due.recipient.key)


def _deliver(row: SentNotification, backend) -> None:
    if row.channel in (Channel.CALL, Channel.PAPER):
        row.status = Status.TO_CALL
    elif row.channel == Channel.SMS:
        ok, provider_id, error = backend.send(row.address, row.text)
        row.status, row.provider_id, row.error = (Status.SENT if ok else Status.FAILED), provider_id, error
    else:
        message_id = make_msgid(domain="grappe")
        message = EmailMessage(row.subject, row.text, settings.DEFAULT_FROM_EMAIL, [row.address],
                               headers={"Message-ID": message_id})
        try:
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any SMTP or socket error is a failed send, logged
            row.status, row.error = Status.FAILED, f"{type(error).__name__}: {error}"[:250]
        else:
            row.status, row.provider_id = Status.SENT, message_id
    row.sent_at = timezone.now() if row.status == Status.SENT else None
    row.save(update_fields=["status", "provider_id", "error", "sent_at"])


def send_one(due: Due, route: Route, subject: str, text: str, *, backend=None,
             by=None, now=None) -> SentNotification | None:
    """Log then send one message now (a message asked for by a person, not by the cron), the same way:
    None when this (kind, key, recipient) was already sent; else the row, SENT or FAILED."""
    row = _claim(due, route, subject, text, handled_by=by, now=now)
    if row is not None:
        _deliver(row, backend or sms_gateway.get_backend())
    return row


def send_due(now=None, *, kinds=None, dry_run=False, backend=None) -> Summary:
    """Send every due reminder of the given kinds (all by default). Safe to run as often as wanted."""
    now = now or timezone.now()
    backend = backend or sms_gateway.get_backend()
    summary = Summary()
    for name in kinds or sorted(REGISTRY):
        kind = REGISTRY[name]
        dues = list(kind.due(now))
        # One query for what is already handled (the unique constraint stays the real guard).
        handled = set(SentNotification.objects.filter(kind=name, key__in={due.key for due in dues})
                      .exclude(reclaimable(now)).values_list("key", "recipient"))
        policies: dict = {}  # the association's settings for this kind, read once per association
        for due in dues:
            if opted_out(due, kind):
                summary.add("opted_out")
                continue
            if (due.key, due.recipient.key) in handled:
                summary.add("already")
                continue
            association = due.association or (due.recipient.member.association if due.recipient.member else None)
            policy_key = association.pk if association is not None else None
            if policy_key not in policies:
                policies[policy_key] = policy_for(name, association)
            route = route_for(due, policies[policy_key])
            if route is None:
                summary.add("off" if not policies[policy_key].enabled else "unreachable")
                continue
            subject, text = render(kind, due, route.channel)
            if dry_run:
                billed = f" ({sms_parts(text)} SMS)" if route.channel == Channel.SMS else ""
                summary.add("would_send", f"{name} {due.recipient.key} {route.channel} {route.address}{billed}: {text}")
                continue
            row = _claim(due, route, subject, text, now=now)
            if row is None:
                summary.add("already")
                continue
            _deliver(row, backend)
            summary.add(row.status)
            if row.channel == Channel.SMS and row.status == Status.SENT:
                summary.counts["sms_parts"] += sms_parts(text)  # what the provider bills
    return summary
