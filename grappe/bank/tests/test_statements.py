"""Parsing the four statement formats, and the fingerprints that keep each line once. No database."""

import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.bank.statements import (
    CsvMapping,
    Line,
    StatementError,
    cfonb_amount,
    detect_format,
    fingerprints,
    parse,
    parse_camt,
    parse_csv,
)

DATA = Path(__file__).parent / "data"


def read(name):
    return (DATA / name).read_bytes()


@pytest.mark.parametrize("name, fmt", [("camt053_november.xml", "camt"), ("camt053_overlap.xml", "camt"),
                                       ("ofx_november.ofx", "ofx"), ("cfonb120_november.txt", "cfonb"),
                                       ("csv_november.csv", "csv")])
def test_the_format_is_recognised(name, fmt):
    assert detect_format(read(name)) == fmt


def test_camt_reads_booked_entries_signed_with_the_banks_reference():
    statement = parse(read("camt053_november.xml"))
    assert statement.account_id == "FR7630004000031234567890143"
    assert (statement.opening_balance, statement.closing_balance) == (D("1250.00"), D("1024.10"))
    assert [(line.booked_on.day, line.amount, line.bank_ref) for line in statement.lines] == [
        (2, D("23.50"), "2026110200017"), (3, D("18.00"), "2026110300004"),
        (3, D("-312.40"), "2026110300009"), (3, D("60.00"), "2026110300011")]  # the pending one is left
    first = statement.lines[0]
    assert first.counterparty == "MME DUPONT MARIE" and "ADH 42" in first.reference
    assert statement.lines[2].counterparty == "FERME DU DIOIS"  # a debit's party is the creditor
    assert "NOTPROVIDED" not in statement.lines[1].reference


def test_camt_of_a_later_version_reads_the_same():
    lines = parse(read("camt053_overlap.xml")).lines
    assert [(line.amount, line.bank_ref) for line in lines] == [(D("60.00"), "2026110300011"),
                                                                 (D("-7.20"), "2026110500002")]


