"""What a bank line is: a member's payment or fee, a hand-recorded transfer, a supplier's invoice or payment, a
voucher claim. No database."""

import datetime
import re
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from grappe.bank.matching import (
    CLAIM,
    FEE,
    HAND,
    INVOICE,
    PAYMENT,
    SUPPLIER_PAYMENT,
    WINDOW_DAYS,
    ClaimInfo,
    HandEntry,
    InvoiceInfo,
    MemberInfo,
    Proposal,
    SupplierPaymentInfo,
    member_numbers,
    propose,
)
from grappe.core.text import fold

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


# --- debits, fees and claims ----------------------------------------------------------------------

def test_a_debit_naming_an_outstanding_invoice_for_what_remains_is_sure():
    invoices = [InvoiceInfo(pk=5, number="F-2026-118", supplier_name="Ferme du Diois", remaining=D("312.40")),
                InvoiceInfo(pk=6, number="F-2026-119", supplier_name="Ferme du Diois", remaining=D("12.00"))]
    text = "VIR SEPA EMIS /A FERME DU DIOIS /MOTIF FACTURE F-2026-118"
    assert propose(amount=D("-312.40"), booked_on=DAY, text=text, members=MEMBERS, hand_entries=[],
                   invoices=invoices) == Proposal(kind=INVOICE, invoice_pk=5, sure=True)
    assert propose(amount=D("-300.00"), booked_on=DAY, text=text, members=MEMBERS, hand_entries=[],
                   invoices=invoices) is None  # not what remains due
    assert propose(amount=D("-312.40"), booked_on=DAY, text="FACTURE F-2026-1180", members=MEMBERS,
                   hand_entries=[], invoices=invoices) is None  # another number


def test_a_supplier_payment_recorded_by_hand_comes_first():
    paid = [SupplierPaymentInfo(pk=3, amount=D("312.40"), on=DAY - datetime.timedelta(days=1),
                                invoice_number="F-2026-118")]
    invoices = [InvoiceInfo(pk=5, number="F-2026-118", supplier_name="Ferme", remaining=D("312.40"))]
    assert propose(amount=D("-312.40"), booked_on=DAY, text="FACTURE F 2026 118", members=MEMBERS, hand_entries=[],
                   supplier_payments=paid, invoices=invoices) == Proposal(kind=SUPPLIER_PAYMENT,
                                                                          supplier_payment_pk=3, sure=True)
    assert propose(amount=D("-312.40"), booked_on=DAY, text="PRLV", members=MEMBERS, hand_entries=[],
                   supplier_payments=paid) == Proposal(kind=SUPPLIER_PAYMENT, supplier_payment_pk=3, sure=False)


def test_a_fee_is_proposed_when_the_amount_is_the_fee_and_not_what_is_owed():
    dupont = MemberInfo(pk=1, number=42, name="Dupont Marie", due=D("23.50"), fee_due=D("15.00"))
    assert propose(amount=D("15.00"), booked_on=DAY, text="COTISATION ADH 42", members=[dupont],
                   hand_entries=[]) == Proposal(kind=FEE, member_pk=1, sure=True)
    both = MemberInfo(pk=1, number=42, name="Dupont Marie", due=D("15.00"), fee_due=D("15.00"))
    assert propose(amount=D("15.00"), booked_on=DAY, text="ADH 42", members=[both],
                   hand_entries=[]) == Proposal(kind=PAYMENT, member_pk=1, sure=False)  # which? a person says


def test_a_claim_reimbursed_is_proposed_by_its_reference_or_issuer_never_sure():
    claims = [ClaimInfo(pk=9, reference="BR-2026-003", issuer_name="CCAS de Romans sur Isère", amount=D("60.00"))]
    for text in ("VIR CCAS DE ROMANS SUR ISERE", "REMBOURSEMENT BR 2026 003"):
        assert propose(amount=D("60.00"), booked_on=DAY, text=text, members=MEMBERS, hand_entries=[],
                       claims=claims) == Proposal(kind=CLAIM, claim_pk=9, sure=False)
    assert propose(amount=D("61.00"), booked_on=DAY, text="BR-2026-003", members=MEMBERS, hand_entries=[],
                   claims=claims) is None


