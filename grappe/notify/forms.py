import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_TEXT


class MessageForm(forms.Form):
    """The coordinator's message; `confirm` is asked on the preview page only (`sending`)."""

    text = forms.CharField(label=_("Message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Sent as you type it, to every person, whatever their language."))
    subject = forms.CharField(label=_("Subject of the e-mail (optional)"), max_length=150, required=False)
    about_date = forms.DateField(label=_("About the distribution of (optional)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("A message about today's or tomorrow's distribution may leave between "
                                             "7 h and 21 h; any other waits for the reminders' hours."))
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    confirm = forms.BooleanField(label=_("I have checked the message and the recipients: send it."), required=False)

    def __init__(self, *args, sending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].required = sending


CHOICE_FIELDS = (("enabled", _("Sent")), ("sms", _("By SMS")), ("email", _("By e-mail")),
                 ("call", _("On the call list (phone or paper)")))


class ReminderSettingsForm(forms.Form):
    """One fieldset per kind of reminder: sent or not, and by which channels (ticks, work without JS)."""

    def __init__(self, *args, kinds, current, **kwargs):
        """`kinds`: [(name, label)]; `current`: {name: {"enabled", "sms", "email", "call"}}."""
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for name, _label in kinds:
            for field, field_label in CHOICE_FIELDS:
                self.fields[f"{name}__{field}"] = forms.BooleanField(
                    label=field_label, required=False, initial=current.get(name, {}).get(field, True))

    def groups(self):
        return [{"name": name, "label": label, "fields": [self[f"{name}__{field}"] for field, _l in CHOICE_FIELDS]}
                for name, label in self.kinds]

    def choices(self) -> dict:
        return {name: {field: self.cleaned_data[f"{name}__{field}"] for field, _l in CHOICE_FIELDS}
                for name, _label in self.kinds}
