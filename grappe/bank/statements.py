"""Bank statements read into plain lines: CAMT.053, OFX, CFONB 120 and CSV. Django-free.

Every parser returns a `Statement` whose `lines` are `Line`s with a signed Decimal amount (credit
positive). Deduplication (`fingerprints`) is a pure function of those lines.
"""

import csv
import datetime
import hashlib
import io
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from grappe.core.text import fold

FORMATS = ("camt", "ofx", "cfonb", "csv")


class StatementError(ValueError):
    """The file is not a statement in the expected format (the message says where)."""


@dataclass(frozen=True)
class Line:
    booked_on: datetime.date
    amount: Decimal  # signed: a credit to the association's account is positive
    label: str
    counterparty: str = ""
    reference: str = ""  # the payer's reference (end-to-end id, remittance text)
    bank_ref: str = ""  # the bank's own identifier of the transaction, when it gives one


@dataclass
class Statement:
    format: str
    lines: list[Line] = field(default_factory=list)
    account_id: str = ""  # IBAN or the bank's account number
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    csv_mapping: "CsvMapping | None" = None  # the columns read (CSV only), for the account to remember


def _date(text: str, form: str) -> datetime.date:
    """A calendar day (a bank's booking day has no time of day nor zone)."""
    return datetime.date(*time.strptime(text, form)[:3])


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        raise StatementError(f"{where}: {text!r} is not an amount") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise StatementError(f"{where}: {text!r} is not an amount")
    return value


# --- CAMT.053 (ISO 20022 BankToCustomerStatement) ------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element, path: str):
    """The first descendant along `path` ("A/B/C"), whatever the namespace version (camt.053.001.02..13)."""
    current = [element]
    for name in path.split("/"):
        current = [child for parent in current for child in parent if _local(child.tag) == name]
        if not current:
            return None
    return current[0]


def _text(element, path: str) -> str:
    found = _find(element, path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_camt(data: bytes) -> Statement:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise StatementError("CAMT: a statement has no document type or entities")
    try:
        # no defusedxml here: documents declaring a DTD or entities are refused above, and expat
        # fetches no external resource, so neither entity expansion nor XXE can happen
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as error:
        raise StatementError(f"CAMT: not XML ({error})") from None
    report = _find(root, "BkToCstmrStmt")
    if report is None:
        raise StatementError("CAMT: no BkToCstmrStmt (is this a camt.053?)")
    statement = Statement(format="camt")
    for stmt in (child for child in report if _local(child.tag) == "Stmt"):
        statement.account_id = statement.account_id or _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id")
        for balance in (child for child in stmt if _local(child.tag) == "Bal"):
            code = _text(balance, "Tp/CdOrPrtry/Cd")
            value = _decimal(_text(balance, "Amt"), "CAMT balance")
            if _text(balance, "CdtDbtInd") == "DBIT":
                value = -value
            if code in ("OPBD", "PRCD") and statement.opening_balance is None:
                statement.opening_balance = value
            elif code in ("CLBD",):
                statement.closing_balance = value
        for entry in (child for child in stmt if _local(child.tag) == "Ntry"):
            if _text(entry, "Sts") in ("PDNG", "INFO") or _text(entry, "Sts/Cd") in ("PDNG", "INFO"):
                continue  # not booked yet: it comes again, booked, in a later statement
            amount = _decimal(_text(entry, "Amt"), "CAMT entry")
            if _text(entry, "CdtDbtInd") == "DBIT":
                amount = -amount
            day = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10] or _text(entry, "ValDt/Dt")
            try:
                booked_on = datetime.date.fromisoformat(day)
            except ValueError:
                raise StatementError(f"CAMT: entry without a booking date ({day!r})") from None
            tx = _find(entry, "NtryDtls/TxDtls")
            credit = amount > 0
            party = _text(tx, "RltdPties/Dbtr/Nm" if credit else "RltdPties/Cdtr/Nm") or \
                _text(tx, "RltdPties/Dbtr/Pty/Nm" if credit else "RltdPties/Cdtr/Pty/Nm")
            unstructured = " ".join((u.text or "").strip() for u in (tx.iter() if tx is not None else [])
                                    if _local(u.tag) == "Ustrd")
            end_to_end = _text(tx, "Refs/EndToEndId")
            reference = " ".join(part for part in (unstructured, "" if end_to_end == "NOTPROVIDED" else end_to_end)
                                 if part)
            label = _text(entry, "AddtlNtryInf") or unstructured or party
            bank_ref = _text(entry, "AcctSvcrRef") or _text(tx, "Refs/AcctSvcrRef") or _text(entry, "NtryRef")
            statement.lines.append(Line(booked_on=booked_on, amount=amount, label=label, counterparty=party,
                                        reference=reference, bank_ref=bank_ref))
    return statement


