"""The SMS gateway: one interface, a console backend for development, Brevo for production.

`backend.send(to, text) -> (ok, provider_id, error)`; `to` is an E.164 number (+33...). The backend
is chosen by `settings.SMS_BACKEND` ("console", "brevo", or "off": an association without an SMS
provider; `enabled()` is then false and messages go by e-mail or to the call list instead, see
engine.route_for and services.receipt_route); credentials come from the environment
(BREVO_API_KEY, SMS_SENDER) through settings. Tests give the Brevo backend a fake `opener`, so no
test ever reaches the network.
"""

import json
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .gsm import is_gsm


class SmsBackend:
    name = "base"

    def send(self, to: str, text: str) -> tuple[bool, str, str]:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Prints the message (development). Counts what it sent, for the demo and tests."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream
        self.sent: list[tuple[str, str]] = []

    def send(self, to, text):
        stream = self.stream or sys.stdout
        self.sent.append((to, text))
        stream.write(f"[SMS to {to}] {text}\n")
        return True, f"console-{len(self.sent)}", ""


class BrevoBackend(SmsBackend):
    """Brevo (ex-Sendinblue, a French company) transactional SMS.

    POST https://api.brevo.com/v3/transactionalSMS/send with an `api-key` header and a JSON body
    {sender, recipient (international, without "+"), content, type: "transactional"}; the answer
    is 201 with {"messageId": ...}. An error answers 4xx with {"code", "message"}.
    """

    name = "brevo"
    url = "https://api.brevo.com/v3/transactionalSMS/send"

    def __init__(self, api_key: str, sender: str, opener=None, timeout: float = 10):
        if not api_key:
            raise ImproperlyConfigured("BREVO_API_KEY is not set")
        self.api_key, self.sender = api_key, sender[:11]
        self.opener = opener or urllib.request.urlopen
        self.timeout = timeout

    def build_request(self, to: str, text: str) -> urllib.request.Request:
        body = {"sender": self.sender, "recipient": to.lstrip("+"), "content": text, "type": "transactional",
                "unicodeEnabled": not is_gsm(text)}  # UCS-2 (Arabic, Turkish): sent as it is, never "?"
        return urllib.request.Request(  # noqa: S310 - a fixed https URL
            self.url, data=json.dumps(body).encode(), method="POST",
            headers={"api-key": self.api_key, "accept": "application/json", "content-type": "application/json"},
        )

    def send(self, to, text):
        request = self.build_request(to, text)
        try:
            with self.opener(request, timeout=self.timeout) as response:
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read() or b"{}").get("message", "")
            except ValueError:
                detail = ""
            return False, "", f"HTTP {error.code} {detail}".strip()[:250]
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            return False, "", f"{type(error).__name__}: {error}"[:250]
        message_id = payload.get("messageId") or payload.get("reference")
        if not message_id:
            return False, "", "no messageId in the answer"
        return True, str(message_id), ""


class OffBackend(SmsBackend):
    """SMS switched off (SMS_BACKEND=off): sends nothing and says so. Routes avoid SMS altogether when
    `enabled()` is false; this only answers a caller that asked anyway."""

    name = "off"

    def send(self, to, text):
        return False, "", "SMS are switched off (SMS_BACKEND=off)"


def enabled() -> bool:
    return getattr(settings, "SMS_BACKEND", "console") != "off"


_console = None


def get_backend() -> SmsBackend:
    global _console
    name = getattr(settings, "SMS_BACKEND", "console")
    if name == "console":
        if _console is None:
            _console = ConsoleBackend()
        return _console
    if name == "brevo":
        return BrevoBackend(settings.BREVO_API_KEY, settings.SMS_SENDER)
    if name == "off":
        return OffBackend()
    raise ImproperlyConfigured(f"Unknown SMS_BACKEND {name!r} (use 'console', 'brevo' or 'off')")
