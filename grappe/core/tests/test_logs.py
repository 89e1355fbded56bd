"""Logs: the request's id on every line, JSON lines on demand, errors e-mailed to ADMINS (not a busy database)."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail

from grappe.core.logs import REQUEST_ID, JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def kept():
    handler = Kept()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


def test_the_proxys_request_id_is_on_the_log_lines_and_sent_back(client, kept):
    response = client.get("/nulle-part/", HTTP_X_REQUEST_ID="caddy-4f2a9c01")
    assert response.status_code == 404 and response["X-Request-ID"] == "caddy-4f2a9c01"
    not_found = [r for r in kept if r.name == "django.request"]
    assert not_found and not_found[0].request_id == "caddy-4f2a9c01"  # Django logs it after the middleware
    assert REQUEST_ID.get() == "-"  # forgotten once the response is closed


def test_a_forged_request_id_is_replaced(client):
    response = client.get("/connexion/", HTTP_X_REQUEST_ID="x\nFAKE ERROR root")
    assert "\n" not in response["X-Request-ID"] and len(response["X-Request-ID"]) == 16


def test_json_lines_carry_time_level_logger_message_id_and_the_traceback():
    record = logging.LogRecord("grappe.orders", logging.ERROR, __file__, 1, "closing %s failed", ("C-12",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    body = json.loads(line)
    assert body["level"] == "ERROR" and body["logger"] == "grappe.orders" and body["message"] == "closing C-12 failed"
    assert body["request_id"] == "-" and body["time"].endswith("+00:00") and "ValueError: boom" in body["exception"]


def test_the_environment_chooses_json_lines_and_the_administrators():
    code = ("import django, logging; django.setup(); from django.conf import settings; print(settings.ADMINS); "
            "logging.getLogger('grappe.test').warning('hello')")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "grappe.settings", "GRAPPE_LOG_FORMAT": "json",
           "GRAPPE_ADMINS": 'Marie Durand <marie@example.org>, "Ali, B." <ali@example.org>, not-an-address'}
    done = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[('Marie Durand', 'marie@example.org'), ('Ali, B.', 'ali@example.org')]"
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello" and line["level"] == "WARNING"


@pytest.mark.urls("grappe.core.tests.error_urls")
def test_a_server_error_is_emailed_to_the_administrators_but_a_busy_database_is_not(client, settings):
    settings.ADMINS = [("Marie", "marie@example.org")]
    client.raise_request_exception = False
    assert client.get("/essai/occupe/").status_code == 503
    assert mail.outbox == []
    assert client.get("/essai/500/").status_code == 500
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marie@example.org"]
    assert mail.outbox[0].subject.startswith("[Grappe] ERROR") and "RuntimeError" in mail.outbox[0].body
