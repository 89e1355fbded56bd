"""The registry of reminder kinds: each says what is due now, and how to word it.

A kind is registered with `@reminder_kind(name, label=..., sms=..., email=...)` on a function
`due(now) -> iterable of Due(kind, key, recipient, context)`. The key names the thing reminded
about (a cycle, an event on a given date): the engine sends each (kind, key, recipient) once.
`sms(context) -> str` must fit one SMS (use grappe.notify.gsm.fit); `email(context) ->
(subject, body)`. Kinds live in grappe/notify/kinds/ and are imported by NotifyConfig.ready().
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Recipient:
    member: Any = None  # a Member (this module imports no Django)
    user: Any = None  # a User (a volunteer who is not a member)

    @property
    def key(self) -> str:
        return f"member:{self.member.pk}" if self.member is not None else f"user:{self.user.pk}"


@dataclass
class Due:
    kind: str
    key: str
    recipient: Recipient
    context: dict = field(default_factory=dict)
    association: object = None
    group: object = None


@dataclass
class ReminderKind:
    name: str
    label: str
    due: Callable[[datetime], Iterable[Due]]
    sms: Callable[[dict], str]
    email: Callable[[dict], tuple[str, str]]
    honours_opt_out: bool = True


REGISTRY: dict[str, ReminderKind] = {}


def reminder_kind(name: str, *, label, sms, email, honours_opt_out: bool = True):
    def register(due):
        REGISTRY[name] = ReminderKind(name=name, label=label, due=due, sms=sms, email=email,
                                      honours_opt_out=honours_opt_out)
        return due

    return register
