from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from grappe.core.money import plain_number
from grappe.network.models import Commune, Partner, Site

from .models import Member, Membership, validate_siret
from .siret import normalised as normalised_siret


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)  # the browser reads ISO only


MEMBER_PERSONS_MAX = 30  # adults, or children, in one household


class MemberForm(forms.ModelForm):
    """Personal data of a member; the category has its own form (audited apart)."""

    adults = forms.IntegerField(label=_("Adults in the household"), min_value=1, max_value=MEMBER_PERSONS_MAX,
                                initial=1)
    children = forms.IntegerField(label=_("Children in the household"), min_value=0, max_value=MEMBER_PERSONS_MAX,
                                  initial=0)

    # spaces between the groups of digits are allowed when typing ("212 602 819 00014")
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False,
                            help_text=Member._meta.get_field("siret").help_text,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    BILLING_FIELDS = ("billing_address", "siret", "public_body", "chorus_service_code")

    class Meta:
        model = Member
        fields = ["kind", "name", "first_name", "adults", "children", "phone", "email", "preferred_channel",
                  "commune", "stop", "reminders_opt_out", "billing_address", "siret", "public_body",
                  "chorus_service_code"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                   "billing_address": forms.Textarea(attrs={"rows": 3, "autocomplete": "off"})}

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        # A retired van stop is offered no more, except to the member who still has it.
        current = Q(pk=self.instance.stop_id) if self.instance.stop_id else Q(pk__in=[])
        self.fields["stop"].queryset = (Site.objects.filter(Q(retired_at__isnull=True) | current, group=group)
                                        if group else Site.objects.none())
        self.fields["stop"].required = False

    def main_fields(self):
        return [self[name] for name in self.fields if name not in self.BILLING_FIELDS]

    def billing_fields(self):
        return [self[name] for name in self.BILLING_FIELDS]

    def clean_siret(self):
        siret = normalised_siret(self.cleaned_data.get("siret") or "")
        validate_siret(siret)
        return siret

    def clean(self):
        data = super().clean()
        if data.get("kind") == Member.Kind.HOUSEHOLD:
            for name, message in (("siret", _("A household has no SIRET: leave it empty.")),
                                  ("public_body", _("Only a structure can be a public body.")),
                                  ("chorus_service_code", _("Only a public body has a Chorus Pro service code."))):
                if data.get(name):
                    self.add_error(name, message)
        elif data.get("public_body") and not data.get("siret") and "siret" not in self.errors:
            self.add_error("siret", _("Chorus Pro needs the SIRET of a public body."))
        return data


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Member.Category.choices, widget=forms.RadioSelect)
    priority_basis = forms.ChoiceField(label=_("Basis of priority"), required=False,
                                       choices=[("", "—"), *Member.PriorityBasis.choices])
    basis_partner = forms.ModelChoiceField(label=_("Referring partner"), queryset=Partner.objects.none(),
                                           required=False)
    basis_date = forms.DateField(label=_("Basis date"), required=False, widget=DateInput)
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput,
                                  help_text=_("When to check the situation again."))

    def __init__(self, *args, association=None, **kwargs):
        super().__init__(*args, **kwargs)
        if association is not None:
            self.fields["basis_partner"].queryset = Partner.objects.filter(association=association)

    def clean(self):
        data = super().clean()
        if data.get("category") == Member.Category.PRIORITY and not data.get("priority_basis"):
            self.add_error("priority_basis", _("A priority member needs a basis of priority."))
        if data.get("priority_basis") == Member.PriorityBasis.REFERRAL and not data.get("basis_partner"):
            self.add_error("basis_partner", _("Say which partner referred the household."))
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["year", "fee", "paid_on", "means"]
        widgets = {"paid_on": DateInput}

    def __init__(self, *args, association=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        if association is not None:
            self.fields["fee"].initial = association.minimum_fee
            suggestions = ", ".join(f"{plain_number(fee)} €" for fee in association.fee_suggestions)
            self.fields["fee"].help_text = _("From %(minimum)s €. Suggested: %(scale)s.") % {
                "minimum": plain_number(association.minimum_fee), "scale": suggestions}
        self.fields["fee"].min_value = Decimal("0")


class ReferralForm(forms.Form):
    household_name = forms.CharField(label=_("Name or initials of the household"), max_length=200)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    persons = forms.IntegerField(label=_("Number of persons"), min_value=1, max_value=20, initial=1)
    group = forms.ModelChoiceField(label=_("Buying group"), queryset=None)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    language = forms.ChoiceField(label=_("Language of the join page"), initial="fr",
                                 help_text=_("The QR code of the slip opens the join page in this language."))

    def __init__(self, *args, groups, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["group"].queryset = groups
        self.fields["partner"].queryset = partners
        if partners.count() == 1:
            self.fields["partner"].initial = partners.first()
            self.fields["partner"].widget = forms.HiddenInput()


def language_choices() -> list[tuple[str, str]]:
    """settings.LANGUAGES, read at run time, each named in the page's language and in its own
    ("Arabe (العربيّة)"), so the referrer and the household both recognise it."""
    choices = []
    for code, name in settings.LANGUAGES:
        try:
            local = get_language_info(code)["name_local"]
        except KeyError:
            local = ""
        label = str(name)
        choices.append((code, f"{label} ({local})" if local and local.lower() != label.lower() else label))
    return choices


class RegisterForm(forms.Form):
    """The short, phone-first form a referred household (or a coordinator for it) fills in."""

    code = forms.CharField(label=_("Code on the referral slip"), max_length=20,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    name = forms.CharField(label=_("Family name and first name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    first_name = forms.CharField(label=_("First name (optional)"), max_length=100, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
                                 help_text=_("To greet you by your first name."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    adults = forms.IntegerField(label=_("Adults in the household"), min_value=1, max_value=20, initial=1)
    children = forms.IntegerField(label=_("Children in the household"), min_value=0, max_value=20, initial=0)
    preferred_channel = forms.ChoiceField(label=_("How should we reach you?"), choices=Member.Channel.choices,
                                          initial=Member.Channel.SMS, widget=forms.RadioSelect)
    password = forms.CharField(label=_("Password, to order online (optional)"), required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), min_length=8,
                               help_text=_("At least 8 characters. Without one, order by phone or on paper."))

    fee = forms.TypedChoiceField(label=_("Your yearly fee"), required=False, coerce=Decimal, empty_value=None,
                                 widget=forms.RadioSelect)

    field_order = ["code", "name", "first_name", "phone", "email", "adults", "children", "preferred_channel",
                   "password", "fee"]

    def __init__(self, *args, association=None, **kwargs):
        """`association`: the one of the code, when it is known (from the slip's QR code, or typed):
        the household may then choose its fee among the suggestions; otherwise it is chosen at the group."""
        super().__init__(*args, **kwargs)
        if association is None or not association.fee_suggestions:
            del self.fields["fee"]
            return
        self.fields["fee"].choices = [
            *[(str(fee), f"{plain_number(fee)}\u00a0€") for fee in association.fee_suggestions],
            ("", _("I will choose at the group")),
        ]
        self.fields["fee"].initial = ""
        if association.first_fee_at_first_distribution:
            self.fields["fee"].help_text = _("You pay it at the group, at your first distribution. You can order "
                                             "as soon as you have joined.")
        else:
            self.fields["fee"].help_text = _("You pay it at the group, before you can order: at a distribution.")

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:  # Django's validators, as for every password (too short, too common, all digits...)
            validate_password(password, user=get_user_model()(first_name=self.data.get("name", "")))
        return password

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            self.add_error("phone", _("Give a phone number (or an e-mail) so the group can reach you."))
        return data

