"""Run tests under another clock, to find tests that depend on the hour they run at.

    python -m pytest -p grappe.core.tests.clock --clock=06:00 grappe/notify
    python -m pytest -p grappe.core.tests.clock --clock=2026-03-29T02:30 grappe/orders

`--clock` is a Paris local time (today's date when only HH:MM is given). For every test,
`django.utils.timezone.now` (and so `localtime()` and `localdate()`) starts at that moment and keeps
running at the real pace. Code holding its own reference to the function (a model field's
`default=timezone.now`) and `date.today()` still see the real clock: a test should pass `now` anyway.
Not loaded unless asked for: the suite itself never fakes the clock.
"""

import datetime as dt
import time
import zoneinfo

import pytest
from django.utils import timezone

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def pytest_addoption(parser):
    parser.addoption("--clock", default=None, help="Paris local time (HH:MM or ISO date-time) the tests run at")


def parse_clock(value: str, today: dt.date) -> dt.datetime:
    if "T" in value or " " in value:
        moment = dt.datetime.fromisoformat(value)
    else:
        moment = dt.datetime.combine(today, dt.time.fromisoformat(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _faked_clock(request, monkeypatch):
    value = request.config.getoption("--clock")
    if value:
        start = parse_clock(value, dt.datetime.now(PARIS).date()).astimezone(dt.UTC)
        origin = time.monotonic()
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=time.monotonic() - origin))
    yield
