"""A coordinator's message on the job queue (grappe/core/jobs.py): sent out of the request, at once or
when the quiet hours end (`run_after`). Idempotent: each person is claimed once in the log."""

from datetime import timedelta

from django_tasks import task

from grappe.core import jobs

from . import services
from .models import OneOffMessage


@task()
def send_message(message_id: int) -> int:
    """Send a message whose time has come; returns how many people it reached (0 when not yet due)."""
    message = OneOffMessage.objects.select_related("association", "group").filter(pk=message_id).first()
    if message is None:
        return 0
    message = services.deliver_message(message=message)
    return message.sms + message.email + message.to_call if message.sent_at else 0


jobs.register(send_message, time_limit=timedelta(minutes=10))
