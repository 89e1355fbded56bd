"""Which channel a reminder takes: one pure rule (no Django), used by the engine and the pages that
show what will leave (the event's cancellation page).

Precedence (issue 17): the association's switch for that kind of reminder first (off: nothing goes);
then the recipient's own channel (a member's preferred one) when the association allows it and it can
be used; then SMS, e-mail, the call list, in that order, among the channels the association allows.
SMS needs a number and the SMS gateway; e-mail an address; the call list a number, except for a
member (a household without phone nor e-mail is told at the group, from the call list). A volunteer
without number nor e-mail is reached by nothing: never a line without a number on the call list.
"""

from dataclasses import dataclass

SMS, EMAIL, CALL, PAPER = "sms", "email", "call", "paper"
ALL_CHANNELS = frozenset({SMS, EMAIL, CALL})  # the channels an association allows (PAPER rides on CALL)
FALLBACK = (SMS, EMAIL, CALL)


@dataclass(frozen=True)
class Contact:
    """What the recipient can be reached by. `preferred`: a member's channel ("" for a volunteer who
    chose none); `is_member`: a household (told at the group when it gives no phone nor e-mail)."""

    preferred: str = ""
    can_text: bool = False  # a number an SMS can go to (E.164)
    has_phone: bool = False  # any number, to call
    has_email: bool = False
    is_member: bool = True


@dataclass(frozen=True)
class Policy:
    """The association's settings for one kind of reminder, and whether SMS can leave at all."""

    enabled: bool = True
    channels: frozenset[str] = ALL_CHANNELS
    sms_available: bool = True


def usable(channel: str, contact: Contact, policy: Policy) -> bool:
    if channel == SMS:
        return SMS in policy.channels and policy.sms_available and contact.can_text
    if channel == EMAIL:
        return EMAIL in policy.channels and contact.has_email
    if channel == CALL:
        return CALL in policy.channels and (contact.has_phone or contact.is_member)
    if channel == PAPER:  # a member who reads nothing: told at the group, from the call list
        return CALL in policy.channels and contact.is_member
    return False


def choose(contact: Contact, policy: Policy) -> str | None:
    """The channel, or None when nothing goes (switched off, or no allowed way to reach them)."""
    if not policy.enabled:
        return None
    if contact.preferred and usable(contact.preferred, contact, policy):
        return contact.preferred
    for channel in FALLBACK:
        if usable(channel, contact, policy):
            return channel
    return None
