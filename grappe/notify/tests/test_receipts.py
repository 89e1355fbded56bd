"""The receipt after a payment, sent to the member by SMS or e-mail on a volunteer's request."""

import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse

from grappe.accounts import services as accounts
from grappe.accounts.models import Means
from grappe.distribution.tests.factories import make_day
from grappe.members.models import Member
from grappe.notify.gsm import fits_one_sms
from grappe.notify.models import SentNotification
from grappe.notify.services import ReceiptNotSent, send_receipt
from grappe.notify.sms import ConsoleBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend():
    return ConsoleBackend(stream=io.StringIO())


@pytest.fixture
def paid(world):
    """Jeanne collected her basket and paid 20 € in cash."""
    day = make_day(world)
    accounts.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    accounts.record_payment(member=day.jeanne, amount=D("20"), means=Means.CASH, by=world.volunteer,
                            distribution=day.day)
    return day


def set_member(member, **fields):
    Member.objects.filter(pk=member.pk).update(**fields)
    member.refresh_from_db()


def test_receipt_goes_by_sms_in_one_message_and_is_logged(world, paid, backend):
    row = send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    [(to, text)] = backend.sent
    total = accounts.basket_total(paid.jeanne_basket)
    assert to == "+33600000000" and fits_one_sms(text)
    assert text.startswith("Recu Romans ")  # "Reçu": ç is outside the GSM alphabet
    assert "payé 20,00 €" in text and "Merci" in text
    assert f"panier {total}".replace(".", ",") in text.replace("\u00a0", " ")
    assert (row.kind, row.status, row.channel, row.member, row.handled_by, row.group) == (
        "receipt", SentNotification.Status.SENT, "sms", paid.jeanne, world.volunteer, world.group)


def test_receipt_goes_by_e_mail_when_the_member_prefers_it(world, paid, backend):
    set_member(paid.jeanne, preferred_channel=Member.Channel.EMAIL, email="jeanne@example.org")
    send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    assert backend.sent == []
    [message] = mail.outbox
    assert message.to == ["jeanne@example.org"] and message.subject.startswith("Votre reçu du ")
    assert "Lentilles vertes" in message.body and "Espèces : 20,00" in message.body.replace("\u00a0", " ")
    assert "prix coûtant" in message.body


def test_no_mobile_falls_back_to_e_mail_then_is_refused_without_either(world, paid, backend):
    set_member(paid.jeanne, phone="04 75 00 00 00", email="jeanne@example.org")  # a landline: no SMS
    assert send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend).channel == "email"
    set_member(paid.jeanne, phone="", email="")
    paid.jeanne_basket.member.refresh_from_db()
    with pytest.raises(ReceiptNotSent, match="ni numéro de portable ni adresse e-mail"):
        send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)


@pytest.mark.parametrize(("fields", "words"), [
    ({"reminders_opt_out": True}, "ne souhaite pas recevoir de messages"),
    ({"preferred_channel": Member.Channel.PAPER}, "préfère le papier"),
])
def test_refused_when_the_member_wants_no_messages(world, paid, backend, fields, words):
    set_member(paid.jeanne, **fields)
    paid.jeanne_basket.member.refresh_from_db()
    with pytest.raises(ReceiptNotSent, match=words):
        send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    assert backend.sent == [] and not SentNotification.objects.exists()


def test_a_second_press_does_not_send_twice_but_a_new_payment_does(world, paid, backend):
    send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    with pytest.raises(ReceiptNotSent, match="déjà été envoyé"):
        send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    accounts.record_payment(member=paid.jeanne, amount=D("5"), means=Means.CASH, by=world.volunteer,
                            distribution=paid.day)
    send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend)
    assert len(backend.sent) == 2 and "payé 25,00 €" in backend.sent[1][1]


def test_a_failed_send_is_reported_and_can_be_retried(world, paid):
    class Down(ConsoleBackend):
        def send(self, to, text):
            return False, "", "HTTP 503"

    with pytest.raises(ReceiptNotSent, match="HTTP 503"):
        send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=Down(stream=io.StringIO()))
    backend = ConsoleBackend(stream=io.StringIO())
    assert send_receipt(basket=paid.jeanne_basket, by=world.volunteer, backend=backend).attempts == 2
    assert len(backend.sent) == 1


def test_the_button_on_the_receipt_page_sends_it(world, paid, client_for):
    client = client_for(world.volunteer)
    url = reverse("accounts:receipt", args=[paid.jeanne_basket.pk])
    assert "Envoyer le reçu" in client.get(url).content.decode()
    response = client.post(reverse("notify:send_receipt", args=[paid.jeanne_basket.pk]), follow=True)
    assert "Reçu envoyé par SMS au +33600000000" in response.content.decode()
    assert SentNotification.objects.get().kind == "receipt"
    response = client.post(reverse("notify:send_receipt", args=[paid.jeanne_basket.pk]), follow=True)
    assert "déjà été envoyé" in response.content.decode()


def test_an_outsider_cannot_send_a_receipt(world, paid, client_for):
    response = client_for(world.outsider).post(reverse("notify:send_receipt", args=[paid.jeanne_basket.pk]))
    assert response.status_code in (403, 404)
    assert not SentNotification.objects.exists()
