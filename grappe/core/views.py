import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import auth, services
from .auth import TooManyAttempts, check_code, check_credentials
from .errors import REFUSED, DomainError
from .forms import (
    LoginCodeForm,
    LoginForm,
    NewPasswordForm,
    OwnEmailForm,
    OwnPasswordChangeForm,
    ResetRequestForm,
    TokenForm,
    TOTPConfirmForm,
    TOTPDisableForm,
)
from .models import ApiToken

MUST_CHOOSE = "must_choose_password"  # session key read by core.middleware.PasswordChoiceMiddleware


PENDING = "sign_in_pending"  # session key: whose password was right, waiting for the two-step code
PENDING_SECONDS = 5 * 60  # the code page must be answered within this time, or start again


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else ""


def _refusal(form, error: Exception) -> None:
    if isinstance(error, TooManyAttempts):
        form.add_error(None, _("Too many failed attempts. Please wait 15 minutes, or ask your coordinator."))
    elif isinstance(error, services.TemporaryPasswordExpired):
        form.add_error(None, _("This temporary password is more than 30 days old and no longer works. Ask "
                               "your coordinator or a volunteer for a new one."))
    else:
        form.add_error(None, _("This temporary password has already been used. Ask your coordinator "
                               "or a volunteer for a new one."))


def _enter(request: HttpRequest, user, next_url: str) -> HttpResponse:
    login(request, user)
    if user.must_choose_password:
        request.session[MUST_CHOOSE] = True
        return redirect("password_choose")
    return redirect(next_url or "home")


