"""The quiet-hours rule (grappe/notify/quiet.py) against a reference that walks the clock minute by minute."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.notify.quiet import send_time

PARIS = ZoneInfo("Europe/Paris")


def reference(now: datetime, about: date | None) -> datetime:
    """The first minute from `now` on (now itself included) at which the message may leave."""
    today = now.date()
    urgent = about in (today, today + timedelta(days=1))
    start, end = (7, 21) if urgent else (9, 20)
    moment = now
    while not start <= moment.hour < end:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31),  # noqa: DTZ001 - naive bounds, as hypothesis wants
                       timezones=st.just(PARIS))


@settings(max_examples=300, deadline=None)
@given(now=moments, offset=st.one_of(st.none(), st.integers(min_value=-3, max_value=4)))
def test_send_time_matches_the_reference(now, offset):
    about = None if offset is None else now.date() + timedelta(days=offset)
    assert send_time(now, about) == reference(now, about)


def test_the_rule_at_its_edges():
    day = date(2027, 3, 28)  # the night the clocks go forward
    at = lambda h, m=0: datetime(2027, 3, 28, h, m, tzinfo=PARIS)  # noqa: E731
    assert send_time(at(6, 59), day) == at(7)
    assert send_time(at(7), day) == at(7)
    assert send_time(at(20, 59), day) == at(20, 59)
    assert send_time(at(21), day + timedelta(days=1)) == datetime(2027, 3, 29, 7, tzinfo=PARIS)
    assert send_time(at(20), None) == datetime(2027, 3, 29, 9, tzinfo=PARIS)
    assert send_time(at(1), day - timedelta(days=1)) == at(9)  # yesterday's distribution is not urgent
