import datetime
import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.money import format_euros, plain_number
from grappe.members.models import Member

from . import services
from .amounts import Line

MAX_PERIOD_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)  # the browser reads ISO only


class IssueForm(forms.Form):
    """An invoice for a member's baskets of a period. `seen` carries the fingerprint of the lines the
    preview showed: a confirmation issues them only if the baskets of the period are still those."""

    start = forms.DateField(label=_("Baskets from"), widget=DateInput)
    end = forms.DateField(label=_("to (included)"), widget=DateInput)
    payment_days = forms.IntegerField(label=_("Payment due within (days)"), min_value=0,
                                      max_value=services.MAX_PAYMENT_DAYS, initial=services.DEFAULT_PAYMENT_DAYS)
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=300, required=False,
                                    help_text=_("Printed on the invoice, e.g. how to pay (bank transfer, cheque)."))
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.public_body = member.kind == Member.Kind.STRUCTURE and member.public_body
        if self.public_body:
            self.fields["payment_days"].widget.attrs["max"] = services.PUBLIC_BODY_PAYMENT_DAYS
            self.fields["payment_days"].help_text = _("A public body pays within 30 days at most (public "
                                                      "procurement code, art. R2192-10).")

    def clean_payment_days(self):
        days = self.cleaned_data["payment_days"]
        if self.public_body and days > services.PUBLIC_BODY_PAYMENT_DAYS:
            raise forms.ValidationError(_("A public body pays within 30 days at most."))
        return days

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("One invoice covers a year at most."))
        if not self.member.billing_address.strip():
            raise forms.ValidationError(_("The buyer's billing address is missing: an invoice must show it. "
                                          "Add it on the member's page (Change)."))
        if self.member.kind == Member.Kind.STRUCTURE and self.member.public_body and not self.member.siret:
            raise forms.ValidationError(_("Chorus Pro needs the SIRET of a public body: add it on the member's "
                                          "page (Change)."))
        return data

    def due_on(self, today: datetime.date) -> datetime.date:
        return today + datetime.timedelta(days=self.cleaned_data["payment_days"])


def fingerprint(lines: list[Line]) -> str:
    """A short, stable summary of the lines a preview showed (count and each line's amount and text)."""
    text = "\n".join(f"{line.description}|{line.quantity}|{line.unit_price}|{line.vat_rate}" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CreditNoteForm(forms.Form):
    lines = forms.TypedMultipleChoiceField(label=_("Lines to credit"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one line to credit.")})

    def __init__(self, *args, lines: list[Line], **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice_lines = lines
        self.fields["lines"].choices = [
            (index, f"{line.description} · {plain_number(line.quantity)} × {format_euros(line.unit_price)} = "
                    f"{format_euros(line.net)}")
            for index, line in enumerate(lines)]
        self.fields["lines"].initial = list(range(len(lines)))

    def chosen(self) -> list[Line]:
        return [self.invoice_lines[index] for index in sorted(set(self.cleaned_data["lines"]))]


class FilterForm(forms.Form):
    # named as the page's query parameters, in French like every page's
    annee = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    adherent = forms.ModelChoiceField(label=_("Buyer"), queryset=Member.objects.none(), required=False,
                                      empty_label=_("all"))

    def __init__(self, *args, years: list[int], buyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", _("all"))] + [(year, str(year)) for year in years]
        self.fields["adherent"].queryset = buyers
        self.fields["adherent"].label_from_instance = lambda member: f"{member.number} · {member.name}"
