from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.network.models import Site

from .models import Event


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["group", "kind", "title", "description", "site", "place", "starts_at", "ends_at", "capacity"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["site"].queryset = Site.objects.filter(group__in=groups).select_related("group")
        self.fields["site"].label_from_instance = lambda site: f"{site.name} ({site.group.name})"
        self.fields["site"].empty_label = _("(another place, below)")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def clean(self):
        data = super().clean()
        site, group = data.get("site"), data.get("group")
        if site is not None and group is not None and site.group_id != group.pk:
            self.add_error("site", _("This place belongs to another group."))
        if not data.get("site") and not data.get("place"):
            self.add_error("place", _("Choose a site or stop, or write where it takes place."))
        return data


class StaffRegistrationForm(forms.Form):
    member_number = forms.IntegerField(label=_("Member number"), min_value=1)
