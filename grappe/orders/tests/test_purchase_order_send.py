"""A purchase order is e-mailed once, after the commit: a double click sends one e-mail; a rolled-back
change sends none; an e-mail that cannot leave leaves the order unsent, to be tried again."""

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse

from grappe.core.errors import DomainError
from grappe.orders import services
from grappe.orders.models import PurchaseOrder

from .factories import make_cycle

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))


class BrokenSMTP(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp down")


@pytest.fixture
def po(world):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"), tolerance=D("5"),
                      by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    return PurchaseOrder.objects.get(supplier=shop.farm)


def test_a_double_click_sends_one_email(world, po, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.admin)  # the cycle covers two groups: a coordinator of one may not send
    url = reverse("orders:purchase_order_send", args=[po.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ferme@example.org"]
    assert "déjà été envoyé à ferme@example.org" in second.content.decode()
    po.refresh_from_db()
    assert po.status == "sent" and po.sent_to == "ferme@example.org"


def test_the_email_leaves_only_after_the_commit(world, po):
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        services.send_purchase_order(purchase_order=po, pdf=b"%PDF", by=world.coordinator, now=NOW)
        assert mail.outbox == []  # not yet: the change is not committed
        raise RolledBack
    assert mail.outbox == []
    po.refresh_from_db()
    assert po.sent_at is None and po.status == "draft"


@pytest.mark.django_db(transaction=True)
def test_an_email_that_cannot_leave_leaves_the_order_unsent_then_a_retry_sends_it_once(world, po, settings):
    settings.EMAIL_BACKEND = "grappe.orders.tests.test_purchase_order_send.BrokenSMTP"
    with pytest.raises(DomainError, match="ConnectionRefusedError"):
        services.send_purchase_order(purchase_order=po, pdf=b"%PDF", by=world.coordinator, now=NOW)
    po.refresh_from_db()
    assert po.sent_at is None and po.status == "draft" and po.sent_to == ""

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = services.send_purchase_order(purchase_order=po, pdf=b"%PDF", by=world.coordinator, now=NOW)
    assert sent.sent_at == NOW and sent.status == "sent" and len(mail.outbox) == 1
    with pytest.raises(DomainError, match="déjà été envoyé"):
        services.send_purchase_order(purchase_order=po, pdf=b"%PDF", by=world.coordinator, now=NOW)
    assert len(mail.outbox) == 1
