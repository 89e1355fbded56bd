"""Reminders go out in the member's language (Member.language): Arabic and Turkish as UCS-2, whole, never
with "?" for the letters outside the GSM alphabet, in at most two parts; French stays one GSM SMS."""

import datetime as dt
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone

from grappe.notify.engine import send_due
from grappe.notify.gsm import GSM7, MAX_PARTS, UCS2, encoding, parts
from grappe.notify.models import SentNotification
from grappe.notify.sms import BrevoBackend, ConsoleBackend
from grappe.notify.tests.test_gsm import reference_parts
from grappe.orders import services as order_services
from grappe.orders.models import CycleGroup, OrderCycle
from grappe.orders.services import LineChange
from grappe.orders.tests.factories import make_cycle, make_member, pay

DAY = dt.date(2026, 3, 10)
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def local(day_offset, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(DAY + dt.timedelta(days=day_offset), dt.time(hour, minute)))


@pytest.fixture
def backend():
    return ConsoleBackend(stream=io.StringIO())


@pytest.fixture
def shop(world):
    return make_cycle(world, now=local(0, 6))


def household(world, phone, language):
    return pay(make_member(world, paid=False, phone=phone, language=language), year=DAY.year)


def texts_by_phone(backend):
    return {to: text for to, text in backend.sent}


def test_arabic_and_turkish_reminders_go_out_whole_in_their_language(world, shop, backend):
    household(world, "06 11 11 11 11", "ar")
    household(world, "06 22 22 22 22", "tr")
    household(world, "06 33 33 33 33", "")
    send_due(local(0, 10), kinds=["cycle_open"], backend=backend)
    sent = texts_by_phone(backend)
    arabic, turkish, french = sent["+33611111111"], sent["+33622222222"], sent["+33633333333"]
    assert ARABIC_LETTER.search(arabic) and "?" not in arabic
    assert "grubunuzun siparişi" in turkish.lower() and "?" not in turkish
    assert "commande" in french
    assert (encoding(arabic), encoding(turkish), encoding(french)) == (UCS2, UCS2, GSM7)
    for text in (arabic, turkish):
        assert 1 <= parts(text) == reference_parts(text) <= MAX_PARTS
    assert parts(french) == 1
    row = SentNotification.objects.get(address="+33611111111")
    assert row.text == arabic  # the log keeps what was sent, unchanged


def test_a_long_place_in_an_arabic_reminder_is_shortened_to_two_parts(world, shop, backend):
    long_place = "Maison des Associations et de la Vie Locale de Saint-Nazaire-en-Royans, salle du fond " * 2
    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(
        distribution_date=local(1, 0).date(), place=long_place)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=local(1, 20), opens_at=local(0, 8))
    for phone, language in (("06 11 11 11 11", "ar"), ("06 22 22 22 22", "tr")):
        member = household(world, phone, language)
        order_services.place_order(cycle=shop.cycle, member=member, by=world.volunteer, now=local(0, 9),
                                   lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])
    send_due(local(0, 10), kinds=["distribution_tomorrow"], backend=backend)
    assert len(backend.sent) == 2
    for _to, text in backend.sent:
        assert encoding(text) == UCS2 and parts(text) == 2 and "?" not in text
        assert text.startswith(("تذكير", "Hatırlatma"))


def test_the_gateway_is_told_to_send_unicode_only_when_the_text_needs_it():
    gateway = BrevoBackend("key", "Grappe", opener=lambda *a, **k: None)
    arabic = gateway.build_request("+33611111111", "تذكير: سلتك توزع غدًا")
    french = gateway.build_request("+33611111111", "Rappel : votre panier est distribue demain")
    assert json.loads(arabic.data)["unicodeEnabled"] is True
    assert json.loads(french.data)["unicodeEnabled"] is False
    assert json.loads(arabic.data)["content"] == "تذكير: سلتك توزع غدًا"


def test_the_log_shows_the_parts_billed(world, shop, backend, client_for):
    long_place = "Maison des Associations et de la Vie Locale de Saint-Nazaire-en-Royans, salle du fond " * 2
    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(
        distribution_date=local(1, 0).date(), place=long_place)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=local(1, 20), opens_at=local(0, 8))
    member = household(world, "06 11 11 11 11", "ar")
    order_services.place_order(cycle=shop.cycle, member=member, by=world.volunteer, now=local(0, 9),
                               lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])
    summary = send_due(local(0, 10), kinds=["distribution_tomorrow"], backend=backend)
    assert summary.counts["sms_parts"] == 2
    page = client_for(world.admin).get("/rappels/").content.decode()
    assert "2\u00a0SMS facturés" in page or "2 SMS facturés" in page
