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
