"""Writing a CAMT.053 statement (ISO 20022 BankToCustomerStatement, camt.053.001.02). Django-free.

Banks write these; Grappe only reads them (`statements.parse_camt`). This writer exists for the
simulation (`manage.py simulate_cycle`, `bank/simulation.py`) and the tests: a statement shaped as
French banks send it (group header, one statement with its account, opening and closing booked
balances, one booked entry per line with the bank's reference, a bank transaction code, the related
party and the remittance text), which `statements.parse_camt` reads back into the same lines.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

from .statements import Line

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}"


def _balance(statement: ET.Element, code: str, amount: Decimal, day: datetime.date, currency: str) -> None:
    balance = _add(statement, "Bal")
    _add(_add(_add(balance, "Tp"), "CdOrPrtry"), "Cd", code)
    _add(balance, "Amt", _amount(amount), Ccy=currency)
    _add(balance, "CdtDbtInd", "DBIT" if amount < 0 else "CRDT")
    _add(_add(balance, "Dt"), "Dt", day.isoformat())


def _entry(statement: ET.Element, rank: int, line: Line, currency: str) -> None:
    credit = line.amount > 0
    entry = _add(statement, "Ntry")
    _add(entry, "NtryRef", str(rank))
    _add(entry, "Amt", _amount(line.amount), Ccy=currency)
    _add(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    _add(entry, "Sts", "BOOK")
    _add(_add(entry, "BookgDt"), "Dt", line.booked_on.isoformat())
    _add(_add(entry, "ValDt"), "Dt", line.booked_on.isoformat())
    if line.bank_ref:
        _add(entry, "AcctSvcrRef", line.bank_ref)
    # a received SEPA credit transfer; anything else is booked as the bank's charges
    domain, family, sub = ("PMNT", "RCDT", "ESCT") if credit else ("ACMT", "MDOP", "CHRG")
    domain_element = _add(_add(entry, "BkTxCd"), "Domn")
    _add(domain_element, "Cd", domain)
    family_element = _add(domain_element, "Fmly")
    _add(family_element, "Cd", family)
    _add(family_element, "SubFmlyCd", sub)
    details = _add(_add(entry, "NtryDtls"), "TxDtls")
    _add(_add(details, "Refs"), "EndToEndId", "NOTPROVIDED")
    _add(_add(_add(details, "AmtDtls"), "TxAmt"), "Amt", _amount(line.amount), Ccy=currency)
    if line.counterparty:
        _add(_add(_add(details, "RltdPties"), "Dbtr" if credit else "Cdtr"), "Nm", line.counterparty)
    if line.reference:
        _add(_add(details, "RmtInf"), "Ustrd", line.reference)
    if line.label:
        _add(entry, "AddtlNtryInf", line.label)


def camt053(lines: Sequence[Line], *, iban: str, statement_id: str, opening: Decimal, created: datetime.datetime,
            bic: str = "CCOPFRPPXXX", currency: str = "EUR") -> bytes:
    """The statement of `lines` (booked on their days) from the `opening` balance, as UTF-8 XML bytes."""
    document = ET.Element("Document", {"xmlns": NAMESPACE})
    report = _add(document, "BkToCstmrStmt")
    header = _add(report, "GrpHdr")
    _add(header, "MsgId", f"STMT-{statement_id}")
    _add(header, "CreDtTm", created.isoformat(timespec="seconds"))
    statement = _add(report, "Stmt")
    _add(statement, "Id", statement_id)
    _add(statement, "CreDtTm", created.isoformat(timespec="seconds"))
    days = [line.booked_on for line in lines] or [created.date()]
    period = _add(statement, "FrToDt")
    _add(period, "FrDtTm", f"{min(days).isoformat()}T00:00:00")
    _add(period, "ToDtTm", f"{max(days).isoformat()}T23:59:59")
    account = _add(statement, "Acct")
    _add(_add(account, "Id"), "IBAN", iban)
    _add(account, "Ccy", currency)
    _add(_add(_add(account, "Svcr"), "FinInstnId"), "BIC", bic)
    closing = opening + sum((line.amount for line in lines), Decimal("0.00"))
    _balance(statement, "OPBD", opening, min(days), currency)
    _balance(statement, "CLBD", closing, max(days), currency)
    for rank, line in enumerate(lines, start=1):
        _entry(statement, rank, line, currency)
    ET.indent(document)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(document, encoding="utf-8") + b"\n"
