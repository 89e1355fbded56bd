"""Forms of staff pages only (not member-facing: French and English)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.network.models import Commune

from .forms import MEMBER_PERSONS_MAX
from .models import Member


class CoordinatorRegisterForm(forms.Form):
    """A coordinator registers a referred household (at the group, on the phone): no password (the
    household may get a login later, from its page), the commune asked, the fee left to the group."""

    code = forms.CharField(label=_("Code on the referral slip"), max_length=20,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    name = forms.CharField(label=_("Household's family name and first name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label=_("First name (optional)"), max_length=100, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail (optional)"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    adults = forms.IntegerField(label=_("Adults in the household"), min_value=1, max_value=MEMBER_PERSONS_MAX,
                                initial=1)
    children = forms.IntegerField(label=_("Children in the household"), min_value=0, max_value=MEMBER_PERSONS_MAX,
                                  initial=0)
    preferred_channel = forms.ChoiceField(label=_("How does the household want to be reached?"),
                                          choices=Member.Channel.choices, initial=Member.Channel.SMS,
                                          widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("name")

    def clean(self):
        data = super().clean()
        channel = data.get("preferred_channel")
        if not data.get("phone") and not data.get("email") and channel != Member.Channel.PAPER:
            self.add_error("phone", _("Give a phone number or an e-mail, or choose paper."))
        return data
