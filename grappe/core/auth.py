"""Sign-in with rate limiting, optional TOTP second factor, and one-use temporary passwords.

The same limiter guards the "forgotten password" form: each request is stored as a `FailedLogin`
row under "reset:<e-mail>", so an address that hammers sign-in and reset together is stopped too.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import FailedLogin
from .services import TemporaryPasswordUsed, use_temporary_password

RESET_PREFIX = "reset:"


class TooManyAttempts(Exception):
    pass


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def is_rate_limited(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = FailedLogin.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_user = recent.filter(username=username.lower()).count()
    by_ip = recent.filter(ip_address=ip).count() if ip else 0
    # An address gets more room than one account: a social centre shares one connection.
    return by_user >= limit or by_ip >= limit * 4


def check_credentials(request, username: str, password: str, otp_code: str):
    """The user, or None. Raises TooManyAttempts, or TemporaryPasswordUsed when the password is a
    temporary one that already served. A confirmed TOTP device makes the code required.
    `user.must_choose_password` says the password was a temporary one (the view then asks for a new one)."""
    ip = client_ip(request)
    if is_rate_limited(username, ip):
        raise TooManyAttempts
    user = authenticate(request, username=username, password=password)
    if user is not None and user_has_device(user, confirmed=True):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if not (otp_code and device and device.verify_token(otp_code.strip().replace(" ", ""))):
            user = None
        else:
            user.otp_device = device
    if user is not None:
        try:
            user.must_choose_password = use_temporary_password(user)
        except TemporaryPasswordUsed:
            FailedLogin.objects.create(username=username.lower(), ip_address=ip)
            raise
    if user is None:
        FailedLogin.objects.create(username=username.lower(), ip_address=ip)
        return None
    FailedLogin.objects.filter(username=username.lower()).delete()
    return user


def reset_key(email: str) -> str:
    return (RESET_PREFIX + email.strip().lower())[:150]


def reset_is_rate_limited(email: str, ip: str | None) -> bool:
    """The "forgotten password" form, limited like sign-in, whether or not the address has an account."""
    return is_rate_limited(reset_key(email), ip)


def record_reset_request(email: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=reset_key(email), ip_address=ip)
