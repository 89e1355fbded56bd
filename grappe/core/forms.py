from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .services import set_own_password


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class LoginCodeForm(forms.Form):
    """The second page of signing in, for someone who switched two-step sign-in on."""

    code = forms.CharField(label=_("Code shown by your app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("For example: accounting spreadsheet"))


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(label=_("Code shown by your app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TOTPDisableForm(forms.Form):
    """Turning two-step sign-in off: the password and a current code, so that a session left open
    (or a stolen password alone) cannot remove the second step."""

    password = forms.CharField(label=_("Current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(label=_("Code shown by your app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class ResetRequestForm(PasswordResetForm):
    """The "forgotten password" form. Only the login's own e-mail (`User.email`) is used: the one its
    owner typed and confirmed (profile, link), or that an admin gave a new team member. Never
    `Member.email`, which a coordinator can edit: that would hand them any household's login, and a
    team member's linked to it. The message goes to the address typed (it matched, whatever the case)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        super().send_mail(subject_template_name, email_template_name, context, from_email,
                          self.cleaned_data["email"], html_email_template_name=None)


class OwnEmailForm(forms.Form):
    """The e-mail a person gives for "forgotten password": confirmed by a link sent to it. The current
    password is asked (checked by the view, through the sign-in limiter), so that an open session left
    on a shared computer cannot redirect the resets."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class NewPasswordForm(SetPasswordForm):
    """New password twice, with Django's validators. Saving goes through core.services."""

    def save(self, commit=True):
        set_own_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class OwnPasswordChangeForm(PasswordChangeForm):
    """Current password, then the new one twice. Saving goes through core.services."""

    error_messages = {**PasswordChangeForm.error_messages,
                      "password_incorrect": _("Your current password is not the right one. Type it again.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