def _mentions(phrase: str, text: str) -> bool:
    """The reference's own reading of "the text names it": a regular expression over the folded text,
    the phrase's letters and digits in order, any non-alphanumeric run between its words."""
    words = re.findall(r"[0-9a-z]+", fold(phrase))
    if len("".join(words)) < 3:
        return False
    pattern = r"(?<![0-9a-z])" + r"[^0-9a-z]+".join(map(re.escape, words)) + r"(?![0-9a-z])"
    return re.search(pattern, fold(text)) is not None


NUMBERS = ["F-118", "F118", "2026-118", "118", "FA/2026/7", "7"]


@given(paid=st.sampled_from([D("10.00"), D("12.50"), D("312.40")]),
       remaining=st.lists(st.sampled_from([D("10.00"), D("12.50"), D("312.40"), D("5.00")]), min_size=6, max_size=6),
       named=st.lists(st.sampled_from(NUMBERS), max_size=3), separator=st.sampled_from([" ", "-", "/", " / "]),
       payments=st.lists(st.tuples(st.sampled_from([D("10.00"), D("12.50"), D("312.40")]), st.integers(-9, 9),
                                   st.sampled_from(NUMBERS)), max_size=3))
def test_every_debit_proposal_agrees_with_the_reference(paid, remaining, named, separator, payments):
    invoices = [InvoiceInfo(pk=i, number=n, supplier_name="Ferme", remaining=r)
                for i, (n, r) in enumerate(zip(NUMBERS, remaining, strict=True))]
    recorded = [SupplierPaymentInfo(pk=100 + i, amount=a, on=DAY + datetime.timedelta(days=g), invoice_number=n)
                for i, (a, g, n) in enumerate(payments)]
    text = "VIR FACTURE " + " ".join(n.replace("-", separator) for n in named)
    got = propose(amount=-paid, booked_on=DAY, text=text, members=MEMBERS, hand_entries=[],
                  supplier_payments=recorded, invoices=invoices)
    near = sorted((abs((p.on - DAY).days), p.pk, p) for p in recorded if p.amount == paid and abs((p.on - DAY).days) <= 5)
    if near:
        best = near[0][2]
        assert got == Proposal(kind=SUPPLIER_PAYMENT, supplier_payment_pk=best.pk,
                               sure=_mentions(best.invoice_number, text))
        return
    mentioned = [i for i in invoices if _mentions(i.number, text)]
    due = [i for i in mentioned if i.remaining == paid]
    if len(due) == 1:
        assert got == Proposal(kind=INVOICE, invoice_pk=due[0].pk, sure=len(mentioned) == 1)
    else:
        assert got is None


@given(amount=st.sampled_from([D("40.00"), D("60.00")]), with_reference=st.booleans(), with_issuer=st.booleans(),
       second=st.booleans())
def test_every_claim_proposal_agrees_with_the_reference(amount, with_reference, with_issuer, second):
    claims = [ClaimInfo(pk=1, reference="BR-2026-003", issuer_name="Département de la Drôme", amount=D("60.00"))]
    if second:
        claims.append(ClaimInfo(pk=2, reference="BR-2026-004", issuer_name="CCAS de Die", amount=D("60.00")))
    text = "VIR RECU" + (" REF BR/2026/003" if with_reference else "") + (" DEPARTEMENT DE LA DROME" if with_issuer else "")
    got = propose(amount=amount, booked_on=DAY, text=text, members=MEMBERS, hand_entries=[], claims=claims)
    expected = [c for c in claims if c.amount == amount
                and (_mentions(c.reference, text) or _mentions(c.issuer_name, text))]
    assert got == (Proposal(kind=CLAIM, claim_pk=expected[0].pk) if len(expected) == 1 else None)
