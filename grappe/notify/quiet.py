"""When a one-off message may leave: quiet hours. Pure: no Django.

Reminders go between NOTIFY_HOURS (9 h to 20 h by default, `send_reminders`). A coordinator's message
follows the same rule, except that a message about today's or tomorrow's distribution (the van is
late, the distribution is cancelled) may go between 7 h and 21 h: it is news people need before they
leave home. Outside its window a message waits for the window's next opening. `now` is an aware
datetime in local time (Europe/Paris); the answer is in the same zone.
"""

from datetime import date, datetime, time, timedelta

HOURS = (9, 20)  # settings.NOTIFY_HOURS, the reminders' rule
URGENT_HOURS = (7, 21)  # a message about today's or tomorrow's distribution


def is_urgent(about: date | None, today: date) -> bool:
    """A message about a distribution today or tomorrow (not one already past)."""
    return about is not None and 0 <= (about - today).days <= 1


def window(about: date | None, today: date, hours: tuple[int, int] = HOURS,
           urgent_hours: tuple[int, int] = URGENT_HOURS) -> tuple[int, int]:
    return urgent_hours if is_urgent(about, today) else hours


def send_time(now: datetime, about: date | None, hours: tuple[int, int] = HOURS,
              urgent_hours: tuple[int, int] = URGENT_HOURS) -> datetime:
    """`now` when the message may go now; else the next opening of its window (today's or tomorrow's)."""
    start, end = window(about, now.date(), hours, urgent_hours)
    if start <= now.hour < end:
        return now
    day = now.date() if now.hour < start else now.date() + timedelta(days=1)
    return datetime.combine(day, time(start), tzinfo=now.tzinfo)
