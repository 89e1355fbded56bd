from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_code = forms.CharField(
        label=_("Verification code (if two-step sign-in is on)"), required=False, max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("For example: accounting spreadsheet"))


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(label=_("Code shown by your app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
