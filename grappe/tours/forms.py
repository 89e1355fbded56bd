from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import PercentField
from grappe.network.models import BuyingGroup, Commune

from .models import CandidateStop, Scenario
from .queries import epci_choices

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def mobile_groups(scope):
    return scope.groups().filter(kind=BuyingGroup.Kind.MOBILE)


class ScenarioForm(forms.ModelForm):
    epci = forms.ChoiceField(label=_("Intercommunality considered"), required=False)
    other_communes = forms.CharField(
        label=_("Other communes considered (INSEE codes)"), required=False,
        help_text=_("Separated by commas or spaces, e.g. 26296, 26328."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    working_weekdays = forms.TypedMultipleChoiceField(label=_("Working days of the van"), choices=WEEKDAYS,
                                                      coerce=int, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Scenario
        fields = ["name", "group", "epci", "reach_mode", "reach", "detour_factor", "speed_kmh", "goal",
                  "max_stops", "hours_budget", "depot", "working_weekdays", "day_start", "day_end",
                  "break_minutes", "service_minutes", "default_frequency", "capacity_kg", "capacity_m3",
                  "basket_kg", "uptake_percent", "cost_per_km", "cost_per_hour", "household_size", "period_start"]
        widgets = {"day_start": TimeInput(), "day_end": TimeInput(), "period_start": DateInput()}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = mobile_groups(scope)
        self.fields["epci"].choices = [("", _("none"))] + [(e, e) for e in epci_choices()]
        self.fields["depot"].queryset = Commune.objects.order_by("name")
        if self.instance.pk:
            self.fields["other_communes"].initial = ", ".join(
                self.instance.communes.order_by("insee").values_list("insee", flat=True))

    def clean_other_communes(self):
        raw = self.cleaned_data["other_communes"].replace(",", " ").split()
        codes = sorted({code.strip().upper() for code in raw})
        found = list(Commune.objects.filter(insee__in=codes))
        missing = set(codes) - {c.insee for c in found}
        if missing:
            raise forms.ValidationError(_("Unknown INSEE codes: %(codes)s"),
                                        params={"codes": ", ".join(sorted(missing))})
        return found

    def clean_period_start(self):
        start = self.cleaned_data["period_start"]
        if start and start.weekday() != 0:
            raise forms.ValidationError(_("Choose a Monday."))
        return start

    def clean(self):
        data = super().clean()
        if not data.get("epci") and not data.get("other_communes") and not self.errors:
            raise forms.ValidationError(_("Choose an intercommunality or list communes."))
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", _("The day must end after it starts."))
        return data

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.communes.set(self.cleaned_data.get("other_communes") or [])


class WeightsForm(forms.Form):
    """One weight per indicator column (0 leaves it out)."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        for column in columns:
            self.fields[column.key] = PercentField(label=column.label, initial=column.weight)

    def weights(self) -> dict:
        return {key: float(value) for key, value in self.cleaned_data.items()}


class CandidateStopForm(forms.ModelForm):
    class Meta:
        model = CandidateStop
        fields = ["name", "commune", "address", "latitude", "longitude", "contact", "service_minutes", "frequency",
                  "window_start", "window_end", "pause_start", "pause_end", "excluded"]
        widgets = {"window_start": TimeInput(), "window_end": TimeInput(), "pause_start": DateInput(),
                   "pause_end": DateInput()}
        help_texts = {"latitude": _("Empty: the commune's centre."), "longitude": _("Empty: the commune's centre.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        self.fields["latitude"].required = False
        self.fields["longitude"].required = False

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if commune is not None:
            if data.get("latitude") is None:
                data["latitude"] = commune.latitude
            if data.get("longitude") is None:
                data["longitude"] = commune.longitude
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The stop must close after it opens."))
        if bool(data.get("pause_start")) != bool(data.get("pause_end")):
            self.add_error("pause_end", _("Give both ends of the pause, or neither."))
        return data


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("One row per commune; columns separated by ; or ,."))
    source = forms.CharField(label=_("Source of the figures"), max_length=300, required=False,
                             help_text=_("For example: INSEE, recensement 2021"))


class IndicatorConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=5 * 1024 * 1024)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    keep_valid = forms.BooleanField(label=_("Import only the valid rows and leave the rows in error aside"),
                                    required=False)


class AdoptForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Mobile group"), queryset=BuyingGroup.objects.none())
    period_start = forms.DateField(label=_("First Monday of the cycle"), widget=DateInput())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = mobile_groups(scope)

    def clean_period_start(self):
        start = self.cleaned_data["period_start"]
        if start.weekday() != 0:
            raise forms.ValidationError(_("Choose a Monday."))
        return start


class AdoptConfirmForm(forms.Form):
    """The second step of adopting: a required tick (no JavaScript needed), and whether to write to the
    members of the stops it retires."""

    step = forms.CharField(widget=forms.HiddenInput, initial="confirm")
    confirm = forms.BooleanField(
        label=_("I confirm: the group's van stops become the stops of this scenario, and the others are retired."),
        error_messages={"required": _("Tick the box to confirm.")})
    send_message = forms.BooleanField(label=_("Tell the members of the retired stops (the message is above)"),
                                      required=False)


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=_("First scenario"), queryset=Scenario.objects.none())
    b = forms.ModelChoiceField(label=_("Second scenario"), queryset=Scenario.objects.none())

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Scenario.objects.filter(association=association).order_by("name")
        self.fields["a"].queryset = queryset
        self.fields["b"].queryset = queryset
