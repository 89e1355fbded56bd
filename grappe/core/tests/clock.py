"""Run tests under another clock, to find tests that depend on the hour they run at.

    python -m pytest -p grappe.core.tests.clock --clock=06:00 grappe/notify
    python -m pytest -p grappe.core.tests.clock --clock=2026-03-29T02:30 grappe/orders

`--clock` is a Paris local time (today's date when only HH:MM is given). For every test,
`django.utils.timezone.now` (and so `localtime()` and `localdate()`) starts at that moment and keeps
running at the real pace; model fields with `default=timezone.now` use it too. `date.today()` and
code holding its own reference to the function still see the real clock.
Not loaded unless asked for. The suite itself fakes the clock only through the `daytime` fixture
(imported by the tests whose pages send at once only in the day).
"""

import datetime as dt
import time
import zoneinfo

import pytest
from django.apps import apps
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


def run_clock_from(monkeypatch, start: dt.datetime) -> None:
    """`timezone.now` (and the models' `default=timezone.now`) from `start`, at the real pace."""
    start = start.astimezone(dt.UTC)
    origin = time.monotonic()
    real_now = timezone.now

    def fake_now():
        return start + dt.timedelta(seconds=time.monotonic() - origin)

    monkeypatch.setattr(timezone, "now", fake_now)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.default is real_now:  # Field.get_default caches the callable in _get_default
                monkeypatch.setattr(field, "default", fake_now)
                monkeypatch.setitem(field.__dict__, "_get_default", fake_now)


@pytest.fixture
def daytime(monkeypatch):
    """Today at 11:00 in Paris, for a page test whose view reads the clock itself (a message sent
    at once, not held for the quiet hours): the test then passes whatever the hour it runs at."""
    run_clock_from(monkeypatch, parse_clock("11:00", dt.datetime.now(PARIS).date()))


@pytest.fixture(autouse=True)
def _faked_clock(request, monkeypatch):
    value = request.config.getoption("--clock")
    if value:
        run_clock_from(monkeypatch, parse_clock(value, dt.datetime.now(PARIS).date()))
    yield