# --- OFX (1.x SGML and 2.x XML), read by ofxtools -------------------------------------------------

def parse_ofx(data: bytes) -> Statement:
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
    except Exception as error:  # ofxtools raises its own hierarchy and ValueErrors for bad fields
        raise StatementError(f"OFX: {error}") from None
    statement = Statement(format="ofx")
    for stmt in ofx.statements:
        statement.account_id = statement.account_id or str(getattr(stmt.account, "acctid", "") or "")
        if getattr(stmt, "ledgerbal", None) is not None:
            statement.closing_balance = Decimal(stmt.ledgerbal.balamt)
        for txn in stmt.banktranlist or []:
            label = " ".join(part for part in (txn.name or "", txn.memo or "") if part).strip()
            statement.lines.append(Line(
                booked_on=txn.dtposted.date(), amount=Decimal(txn.trnamt), label=label,
                counterparty=txn.name or "", reference=(txn.refnum or txn.checknum or txn.memo or "").strip(),
                bank_ref=(txn.fitid or "").strip()))
    return statement


# --- CFONB 120 ("relevé de compte", 120-character records) -----------------------------------------
# Layout (CFONB, "Relevé de compte sur support informatique", records 01, 04, 05, 07), 1-based columns:
#   1-2 record code; 3-7 bank; 8-11 internal operation code; 12-16 branch; 17-19 currency;
#   20 number of decimals; 22-32 account number; 33-34 interbank operation code;
#   35-40 booking date DDMMYY; 43-48 value date (04); 49-79 label (04); 82-88 entry number (04);
#   91-104 amount or balance: 13 digits, the last one overpunched with the sign
#   ("{" A..I = +0..+9, "}" J..R = -0..-9); 105-120 reference (04).
#   05 (complement of the 04 before it): 46-48 qualifier (LIB label, NPY payer, NBE payee,
#   RCN/REF the client's reference, ...), 49-118 the information.

_OVERPUNCH = {**{char: (1, digit) for digit, char in enumerate("{ABCDEFGHI")},
              **{char: (-1, digit) for digit, char in enumerate("}JKLMNOPQR")}}


def cfonb_amount(field_text: str, decimals: int) -> Decimal:
    """A CFONB amount field: digits whose last character carries the sign ("0000000001234{" = +123.40
    with 2 decimals)."""
    digits, last = field_text[:-1], field_text[-1:]
    if not digits.isdigit() or last not in _OVERPUNCH:
        raise StatementError(f"CFONB: {field_text!r} is not an amount")
    sign, digit = _OVERPUNCH[last]
    return sign * Decimal(int(digits + str(digit))).scaleb(-decimals)


def _cfonb_date(text: str) -> datetime.date:
    try:
        return _date(text, "%d%m%y")
    except ValueError:
        raise StatementError(f"CFONB: {text!r} is not a date (DDMMYY)") from None


