"""'Mes rappels' names the channel the reminders will really take: the one the engine picks (grappe.notify.engine
route_for), with the number or the address, and says so when none can be used."""

import re

import pytest
from django.urls import reverse

from grappe.members.models import Member

pytestmark = pytest.mark.django_db

Channel = Member.Channel


def route_text(client) -> str:
    page = client.get(reverse("notify:preferences")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('class="reminder-route">')[1].split("</p>")[0]))


def household(world, *, channel, phone="", email=""):
    Member.objects.filter(pk=world.member.pk).update(preferred_channel=channel, phone=phone, email=email)


@pytest.mark.parametrize(("channel", "phone", "email", "sms_backend", "expected"), [
    (Channel.SMS, "06 12 34 56 78", "", "console", "par SMS au 06 12 34 56 78"),
    (Channel.EMAIL, "06 12 34 56 78", "jeanne@example.org", "console", "par e-mail à jeanne@example.org"),
    (Channel.SMS, "", "jeanne@example.org", "console", "par e-mail à jeanne@example.org"),  # no number: e-mail
    (Channel.SMS, "06 12 34 56 78", "jeanne@example.org", "off", "par e-mail à jeanne@example.org"),  # SMS off
    (Channel.EMAIL, "06 12 34 56 78", "", "console", "par SMS au 06 12 34 56 78"),  # no e-mail: SMS
    (Channel.CALL, "06 12 34 56 78", "jeanne@example.org", "console", "vous appelle au 06 12 34 56 78"),
    (Channel.PAPER, "", "", "console", "sur papier"),
    (Channel.SMS, "", "", "console", "Aucun ne peut vous être envoyé : Grappe n’a ni votre numéro"),
])
def test_the_page_names_the_channel_really_used(world, client_for, settings, channel, phone, email, sms_backend,
                                                 expected):
    settings.SMS_BACKEND = sms_backend
    household(world, channel=channel, phone=phone, email=email)
    text = route_text(client_for(world.member_user)).replace("\u00a0", " ")
    assert expected in text


def test_a_chosen_channel_that_cannot_be_used_is_said(world, client_for):
    household(world, channel=Channel.SMS, email="jeanne@example.org")
    page = client_for(world.member_user).get(reverse("notify:preferences")).content.decode()
    assert "Vous avez choisi «\u00a0SMS\u00a0», qui ne peut pas être utilisé" in page
    household(world, channel=Channel.EMAIL, email="jeanne@example.org")
    assert "Vous avez choisi" not in client_for(world.member_user).get(reverse("notify:preferences")).content.decode()
