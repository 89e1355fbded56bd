import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .indicators import Period
from .models import TEXT_MAX


class PeriodForm(forms.Form):
    """The period and scope of the reports pages, read from the query string.

    The query's parameters are French, as on every page (`?groupe=`, `?statut=`): the fields keep
    English names in the code, `add_prefix` gives each its name in the URL."""

    PARAMETERS = {"preset": "periode", "start": "debut", "end": "fin", "scope": "perimetre"}
    PRESETS = [("this_month", _("this month")), ("last_month", _("last month")), ("this_year", _("this year")),
               ("last_year", _("last year")), ("custom", _("dates below"))]
    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, initial="this_year", required=False)
    start = forms.DateField(label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    scope = forms.ChoiceField(label=_("Scope"), required=False)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes

    def add_prefix(self, field_name):
        return self.PARAMETERS.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        if data.get("preset") == "custom":
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Give both dates."))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The end must come after the start."))
            if (data["end"] - data["start"]).days > 3 * 366:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        today = timezone.localdate()
        preset = data.get("preset") or "this_year"
        if preset == "custom":
            return Period(data["start"], data["end"])
        if preset == "this_month":
            return Period.month(today.year, today.month)
        if preset == "last_month":
            previous = today.replace(day=1) - dt.timedelta(days=1)
            return Period.month(previous.year, previous.month)
        if preset == "last_year":
            return Period.year(today.year - 1)
        return Period.year(today.year)


class FunderTextForm(forms.Form):
    text = forms.CharField(label=_("Short text for the funder"), required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
                           help_text=_("A few lines on the year: what went well, what changed. No names."))
