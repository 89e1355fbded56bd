"""Purchase orders on the job queue (grappe/core/jobs.py): the PDF rendered and e-mailed out of the request."""

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django_tasks import task

from grappe.core import jobs

from . import services


@task()
def send_purchase_order(purchase_order_id: int) -> bool:
    """E-mail a queued purchase order to its supplier; True if this run sent it (once, however often it runs)."""
    with translation.override(settings.LANGUAGE_CODE):  # no request: the site's language, as the page
        return services.deliver_purchase_order(purchase_order_id=purchase_order_id)


# A PDF of a few pages and one SMTP exchange (EMAIL_TIMEOUT, 10 s): five minutes is far beyond a healthy send.
jobs.register(send_purchase_order, time_limit=timedelta(minutes=5), on_abandon=services.abandon_sending)