def parse_cfonb(data: bytes) -> Statement:
    text = data.decode("latin-1")
    # some banks write no line breaks: records are then cut every 120 characters
    records = text.splitlines() if ("\n" in text or "\r" in text) else [text[i:i + 120] for i in range(0, len(text), 120)]
    statement = Statement(format="cfonb")
    pending: dict | None = None

    def flush():
        if pending is not None:
            statement.lines.append(Line(**pending))

    for number, record in enumerate(records, start=1):
        if not record.strip():
            continue
        record = record.ljust(120)
        code = record[0:2]
        if code not in ("01", "04", "05", "07"):
            raise StatementError(f"CFONB: record {number} starts with {code!r}, not 01, 04, 05 or 07")
        decimals = int(record[19]) if record[19].isdigit() else 2
        if code in ("01", "07"):
            flush()
            pending = None
            balance = cfonb_amount(record[90:104], decimals)
            statement.account_id = statement.account_id or record[21:32].strip()
            if code == "01" and statement.opening_balance is None:
                statement.opening_balance = balance
            elif code == "07":
                statement.closing_balance = balance
        elif code == "04":
            flush()
            entry_number = record[81:88].strip()
            booked_on = _cfonb_date(record[34:40])
            pending = {"booked_on": booked_on, "amount": cfonb_amount(record[90:104], decimals),
                       "label": " ".join(record[48:79].split()), "reference": record[104:120].strip(),
                       "bank_ref": f"{booked_on:%Y%m%d}-{entry_number}" if entry_number.strip("0") else ""}
        else:
            if pending is None:
                raise StatementError(f"CFONB: record {number} (05) follows no movement (04)")
            qualifier, info = record[45:48], " ".join(record[48:118].split())
            if qualifier in ("NPY", "NBE"):
                pending["counterparty"] = info
            elif qualifier in ("RCN", "REF"):
                pending["reference"] = " ".join(part for part in (pending["reference"], info) if part)
            else:
                pending["label"] = " ".join(part for part in (pending["label"], info) if part)
    flush()
    return statement


# --- CSV with a column mapping ---------------------------------------------------------------------

@dataclass(frozen=True)
class CsvMapping:
    """Which column holds what. Either `amount` (signed) or `debit` and `credit` (both positive)."""

    date: str
    label: str
    amount: str = ""
    debit: str = ""
    credit: str = ""
    reference: str = ""
    counterparty: str = ""
    date_format: str = "%d/%m/%Y"
    decimal_comma: bool = True  # "1.234,56"; False: "1,234.56"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_GUESSES = {
    "date": ("date operation", "date comptable", "date", "booking date"),
    "label": ("libelle", "libelle operation", "label", "description"),
    "amount": ("montant", "montant eur", "montant (eur)", "amount"),
    "debit": ("debit", "debit eur", "debit (eur)"),
    "credit": ("credit", "credit eur", "credit (eur)"),
    "reference": ("reference", "ref", "ref."),
    "counterparty": ("tiers", "beneficiaire", "emetteur", "counterparty"),
}


def guess_csv_mapping(header: list[str]) -> CsvMapping | None:
    """The mapping of a French bank's usual headers ("Date opération;Libellé;Débit;Crédit"), or None."""
    folded = {fold(name).strip(): name for name in header}
    found = {key: next((folded[g] for g in guesses if g in folded), "") for key, guesses in _GUESSES.items()}
    if not found["date"] or not found["label"] or not (found["amount"] or (found["debit"] and found["credit"])):
        return None
    return CsvMapping(date=found["date"], label=found["label"], amount=found["amount"], debit=found["debit"],
                      credit=found["credit"], reference=found["reference"], counterparty=found["counterparty"])


def _csv_amount(text: str, where: str, decimal_comma: bool = True) -> Decimal:
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if not decimal_comma:  # "1,234.56"
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:  # French: "1.234,56" or "1234,56"
        cleaned = cleaned.replace(".", "").replace(",", ".")
    return _decimal(cleaned or "0", where)


