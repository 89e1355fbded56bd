"""The channel precedence (grappe.notify.channels) against an independent reference: every channel
scored, the lowest usable one wins."""

from hypothesis import given
from hypothesis import strategies as st

from grappe.notify.channels import CALL, EMAIL, PAPER, SMS, Contact, Policy, choose

CHANNELS = st.sampled_from(["", SMS, EMAIL, CALL, PAPER])


@st.composite
def contacts(draw):
    has_phone = draw(st.booleans())
    return Contact(preferred=draw(CHANNELS), can_text=has_phone and draw(st.booleans()), has_phone=has_phone,
                   has_email=draw(st.booleans()), is_member=draw(st.booleans()))


@st.composite
def policies(draw):
    return Policy(enabled=draw(st.booleans()), channels=frozenset(draw(st.sets(st.sampled_from([SMS, EMAIL, CALL])))),
                  sms_available=draw(st.booleans()))


def reference(contact: Contact, policy: Policy) -> str | None:
    """Written apart from the module: the reachable channels, then a ranking."""
    if not policy.enabled:
        return None
    reachable = set()
    if policy.sms_available and contact.can_text and SMS in policy.channels:
        reachable.add(SMS)
    if contact.has_email and EMAIL in policy.channels:
        reachable.add(EMAIL)
    if CALL in policy.channels:
        if contact.is_member:
            reachable |= {CALL, PAPER}
        elif contact.has_phone:
            reachable.add(CALL)
    rank = {SMS: 1, EMAIL: 2, CALL: 3, PAPER: 99}
    if contact.preferred:
        rank[contact.preferred] = 0
    candidates = sorted((rank[channel], channel) for channel in reachable if rank[channel] < 99)
    return candidates[0][1] if candidates else None


@given(contacts(), policies())
def test_choose_matches_the_reference(contact, policy):
    assert choose(contact, policy) == reference(contact, policy)


@given(contacts(), policies())
def test_the_association_switch_comes_first_and_an_allowed_channel_only(contact, policy):
    chosen = choose(contact, policy)
    if not policy.enabled:
        assert chosen is None
    if chosen is not None:
        assert (CALL if chosen == PAPER else chosen) in policy.channels


@given(policies())
def test_a_volunteer_without_number_is_never_on_the_call_list(policy):
    assert choose(Contact(preferred=EMAIL, has_email=False, is_member=False), policy) is None


def test_examples():
    member = Contact(preferred=EMAIL, can_text=True, has_phone=True, has_email=True)
    assert choose(member, Policy()) == EMAIL
    assert choose(member, Policy(channels=frozenset({SMS, CALL}))) == SMS  # e-mail not allowed: next in order
    assert choose(member, Policy(channels=frozenset({SMS}), sms_available=False)) is None
    volunteer = Contact(preferred=EMAIL, can_text=True, has_phone=True, has_email=False, is_member=False)
    assert choose(volunteer, Policy()) == SMS
    assert choose(Contact(preferred=PAPER), Policy()) == PAPER
