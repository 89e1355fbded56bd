"""Writes: a member switches reminders on or off; a volunteer marks a call as done."""

from django.db import transaction
from django.utils import timezone

from grappe.members.models import Member

from .models import SentNotification


@transaction.atomic
def set_reminders(*, by, member: Member, wanted: bool) -> bool:
    """Switch a member's reminders on (wanted) or off. Returns True when something changed."""
    return Member.objects.filter(pk=member.pk, reminders_opt_out=wanted).update(reminders_opt_out=not wanted) == 1


@transaction.atomic
def mark_called(*, by, notification: SentNotification) -> bool:
    return SentNotification.objects.filter(pk=notification.pk, status=SentNotification.Status.TO_CALL).update(
        status=SentNotification.Status.CALLED, handled_by=by, sent_at=timezone.now()) == 1
