"""A purchase order is e-mailed once, by the job queue after the commit: a double click sends one e-mail, a
task run twice too; a rolled-back change sends none; an e-mail that cannot leave leaves the order unsent,
shown failed with its error, to be tried again."""

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

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
    assert second.status_code == 422 and "déjà été envoyé à ferme@example.org" in second.content.decode()
    po.refresh_from_db()
    assert po.status == "sent" and po.sent_to == "ferme@example.org"


def test_the_email_leaves_only_after_the_commit(world, po):
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        services.send_purchase_order(purchase_order=po, by=world.coordinator, now=NOW)
        assert mail.outbox == []  # not yet: the change is not committed, the task not even queued
        raise RolledBack
    assert mail.outbox == []
    po.refresh_from_db()
    assert po.sent_at is None and po.status == "draft" and po.sending == ""


def test_the_page_shows_the_order_waiting_to_be_sent(world, po, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    client = client_for(world.admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(reverse("orders:purchase_order_send", args=[po.pk]), follow=True)
    text = page.content.decode()
    assert "Envoi en attente…" in text and 'data-seconds="3"' in text
    assert "Envoyer par e-mail" not in text  # no second button while it waits
    assert mail.outbox == []
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = client.post(reverse("orders:purchase_order_send", args=[po.pk]), follow=True)
    assert "déjà en attente d’envoi" in again.content.decode()
    po.refresh_from_db()
    assert po.sending == "queued" and po.send_requested_by == world.admin

    assert services.deliver_purchase_order(purchase_order_id=po.pk, now=NOW)  # the worker's turn
    text = client.get(reverse("orders:purchase_orders", args=[po.cycle_id])).content.decode()
    assert "Envoyé le lundi 2 mars à 10\u00a0h\u00a030 à ferme@example.org" in text and "refresh.js" not in text
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][2] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_an_email_that_cannot_leave_is_shown_failed_then_a_retry_sends_it_once(world, po, settings, client):
    settings.EMAIL_BACKEND = "grappe.orders.tests.test_purchase_order_send.BrokenSMTP"
    client.force_login(world.admin)
    url = reverse("orders:purchase_order_send", args=[po.pk])
    text = client.post(url, follow=True).content.decode()
    assert "L’e-mail n’a pas pu partir (ConnectionRefusedError: smtp down)\u00a0: réessayez" in text
    assert "Réessayer l’envoi" in text
    po.refresh_from_db()
    assert po.sent_at is None and po.status == "draft" and po.sent_to == "" and po.sending == "failed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    text = client.post(url, follow=True).content.decode()
    assert "à ferme@example.org" in text and "n’a pas pu partir" not in text
    assert "Échec le" in text and "smtp down" in text  # the failed e-mail stays in the log
    po.refresh_from_db()
    assert po.status == "sent" and po.sending == "" and len(mail.outbox) == 1
    again = client.post(url)  # sending again needs the tick
    assert again.status_code == 422 and "déjà été envoyé" in again.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_enqueues_send_one_email(world, po, settings):
    from grappe.orders.jobs import send_purchase_order

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    services.send_purchase_order(purchase_order=po, by=world.coordinator, now=NOW)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    send_purchase_order.enqueue(po.pk)
    send_purchase_order.enqueue(po.pk)  # the same task run again (a worker requeued it)
    assert len(mail.outbox) == 1
    po.refresh_from_db()
    assert po.status == "sent" and po.sending == ""


def test_a_run_stopped_mid_send_is_shown_failed_not_sent_again(world, po):
    PurchaseOrder.objects.filter(pk=po.pk).update(sending="sending")  # a worker killed while sending
    assert not services.deliver_purchase_order(purchase_order_id=po.pk, now=NOW)
    po.refresh_from_db()
    assert po.sending == "failed" and "interrompu" in po.send_error and mail.outbox == []


def test_an_abandoned_send_is_shown_failed(world, po, settings):
    from grappe.core.jobs import kind_of

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send_purchase_order(purchase_order=po, by=world.coordinator, now=NOW)
    kind_of("grappe.orders.jobs.send_purchase_order").on_abandon(po.pk)
    po.refresh_from_db()
    assert po.sending == "failed" and po.send_error == "l’envoi a été interrompu trois fois"


def test_the_home_page_stops_asking_to_send_an_order_waiting_to_be_sent(world, po, client_for, settings):
    client = client_for(world.admin)
    assert "Envoyer le bon de commande" in client.get("/").content.decode()
    PurchaseOrder.objects.filter(pk=po.pk).update(sending="queued")
    assert "Envoyer le bon de commande" not in client.get("/").content.decode()
    PurchaseOrder.objects.filter(pk=po.pk).update(sending="failed")
    assert "Envoyer le bon de commande" in client.get("/").content.decode()


# --- the sending log, sending again ----------------------------------------------------------------


def test_each_send_is_logged_and_sending_again_needs_the_tick(world, po, client_for,
                                                              django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    url = reverse("orders:purchase_order_send", args=[po.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 1
    page = client.get(reverse("orders:purchase_orders", args=[po.cycle_id])).content.decode()
    assert 'name="again"' in page and "required" in page  # the box, required without JavaScript
    assert "Déjà envoyé\u00a0: le renvoyer à ferme@example.org" in page

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url)  # no tick: the page again, nothing sent, nothing logged
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "Cochez la case pour le renvoyer." in text and 'aria-invalid="true"' in text
    assert len(mail.outbox) == 1 and po.sends.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"again": "1"}, follow=True)
    assert sent.status_code == 200 and len(mail.outbox) == 2
    sends = list(po.sends.order_by("pk"))
    assert [(s.ok, s.to, s.by) for s in sends] == [(True, "ferme@example.org", world.admin)] * 2
    page = client.get(reverse("orders:purchase_orders", args=[po.cycle_id])).content.decode()
    assert page.count("à ferme@example.org (par ") == 2


def test_the_log_says_when_in_french_and_a_failure_is_logged(world, po, settings):
    services.send_purchase_order(purchase_order=po, by=world.coordinator, now=NOW)
    settings.EMAIL_BACKEND = "grappe.orders.tests.test_purchase_order_send.BrokenSMTP"
    assert not services.deliver_purchase_order(purchase_order_id=po.pk, now=NOW)
    failed = po.sends.get()
    assert not failed.ok and failed.to == "ferme@example.org" and failed.by == world.coordinator
    assert "smtp down" in failed.error
    assert services.sent_on(datetime(2026, 12, 5, 10, 12, tzinfo=ZoneInfo("Europe/Paris"))) == \
        "samedi 5 décembre à 10\u00a0h\u00a012"


def test_the_email_gives_the_delivery_date_in_french(world, po):
    po.delivery_date = NOW.date().replace(month=12, day=5)
    mail_ = services.purchase_order_mail(po, b"%PDF")
    assert "samedi 5 décembre 2026" in mail_.body and "2026-12-05" not in mail_.body