def login_view(request: HttpRequest) -> HttpResponse:
    """First page: login and password. Someone who switched two-step sign-in on is then asked for the
    code on a second page (`login_code`); nobody else ever sees a code field."""
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = check_credentials(request, data["username"], data["password"])
        except (TooManyAttempts, services.TemporaryPasswordUsed) as error:
            _refusal(form, error)
        else:
            if user is None:
                form.add_error(None, _("Username or password is wrong."))
            elif user.needs_code:
                request.session.cycle_key()
                request.session[PENDING] = {
                    "user": user.pk, "username": data["username"], "backend": user.backend,
                    "hash": user.get_session_auth_hash(), "next": next_url, "since": timezone.now().timestamp()}
                return redirect("login_code")
            else:
                return _enter(request, user, next_url)
    return render(request, "core/login.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest):
    """The person whose password was right a moment ago in this session, or None (none, too old, or the
    password changed or the account was closed since)."""
    pending = request.session.get(PENDING)
    if not pending or timezone.now().timestamp() - pending["since"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending["hash"]):
        return None
    user.backend = pending["backend"]
    return user


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Second page of signing in, only for someone with two-step sign-in on: the code from their app."""
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    pending = request.session[PENDING]
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signed_in = check_code(request, user, pending["username"], form.cleaned_data["code"])
        except (TooManyAttempts, services.TemporaryPasswordUsed) as error:
            _refusal(form, error)
        else:
            if signed_in is None:
                form.add_error("code", _("This code is wrong or too old. Type the code your app shows now."))
            else:
                del request.session[PENDING]
                return _enter(request, signed_in, pending["next"])
    status = REFUSED if form.errors else 200
    return render(request, "core/login_code.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("login")


def _totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request)


def _profile_page(request, disable_form=None):
    new_key = request.session.pop("new_api_key", None)
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "token_form": TokenForm(),
        "new_key": new_key,
        "totp_on": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "pending_device": pending,
        "pending_qr": _totp_qr_svg(pending) if pending else None,
        "confirm_form": TOTPConfirmForm(),
        "disable_form": disable_form or TOTPDisableForm(),
    }
    return render(request, "core/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, key = ApiToken.create_for(request.user, form.cleaned_data["name"])
        request.session["new_api_key"] = key
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user=request.user)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("Token revoked."))
    return redirect("profile")


@login_required
@require_POST
def totp_start(request: HttpRequest) -> HttpResponse:
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    TOTPDevice.objects.create(user=request.user, name="Grappe", confirmed=False)
    return redirect("profile")


@login_required
@require_POST
def totp_confirm(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = TOTPConfirmForm(request.POST)
    if device and form.is_valid() and device.verify_token(form.cleaned_data["code"].replace(" ", "")):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        messages.success(request, _("Two-step sign-in is on. You will be asked for a code at each sign-in."))
    else:
        messages.error(request, _("That code is not right. Check the time on your phone and try again."))
    return redirect("profile")


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    """Off only with the password and a current code; refused, the profile shows again with the reason."""
    form = TOTPDisableForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            good = auth.check_own_password(request, request.user, data["password"], data["code"])
        except TooManyAttempts:
            form.add_error(None, _("Too many failed attempts. Please wait 15 minutes, or ask your coordinator."))
        else:
            if good:
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("profile")
            form.add_error(None, _("The password or the code is not right. Two-step sign-in is still on."))
    return _profile_page(request, disable_form=form)


# --- Passwords ------------------------------------------------------------------------------------

@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_own_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("profile")
    return render(request, "core/password_change.html", {"form": form})


@login_required
def password_choose(request: HttpRequest) -> HttpResponse:
    """After signing in with a temporary password: the person chooses their own before anything else."""
    if not services.must_choose_password(request.user):
        request.session.pop(MUST_CHOOSE, None)
        return redirect("home")
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, request.user)
        request.session.pop(MUST_CHOOSE, None)
        messages.success(request, _("Your password is saved. Use it from now on."))
        return redirect("home")
    return render(request, "core/password_choose.html", {"form": form})


@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """The person's own e-mail, for "forgotten password": saved once they follow the link sent to it."""
    form = OwnEmailForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"], auth.client_ip(request)
        try:
            good = auth.check_own_password(request, request.user, form.cleaned_data["password"])
            if good and auth.is_rate_limited(auth.email_key(request.user), ip):
                raise TooManyAttempts
        except TooManyAttempts:
            form.add_error(None, _("Too many requests. Please wait 15 minutes, or ask your coordinator."))
            return render(request, "core/email_change.html", {"form": form})
        if not good:
            form.add_error("password", _("Your current password is not the right one. Type it again."))
            return render(request, "core/email_change.html", {"form": form})
        auth.record_failure(auth.email_key(request.user), ip)  # each link sent counts, like a reset request
        services.request_email_confirmation(
            user=request.user, email=email, now=timezone.now(),
            confirm_url=lambda token: request.build_absolute_uri(reverse("email_confirm", args=[token])))
        messages.success(request, _("We sent a link to %(email)s: open it to confirm the address.")
                         % {"email": email})
        return redirect("profile")
    return render(request, "core/email_change.html", {"form": form})


@never_cache
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: a page with a button (a mail scanner's GET must change nothing).
    It works without signing in: following it proves the mailbox is the person's."""
    context = {}
    try:
        data = services.read_email_confirmation(token=token, now=timezone.now())
        context["email"] = data["email"]
        if request.method == "POST":
            user = services.confirm_email(token=token, now=timezone.now())
            context["confirmed"] = True
        else:
            user = get_object_or_404(get_user_model(), pk=data["user"], is_active=True)
        context["username"] = user.get_username()
    except DomainError as error:
        context["error"] = str(error)
    return render(request, "core/email_confirm.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, rate limited like sign-in. The same page follows whether or not an account exists."""

    form_class = ResetRequestForm
    template_name = "core/password_reset_form.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"

    def form_valid(self, form):
        email, ip = form.cleaned_data["email"], auth.client_ip(self.request)
        if auth.reset_is_rate_limited(email, ip):
            form.add_error(None, _("Too many requests. Please wait 15 minutes, or ask your coordinator."))
            return self.form_invalid(form)
        auth.record_reset_request(email, ip)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html")
password_reset_confirm = never_cache(auth_views.PasswordResetConfirmView.as_view(
    form_class=NewPasswordForm, template_name="core/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete")))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="core/password_reset_complete.html")
