from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .models import Association, BuyingGroup, Partner, Role, Site, Territory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)  # the browser reads ISO only


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "email", "phone", "address", "commune", "priority_threshold", "minimum_fee", "fee_scale",
                  "first_fee_at_first_distribution", "priority_first_in_shortage", "price_change_alert_percent"]


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["name"]


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "commune", "address", "contact_name", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class GroupForm(forms.ModelForm):
    class Meta:
        model = BuyingGroup
        fields = ["name", "territory", "kind", "status", "host", "rhythm", "pause_start", "pause_end"]
        widgets = {"pause_start": DateInput, "pause_end": DateInput}

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = association.territories.all()
        self.fields["host"].queryset = association.partners.all()


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "commune", "latitude", "longitude", "contact", "is_stop", "position"]


class RoleForm(forms.Form):
    """A role with its groups or partner. The service checks the rules again (and says why in French)."""

    kind = forms.ChoiceField(label=_("Role"), choices=Role.Kind.choices, widget=forms.RadioSelect)
    groups = forms.ModelMultipleChoiceField(
        label=_("Buying groups"), queryset=BuyingGroup.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("For a coordinator or a volunteer: at least one."),
    )
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), required=False,
                                     help_text=_("For a partner referrer."))

    def __init__(self, *args, association, with_kind=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = association.groups.all()
        self.fields["partner"].queryset = association.partners.all()
        if not with_kind:
            del self.fields["kind"]


class PersonDetailsForm(forms.Form):
    """A team member's name, e-mail and phone: corrected alone, or the start of the team form."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Optional: many volunteers have none."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
                            help_text=_("Without an e-mail, reminders go by SMS to this number."))


class PersonForm(RoleForm, PersonDetailsForm):
    username = forms.CharField(
        label=_("Sign-in name"), max_length=150, required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Optional: made from the first and last name when empty."),
    )

    field_order = ["first_name", "last_name", "email", "phone", "username", "kind", "groups", "partner"]
