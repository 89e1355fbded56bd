"""Which member or hand-recorded transfer a bank credit is. No database."""

import datetime
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from grappe.bank.matching import (
    HAND,
    PAYMENT,
    WINDOW_DAYS,
    HandEntry,
    MemberInfo,
    Proposal,
    member_numbers,
    propose,
)

DAY = datetime.date(2026, 11, 3)
DUPONT = MemberInfo(pk=1, number=42, name="Dupont Marie", due=D("23.50"))
MARTIN = MemberInfo(pk=2, number=7, name="Martin Karim", due=D("18.00"))
MEMBERS = [DUPONT, MARTIN]


def test_member_numbers_in_the_usual_spellings():
    assert member_numbers("VIR SEPA ADH 42 PANIER") == {42}
    assert member_numbers("virement n°42") == member_numbers("Adhérent : 42") == member_numbers("ADH.42") == {42}
    assert member_numbers("FACTURE 2026-118 CASINO 12") == set()


def test_a_member_number_and_the_exact_amount_due_is_sure():
    assert propose(amount=D("23.50"), booked_on=DAY, text="PANIER ADH 42", members=MEMBERS,
                   hand_entries=[]) == Proposal(kind=PAYMENT, member_pk=1, sure=True)


def test_a_name_with_the_amount_due_is_proposed_but_not_sure():
    assert propose(amount=D("18.00"), booked_on=DAY, text="VIR M KARIM MARTIN courses", members=MEMBERS,
                   hand_entries=[]) == Proposal(kind=PAYMENT, member_pk=2, sure=False)


def test_another_amount_than_the_due_is_left_for_a_person():
    assert propose(amount=D("20.00"), booked_on=DAY, text="ADH 42", members=MEMBERS, hand_entries=[]) is None


def test_debits_unknown_numbers_and_two_members_are_left_for_a_person():
    assert propose(amount=D("-23.50"), booked_on=DAY, text="ADH 42", members=MEMBERS, hand_entries=[]) is None
    assert propose(amount=D("23.50"), booked_on=DAY, text="ADH 999", members=MEMBERS, hand_entries=[]) is None
    assert propose(amount=D("23.50"), booked_on=DAY, text="ADH 42 et ADH 7", members=MEMBERS, hand_entries=[]) is None
    assert propose(amount=D("23.50"), booked_on=DAY, text="DUPONT", members=MEMBERS, hand_entries=[]) is None


def test_a_transfer_recorded_by_hand_is_matched_not_booked_again():
    hand = [HandEntry(pk=10, member_pk=2, amount=D("18.00"), on=DAY - datetime.timedelta(days=3)),
            HandEntry(pk=11, member_pk=2, amount=D("18.00"), on=DAY - datetime.timedelta(days=1)),
            HandEntry(pk=12, member_pk=1, amount=D("18.00"), on=DAY)]
    assert propose(amount=D("18.00"), booked_on=DAY, text="MARTIN KARIM", members=MEMBERS,
                   hand_entries=hand) == Proposal(kind=HAND, member_pk=2, entry_pk=11, sure=False)
    # even when the member no longer owes anything (the hand entry paid it)
    paid = MemberInfo(pk=2, number=7, name="Martin Karim", due=D("0"))
    assert propose(amount=D("18.00"), booked_on=DAY, text="ADH 7", members=[paid],
                   hand_entries=hand) == Proposal(kind=HAND, member_pk=2, entry_pk=11, sure=True)


def test_a_hand_entry_too_far_in_time_is_not_this_transfer():
    far = [HandEntry(pk=10, member_pk=2, amount=D("18.00"), on=DAY - datetime.timedelta(days=WINDOW_DAYS + 1))]
    paid = MemberInfo(pk=2, number=7, name="Martin Karim", due=D("0"))
    assert propose(amount=D("18.00"), booked_on=DAY, text="ADH 7", members=[paid], hand_entries=far) is None


cents = st.integers(min_value=-5000, max_value=5000).map(lambda c: D(c).scaleb(-2))


@given(amount=cents, due=cents.map(abs), number=st.integers(1, 60), named=st.integers(1, 60),
       gap=st.integers(-10, 10), entry_amount=cents, words=st.sampled_from(["ADH", "n°", "REF", ""]))
def test_every_proposal_holds_to_the_rules(amount, due, number, named, gap, entry_amount, words):
    members = [MemberInfo(pk=n, number=n, name=f"Nom{n} Prenom{n}", due=due) for n in range(1, 61)]
    hand = [HandEntry(pk=100, member_pk=named, amount=entry_amount, on=DAY + datetime.timedelta(days=gap))]
    text = f"{words} {number} NOM{named} PRENOM{named}"
    proposal = propose(amount=amount, booked_on=DAY, text=text, members=members, hand_entries=hand)
    if proposal is None:
        return
    assert amount > 0
    member = members[proposal.member_pk - 1]
    if proposal.entry_pk is not None:
        entry = hand[0]
        assert entry.member_pk == member.pk and entry.amount == amount and abs(gap) <= WINDOW_DAYS
    else:
        assert amount == member.due
    # sure only when the text names the member's number after a member-number word
    assert proposal.sure == (words in ("ADH", "n°") and member.number == number)
    if words in ("ADH", "n°"):
        assert member.pk == number
