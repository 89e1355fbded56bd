"""The forms of the bank pages (the services decide; these only read what was typed)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Member

from .models import BankTransaction
from .statements import FORMATS, CsvMapping

MAX_FILE = 5 * 1024 * 1024  # a year of a small association's statements is far below
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
FORMAT_NAMES = {"auto": _("Recognised from the file"), "camt": "CAMT.053 (ISO 20022, XML)", "ofx": "OFX",
                "cfonb": "CFONB 120", "csv": "CSV"}
DATE_FORMATS = [("%d/%m/%Y", "31/12/2026"), ("%d/%m/%y", "31/12/26"), ("%Y-%m-%d", "2026-12-31"),
                ("%d.%m.%Y", "31.12.2026"), ("%d-%m-%Y", "31-12-2026")]


def clean_iban(value: str) -> str:
    """An IBAN checked loosely: two letters, two digits, 10 to 30 letters or digits (spaces ignored)."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact and not IBAN.fullmatch(compact):
        raise ValidationError(_("This does not look like an IBAN (for example FR76 3000 4000 0312 3456 7890 143)."))
    return compact


def masked_iban(iban: str) -> str:
    """Only the last four characters shown: "•••• 0143"."""
    return f"•••• {iban[-4:]}" if iban else ""


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example: Crédit Coopératif current account"))
    iban = forms.CharField(label=_("IBAN"), max_length=50, required=False,
                           help_text=_("Optional. Shown masked, except its last four characters."))

    def clean_iban(self):
        return clean_iban(self.cleaned_data["iban"])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Statement file"), required=False,
                           help_text=_("CAMT.053 (XML), OFX, CFONB 120 or CSV, as your bank's website gives it."))
    format = forms.ChoiceField(label=_("Format"), choices=[(k, FORMAT_NAMES[k]) for k in ("auto", *FORMATS)],
                               initial="auto")
    # CSV only: which column holds what (blank: recognised from the usual French headers)
    date = forms.CharField(label=_("Date column"), max_length=100, required=False)
    label = forms.CharField(label=_("Label column"), max_length=100, required=False)
    amount = forms.CharField(label=_("Amount column (signed)"), max_length=100, required=False,
                             help_text=_("Or a debit column and a credit column below."))
    debit = forms.CharField(label=_("Debit column"), max_length=100, required=False)
    credit = forms.CharField(label=_("Credit column"), max_length=100, required=False)
    reference = forms.CharField(label=_("Reference column"), max_length=100, required=False)
    counterparty = forms.CharField(label=_("Payer or payee column"), max_length=100, required=False)
    date_format = forms.ChoiceField(label=_("Dates written as"), choices=DATE_FORMATS, initial="%d/%m/%Y")
    decimal_comma = forms.BooleanField(label=_("Amounts with a decimal comma (12,50)"), required=False, initial=True)

    def __init__(self, *args, has_kept_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_kept_file = has_kept_file

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_FILE:
            raise ValidationError(_("This file is too large (5 MB at most)."))
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not self.has_kept_file and "file" not in self.errors:
            self.add_error("file", _("Choose the statement file."))
        if data.get("date") or data.get("label"):
            if not data.get("date") or not data.get("label"):
                self.add_error("date" if not data.get("date") else "label",
                               _("Give both the date and the label columns, or neither."))
            elif not data.get("amount") and not (data.get("debit") and data.get("credit")):
                self.add_error("amount", _("Give the amount column, or the debit and the credit columns."))
        return data

    def csv_mapping(self) -> CsvMapping | None:
        """The columns typed, or None to recognise them from the file's header."""
        data = self.cleaned_data
        if not data.get("date"):
            return None
        return CsvMapping(date=data["date"], label=data["label"], amount=data.get("amount", ""),
                          debit=data.get("debit", ""), credit=data.get("credit", ""),
                          reference=data.get("reference", ""), counterparty=data.get("counterparty", ""),
                          date_format=data["date_format"], decimal_comma=data.get("decimal_comma", True))


def find_member(association, text: str) -> Member:
    """One member of the association by number ("42") or name ("Dupont Marie", "dupont")."""
    text = text.strip()
    members = Member.objects.filter(association=association, erased_at__isnull=True)
    if text.isdigit():
        found = list(members.filter(number=int(text))[:2])
    else:
        found = list(members.filter(name__iexact=text)[:2]) or list(members.filter(name__icontains=text)[:2])
    if not found:
        raise ValidationError(_("No member with this number or name."))
    if len(found) > 1:
        raise ValidationError(_("Several members have this name: type the member number."))
    return found[0]


class ChangeForm(forms.Form):
    """What the line is, chosen by a person instead of the proposal."""

    kind = forms.ChoiceField(label=_("This line is"), widget=forms.RadioSelect)
    member = forms.CharField(label=_("Member (number or name)"), max_length=200, required=False)
    entry = forms.TypedChoiceField(label=_("Transfer recorded by hand"), coerce=int, required=False, empty_value=None)
    invoice = forms.TypedChoiceField(label=_("Supplier invoice"), coerce=int, required=False, empty_value=None)
    supplier_payment = forms.TypedChoiceField(label=_("Supplier payment recorded by hand"), coerce=int,
                                              required=False, empty_value=None)

    def __init__(self, *args, line: BankTransaction, entries=(), invoices=(), supplier_payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        Kind = BankTransaction.Kind
        if line.amount > 0:
            kinds = [(Kind.PAYMENT, _("a member's payment (booked on their account)")),
                     (Kind.FEE, _("a member's membership fee for %(year)s") % {"year": line.booked_on.year}),
                     (Kind.HAND, _("a transfer already recorded by hand"))]
            for name in ("invoice", "supplier_payment"):
                del self.fields[name]
        else:
            kinds = [(Kind.INVOICE, _("the payment of a supplier invoice")),
                     (Kind.SUPPLIER_PAYMENT, _("a supplier payment already recorded by hand"))]
            for name in ("member", "entry"):
                del self.fields[name]
        self.fields["kind"].choices = kinds
        choices = {"entry": entries, "invoice": invoices, "supplier_payment": supplier_payments}
        for name, options in choices.items():
            if name in self.fields:
                self.fields[name].choices = [("", "—"), *options]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        Kind = BankTransaction.Kind
        if kind in (Kind.PAYMENT, Kind.FEE):
            if not data.get("member"):
                self.add_error("member", _("Type the member's number or name."))
            else:
                try:
                    data["member_obj"] = find_member(self.line.account.association, data["member"])
                except ValidationError as error:
                    self.add_error("member", error)
        needed = {Kind.HAND: "entry", Kind.INVOICE: "invoice", Kind.SUPPLIER_PAYMENT: "supplier_payment"}
        if kind in needed and data.get(needed[kind]) is None:
            self.add_error(needed[kind], _("Choose one."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("For example: bank fees, transfer between our accounts."))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it"), max_length=200)


class MonthForm(forms.Form):
    mois = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