def parse_csv(data: bytes, mapping: CsvMapping | None = None) -> Statement:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise StatementError("CSV: the file is neither UTF-8 nor Windows-1252 text") from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise StatementError(f"CSV: {error}") from None
    if not rows:
        raise StatementError("CSV: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    mapping = mapping or guess_csv_mapping(header)
    if mapping is None:
        raise StatementError(f"CSV: say which columns hold the date, label and amount (found {header})")
    index = {name: position for position, name in enumerate(header)}
    for column in (mapping.date, mapping.label, mapping.amount, mapping.debit, mapping.credit,
                   mapping.reference, mapping.counterparty):
        if column and column not in index:
            raise StatementError(f"CSV: no column {column!r} (found {header})")

    def cell(row, column):
        return row[index[column]].strip() if column and index[column] < len(row) else ""

    statement = Statement(format="csv", csv_mapping=mapping)
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        where = f"CSV line {number}"
        try:
            booked_on = _date(cell(row, mapping.date), mapping.date_format)
        except ValueError:
            raise StatementError(f"{where}: {cell(row, mapping.date)!r} is not a date") from None
        if mapping.amount:
            amount = _csv_amount(cell(row, mapping.amount), where, mapping.decimal_comma)
        else:
            amount = (abs(_csv_amount(cell(row, mapping.credit), where, mapping.decimal_comma))
                      - abs(_csv_amount(cell(row, mapping.debit), where, mapping.decimal_comma)))
        statement.lines.append(Line(booked_on=booked_on, amount=amount, label=cell(row, mapping.label),
                                    counterparty=cell(row, mapping.counterparty),
                                    reference=cell(row, mapping.reference)))
    return statement


# --- format detection and deduplication ------------------------------------------------------------

def detect_format(data: bytes) -> str:
    head = data[:2000].lstrip(b"\xef\xbb\xbf \r\n\t")
    if b"OFXHEADER" in head or b"<OFX>" in head.upper():
        return "ofx"
    if b"BkToCstmrStmt" in data[:5000] or (head.startswith(b"<?xml") and b"camt.053" in data[:5000]):
        return "camt"
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if first[:2] == b"01" and (len(first) == 120 or (b"\n" not in head and len(head) >= 240)):
        return "cfonb"
    return "csv"


def parse(data: bytes, format: str = "auto", csv_mapping: CsvMapping | None = None) -> Statement:
    """The statement in `data`; its amounts are whole cents (a CSV "1.234" is refused, not guessed)."""
    format = detect_format(data) if format == "auto" else format
    readers = {"camt": parse_camt, "ofx": parse_ofx, "cfonb": parse_cfonb,
               "csv": lambda raw: parse_csv(raw, csv_mapping)}
    if format not in readers:
        raise StatementError(f"unknown format {format!r}")
    statement = readers[format](data)
    for line in statement.lines:
        if line.amount != line.amount.quantize(Decimal("0.01")):
            raise StatementError(f"{format.upper()}: {line.amount} on {line.booked_on} is not a sum in cents")
    return statement


def normalise_label(label: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(label)).split())


def fingerprints(lines: list[Line]) -> list[str]:
    """A stable key per line, the same whenever the line comes again (a statement imported twice or
    overlapping another): the bank's own reference when it gives one; otherwise the date, the amount,
    the label normalised and, for identical lines within one statement, their rank (two 5 € transfers
    from the same member on the same day stay two lines)."""
    seen: Counter = Counter()
    keys = []
    for line in lines:
        if line.bank_ref:
            keys.append("ref:" + line.bank_ref[:120])
            continue
        base = f"{line.booked_on.isoformat()}|{line.amount.quantize(Decimal('0.01'))}|{normalise_label(line.label)}"
        seen[base] += 1
        keys.append("fp:" + hashlib.sha256(f"{base}|{seen[base]}".encode()).hexdigest())
    return keys
