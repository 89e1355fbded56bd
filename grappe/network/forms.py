from django import forms

from .models import Association, BuyingGroup, Partner, Site, Territory


class DateInput(forms.DateInput):
    input_type = "date"


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "email", "phone", "address", "commune", "priority_threshold", "minimum_fee", "fee_scale",
                  "priority_first_in_shortage"]


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