def test_camt_refuses_entities_and_what_is_not_a_statement():
    with pytest.raises(StatementError):
        parse_camt(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>')
    with pytest.raises(StatementError):
        parse_camt(b"<Document><Other/></Document>")
    with pytest.raises(StatementError):
        parse_camt(b"not xml")


def test_ofx_reads_signed_amounts_and_fitid():
    statement = parse(read("ofx_november.ofx"))
    assert statement.account_id == "12345678901" and statement.closing_balance == D("1013.80")
    assert [(line.booked_on, line.amount, line.bank_ref) for line in statement.lines] == [
        (datetime.date(2026, 11, 6), D("23.50"), "2026110600021"),
        (datetime.date(2026, 11, 7), D("-45.80"), "2026110700003"),
        (datetime.date(2026, 11, 9), D("12.00"), "2026110900008")]
    assert "ADH 42" in statement.lines[0].reference


def test_ofx_refuses_a_broken_file():
    with pytest.raises(StatementError):
        parse(b"OFXHEADER:100\r\n\r\n<OFX><BANKMSGSRSV1>", "ofx")


def test_cfonb_reads_movements_their_complements_and_the_balances():
    statement = parse(read("cfonb120_november.txt"))
    assert statement.account_id == "12345678901"
    assert (statement.opening_balance, statement.closing_balance) == (D("1250.00"), D("971.10"))
    amounts = [line.amount for line in statement.lines]
    assert amounts == [D("23.50"), D("-312.40"), D("5.00"), D("5.00")]
    assert statement.opening_balance + sum(amounts) == statement.closing_balance
    first = statement.lines[0]
    assert first.label == "VIR SEPA DUPONT MARIE PANIER NOVEMBRE ADH 42"  # the 05 LIB is added to the label
    assert first.counterparty == "DUPONT MARIE" and first.reference == "PANIER-NOV-42"
    assert first.bank_ref == "20261102-0000017" and statement.lines[2].bank_ref == ""  # no entry number


def test_cfonb_without_line_breaks_is_cut_every_120_characters():
    data = read("cfonb120_november.txt").replace(b"\r\n", b"")
    assert detect_format(data) == "cfonb"
    assert len(parse(data).lines) == 4


def test_cfonb_refuses_an_unknown_record():
    with pytest.raises(StatementError):
        parse(b"09" + b" " * 118, "cfonb")


def _overpunch(cents: int) -> str:
    """Independent encoder: 14 characters, the last digit replaced by its signed letter."""
    digits = f"{abs(cents):014d}"
    last = int(digits[-1])
    letter = ("{ABCDEFGHI" if cents >= 0 else "}JKLMNOPQR")[last]
    return digits[:-1] + letter


@given(st.integers(min_value=-(10**13) + 1, max_value=10**13 - 1), st.sampled_from([0, 2, 3]))
def test_cfonb_amounts_decode_what_the_spec_encodes(units, decimals):
    assert cfonb_amount(_overpunch(units), decimals) == D(units).scaleb(-decimals)


def test_csv_with_debit_and_credit_columns_and_decimal_commas():
    statement = parse(read("csv_november.csv"))
    assert [(line.booked_on.day, line.amount) for line in statement.lines] == [
        (2, D("23.50")), (3, D("-1234.56")), (4, D("5.00")), (4, D("5.00"))]
    assert statement.lines[0].reference == "ADH 42 PANIER"


def test_csv_with_a_remembered_mapping_and_a_signed_amount():
    data = b"Jour,Montant,Texte\n2026-11-02,-12.30,CB BOULANGERIE\n2026-11-03,40,VIR ADH 7\n"
    mapping = CsvMapping(date="Jour", amount="Montant", label="Texte", date_format="%Y-%m-%d")
    lines = parse_csv(data, mapping).lines
    assert [(line.booked_on.day, line.amount, line.label) for line in lines] == [
        (2, D("-12.30"), "CB BOULANGERIE"), (3, D("40"), "VIR ADH 7")]


def test_csv_refuses_unknown_columns_and_bad_cells():
    with pytest.raises(StatementError):
        parse_csv(b"a;b\n1;2\n")
    with pytest.raises(StatementError):
        parse_csv("Date;Libellé;Montant\n32/11/2026;x;1,00\n".encode())
    with pytest.raises(StatementError):
        parse_csv("Date;Libellé;Montant\n02/11/2026;x;abc\n".encode())
    with pytest.raises(StatementError):
        parse_csv("Date;Libellé;Montant\n02/11/2026;x;1e400\n".encode())
    with pytest.raises(StatementError):  # thousands or three decimals? refused, not guessed
        parse("Date;Libellé;Montant\n02/11/2026;x;1.234\n".encode())


lines_strategy = st.lists(st.builds(
    Line, booked_on=st.dates(datetime.date(2026, 1, 1), datetime.date(2026, 1, 5)),
    amount=st.sampled_from([D("5.00"), D("-5.00"), D("12.30")]), label=st.sampled_from(["VIR DON", "vir  don", "CB"]),
    bank_ref=st.sampled_from(["", "", "R1", "R2"])), max_size=12)


@given(lines_strategy, st.integers(min_value=0, max_value=12))
def test_fingerprints_keep_every_line_once_whatever_the_overlap(lines, cut):
    keys = fingerprints(lines)
    # a later statement that starts with the same lines gives them the same keys
    assert fingerprints(lines[:cut]) == keys[:cut]
    # lines without a bank reference are told apart by their rank: one key per line
    unreferenced = [key for key, line in zip(keys, lines, strict=True) if not line.bank_ref]
    assert len(set(unreferenced)) == len(unreferenced)
    assert all(key.startswith("ref:") == bool(line.bank_ref) for key, line in zip(keys, lines, strict=True))


def test_a_fingerprint_ignores_case_accents_and_spaces_of_the_label():
    a = Line(booked_on=datetime.date(2026, 1, 2), amount=D("5"), label="Vir  Don Élise")
    b = Line(booked_on=datetime.date(2026, 1, 2), amount=D("5.00"), label="VIR DON ELISE")
    assert fingerprints([a]) == fingerprints([b])
    assert fingerprints([a]) != fingerprints([Line(booked_on=a.booked_on, amount=D("5.01"), label=a.label)])


@pytest.mark.parametrize("fmt", ["camt", "ofx", "cfonb", "csv"])
@given(data=st.one_of(st.binary(max_size=400), st.text(alphabet="0145{}AJ;,/\n<>DocumentNtryBkToCstmrStmt 123",
                                                          max_size=400).map(str.encode)))
def test_any_file_is_read_or_refused_with_a_statement_error(fmt, data):
    try:
        statement = parse(data, fmt)
    except StatementError:
        return
    assert all(line.amount.is_finite() for line in statement.lines)


@given(st.sampled_from(["camt053_november.xml", "ofx_november.ofx", "cfonb120_november.txt", "csv_november.csv"]),
       st.integers(min_value=1, max_value=5000))
def test_a_truncated_real_file_is_read_or_refused_with_a_statement_error(name, cut):
    data = read(name)
    try:
        parse(data[: cut % len(data)], detect_format(data))
    except StatementError:
        pass


def test_a_csv_with_a_decimal_point_says_so_in_its_mapping():
    data = b"Date;Libelle;Montant\n2026-11-02;VIR ADH 42;1,234.56\n2026-11-03;FRAIS;-4.90\n"
    mapping = CsvMapping(date="Date", label="Libelle", amount="Montant", date_format="%Y-%m-%d", decimal_comma=False)
    statement = parse(data, "csv", csv_mapping=mapping)
    assert [line.amount for line in statement.lines] == [D("1234.56"), D("-4.90")]
    assert statement.csv_mapping.as_dict()["decimal_comma"] is False
