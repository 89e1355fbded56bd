from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.network.models import BuyingGroup, Site

from .models import Event


class EventForm(forms.ModelForm):
    other_groups = forms.ModelMultipleChoiceField(
        label=_("Also for the members of"), queryset=BuyingGroup.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The event is for the organising group; tick the other groups it is open to."))
    field_order = ["group", "other_groups"]

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
        event = self.instance if self.instance.pk else None
        # the groups the user may manage; editing, the event's host stays a choice even when it is not one
        hosts = groups if event is None else (groups | BuyingGroup.objects.filter(pk=event.group_id)).distinct()
        self.fields["group"].queryset = hosts
        self.fields["group"].label = _("Organising group")
        self.fields["other_groups"].queryset = groups
        if event is not None:
            self.initial.setdefault("other_groups", [pk for pk in event.group_ids if pk != event.group_id])
        self.fields["site"].queryset = Site.objects.filter(group__in=hosts).select_related("group")
        self.fields["site"].label_from_instance = lambda site: f"{site.name} ({site.group.name})"
        self.fields["site"].empty_label = _("(another place, below)")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def clean(self):
        data = super().clean()
        site, group = data.get("site"), data.get("group")
        chosen = {group.pk if group else None, *(g.pk for g in data.get("other_groups") or ())}
        if site is not None and group is not None and site.group_id not in chosen:
            self.add_error("site", _("This place belongs to another group."))
        if not data.get("site") and not data.get("place"):
            self.add_error("place", _("Choose a site or stop, or write where it takes place."))
        return data


class StaffRegistrationForm(forms.Form):
    member_number = forms.IntegerField(label=_("Member number"), min_value=1)
