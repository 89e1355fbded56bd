import io
import json
import urllib.error

import pytest

from grappe.notify import sms


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_brevo_posts_the_documented_request_and_reads_the_message_id():
    seen = {}

    def opener(request, timeout):
        seen["url"], seen["headers"], seen["body"] = request.full_url, dict(request.headers), json.loads(request.data)
        seen["method"] = request.get_method()
        return FakeResponse(b'{"messageId": 1511882900176220}')

    backend = sms.BrevoBackend("secret-key", "VracDrome", opener=opener)
    assert backend.send("+33612345678", "Bonjour") == (True, "1511882900176220", "")
    assert seen["method"] == "POST"
    assert seen["url"] == "https://api.brevo.com/v3/transactionalSMS/send"
    assert seen["headers"]["Api-key"] == "secret-key"
    assert seen["body"] == {"sender": "VracDrome", "recipient": "33612345678", "content": "Bonjour",
                            "type": "transactional", "unicodeEnabled": False}


def test_brevo_reports_an_http_error():
    def opener(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 400, "Bad Request", {},
                                     io.BytesIO(b'{"code": "invalid_parameter", "message": "Invalid phone"}'))

    ok, provider_id, error = sms.BrevoBackend("k", "Grappe", opener=opener).send("+33612345678", "x")
    assert (ok, provider_id) == (False, "")
    assert error == "HTTP 400 Invalid phone"


def test_brevo_reports_a_network_error():
    def opener(request, timeout):
        raise urllib.error.URLError("no route")

    assert sms.BrevoBackend("k", "Grappe", opener=opener).send("+33612345678", "x")[0] is False


def test_the_backend_follows_settings(settings):
    settings.SMS_BACKEND = "console"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    settings.SMS_BACKEND, settings.BREVO_API_KEY = "brevo", "k"
    assert isinstance(sms.get_backend(), sms.BrevoBackend)
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(Exception, match="Unknown SMS_BACKEND"):
        sms.get_backend()


def test_console_backend_prints():
    out = io.StringIO()
    assert sms.ConsoleBackend(stream=out).send("+33612345678", "Bonjour")[0]
    assert "+33612345678" in out.getvalue()


# SMS switched off (SMS_BACKEND=off): a production choice; reminders then go by e-mail or to the call list.

def test_switched_off_sms_send_nothing_and_say_so(settings):
    settings.SMS_BACKEND = "off"
    backend = sms.get_backend()
    assert not sms.enabled()
    assert backend.send("+33612345678", "x") == (False, "", "SMS are switched off (SMS_BACKEND=off)")


@pytest.mark.django_db
@pytest.mark.parametrize(("email", "channel"), [("jeanne@example.org", "email"), ("", "call")])
def test_with_sms_off_an_sms_member_is_reached_by_e_mail_else_by_a_call(world, settings, email, channel):
    from grappe.notify.engine import route_for
    from grappe.notify.reminders import Due, Recipient

    world.member.preferred_channel, world.member.phone, world.member.email = "sms", "06 12 34 56 78", email
    world.member.save()
    due = Due(kind="event_tomorrow", key="k", recipient=Recipient(member=world.member))
    assert route_for(due).channel == "sms"
    settings.SMS_BACKEND = "off"
    assert route_for(due).channel == channel


@pytest.mark.django_db
def test_with_sms_off_a_receipt_goes_by_e_mail_or_is_refused(world, settings):
    from grappe.notify.services import ReceiptNotSent, receipt_route

    settings.SMS_BACKEND = "off"
    world.member.preferred_channel, world.member.phone, world.member.email = "sms", "06 12 34 56 78", "j@example.org"
    world.member.save()
    assert receipt_route(world.member).channel == "email"
    world.member.email = ""
    world.member.save()
    with pytest.raises(ReceiptNotSent):
        receipt_route(world.member)
