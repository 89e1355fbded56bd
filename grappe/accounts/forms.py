import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import AmountField
from grappe.core.numbers import AMOUNT_MAX

from .models import Means, VoucherIssuer

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaymentForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    means = forms.ChoiceField(label=_("Means of payment"), choices=Means.choices, widget=forms.RadioSelect)
    amount = AmountField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("Cheque or voucher number"), max_length=60, required=False)
    issuer = forms.ModelChoiceField(label=_("Voucher issuer"), queryset=VoucherIssuer.objects.none(), required=False,
                                    empty_label=_("(food voucher only)"))
    advance = forms.BooleanField(label=_("Advance on account: keep what is paid above what is due on the "
                                         "member's account"), required=False)

    def __init__(self, *args, association_id=None, **kwargs):
        """`association_id`: whose active voucher issuers the list offers."""
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = VoucherIssuer.objects.filter(association_id=association_id, active=True)

    def refuse(self, error):
        """A refusal of the service, beside the field it is about."""
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))


class FeeForm(forms.Form):
    """The first membership fee at a checkout: only how it is paid (the amount is the one due)."""

    means = forms.ChoiceField(label=_("Means of payment"), choices=Means.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "fee")
        super().__init__(*args, **kwargs)

    def refuse(self, error):
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))


class OnAccountForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm: the member owes more than the limit and pays later."),
                                 required=False)


class CashCountForm(forms.Form):
    """Per means of payment, the amount counted and the reason for a difference (optional boxes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        for value in Means.values:
            self.fields[f"counted-{value}"] = AmountField(label=_("Counted (EUR)"), required=False,
                                                         min_value=Decimal("0"))
            self.fields[f"reason-{value}"] = forms.CharField(label=_("Reason for a difference"), max_length=200,
                                                             required=False)

    def counted(self) -> dict:
        return {m: self.cleaned_data[f"counted-{m}"] for m in Means.values
                if self.cleaned_data.get(f"counted-{m}") is not None}

    def reasons(self) -> dict:
        return {m: self.cleaned_data.get(f"reason-{m}", "") for m in Means.values}

    def refuse(self, error):
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))


class RefundForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    means = forms.ChoiceField(label=_("Means"), choices=Means.choices)
    amount = AmountField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class InvoiceForm(forms.Form):
    purchase_order = forms.TypedChoiceField(label=_("Purchase order"), coerce=int)
    number = forms.CharField(label=_("Invoice number"), max_length=60)
    date = forms.DateField(label=_("Invoice date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = AmountField(label=_("Amount incl. VAT (EUR)"), min_value=Decimal("0"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason for a difference from the purchase order"), max_length=200,
                             required=False)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchase_order"].choices = [(po.pk, f"{po.number} · {po.supplier}") for po in orders]


class SupplierPaymentForm(forms.Form):
    amount = AmountField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    means = forms.ChoiceField(label=_("Means"), choices=Means.choices, initial=Means.TRANSFER)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)


class CostForm(forms.Form):
    label = forms.CharField(label=_("Passed-on cost (e.g. transport)"), max_length=200)
    amount = AmountField(label=_("Amount (EUR)"), min_value=-AMOUNT_MAX)


class DifferenceForm(forms.Form):
    label = forms.CharField(label=_("Difference"), max_length=200)
    amount = AmountField(label=_("Amount (EUR)"), min_value=-AMOUNT_MAX)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PeriodForm(forms.Form):
    FORMATS = [("csv", _("entries (CSV)")), ("fec", _("FEC layout (French accounting file)")),
               ("journal", _("journal per means of payment (CSV)"))]
    # named as the page's query parameters, in French like every page's (?debut=...&fin=...)
    debut = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            raise forms.ValidationError(_("The end comes before the start."))
        return data


def this_month() -> tuple[datetime.date, datetime.date]:
    today = datetime.date.today()  # noqa: DTZ011 (a default for a form)
    return today.replace(day=1), today


# --- Food vouchers --------------------------------------------------------------------------------


def _iso_date():
    """A date box the browser fills: its value must be ISO (2026-11-30), whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IssuerForm(forms.Form):
    name = forms.CharField(label=_("Name (e.g. CCAS de Romans-sur-Isère)"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=VoucherIssuer.Kind.choices)
    address = forms.CharField(label=_("Address for the claims"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=_("Contact (department, person, phone)"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail for the claims"), required=False)
    scheme_reference = forms.CharField(label=_("Scheme or agreement (optional)"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active: offered at payment"), required=False, initial=True)

    def refuse(self, error):
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))


class VoucherFilterForm(forms.Form):
    """The vouchers page's filters, named as its query parameters (?emetteur=&statut=&debut=&fin=)."""

    emetteur = forms.ModelChoiceField(label=_("Issuer"), queryset=VoucherIssuer.objects.none(), required=False,
                                      empty_label=_("all"))
    statut = forms.ChoiceField(label=_("Status"), required=False)
    debut = forms.DateField(label=_("From"), required=False, widget=_iso_date())
    fin = forms.DateField(label=_("To"), required=False, widget=_iso_date())

    def __init__(self, *args, association_id=None, **kwargs):
        from .models import Voucher

        super().__init__(*args, **kwargs)
        self.fields["emetteur"].queryset = VoucherIssuer.objects.filter(association_id=association_id)
        self.fields["statut"].choices = [("", _("all")), *Voucher.Status.choices]


class ClaimForm(forms.Form):
    """Which issuer and period a claim gathers (?emetteur=&debut=&fin=, also the confirming POST)."""

    emetteur = forms.ModelChoiceField(label=_("Issuer"), queryset=VoucherIssuer.objects.none())
    debut = forms.DateField(label=_("Vouchers received from"), widget=_iso_date())
    fin = forms.DateField(label=_("To"), widget=_iso_date())

    def __init__(self, *args, association_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emetteur"].queryset = VoucherIssuer.objects.filter(association_id=association_id)

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            raise forms.ValidationError(_("The end comes before the start."))
        return data

    def refuse(self, error):
        field = {"issuer": "emetteur", "start": "debut", "end": "fin"}.get(getattr(error, "field", None) or "")
        self.add_error(field, str(error))


class ReimbursedForm(forms.Form):
    on = forms.DateField(label=_("Day the money arrived"), widget=_iso_date())
    bank_reference = forms.CharField(label=_("Bank reference (optional)"), max_length=60, required=False)

    def refuse(self, error):
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))


class ClaimReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def refuse(self, error):
        self.add_error("reason", str(error))
