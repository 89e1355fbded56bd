"""Sign-in with rate limiting, optional TOTP second factor, and one-use temporary passwords.

Limits that stop guessing without letting a stranger lock someone out (docs/architecture.md,
"Security"). Within LOGIN_FAILURE_WINDOW seconds:
- one (account, address) pair: LOGIN_FAILURE_LIMIT failures, then that pair waits;
- one account, counting only addresses that never signed in to it: LOGIN_ACCOUNT_FAILURE_LIMIT, then
  the account waits, except from the addresses it signed in from before (`SignInAddress`);
- one address, counting only accounts it never signed in to: LOGIN_ADDRESS_FAILURE_LIMIT, then it
  waits on those accounts (password spraying), while its regular users still sign in.
A refused attempt is not recorded, so a flood adds no rows. The client address is REMOTE_ADDR, or,
behind TRUSTED_PROXY_COUNT reverse proxies, the address the outermost trusted one saw.

The same limiter guards the "forgotten password" form: each request is stored as a `FailedLogin`
row under "reset:<e-mail>", counted like a failed sign-in on an account nobody signed in to.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import FailedLogin, SignInAddress
from .services import TemporaryPasswordUsed, reset_key, sign_in_key, use_temporary_password

KNOWN_ADDRESS_DAYS = 180  # an address not used to sign in for this long is forgotten
PURGE_BATCH = 500  # old rows deleted at each write, at most: the table stays small without a cron job


class TooManyAttempts(Exception):
    pass


def _valid_ip(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies, the entry of X-Forwarded-For that the
    outermost trusted proxy appended (entries further left are whatever the client sent)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def _since(now):
    return now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def is_rate_limited(username: str, ip: str | None, now=None) -> bool:
    now = now or timezone.now()
    key = sign_in_key(username)
    recent = FailedLogin.objects.filter(at__gte=_since(now))
    if recent.filter(username=key, ip_address=ip).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    known_here = SignInAddress.objects.filter(ip_address=ip) if ip else SignInAddress.objects.none()
    if known_here.filter(user__username__iexact=key).exists():
        return False  # an address this account signed in from: only its own failures count
    known_addresses = SignInAddress.objects.filter(user__username__iexact=key).values("ip_address")
    if (recent.filter(username=key).exclude(ip_address__in=known_addresses).count()
            >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        return True
    if ip is None:
        return False
    known_accounts = known_here.annotate(key=Lower("user__username")).values("key")
    return (recent.filter(ip_address=ip).exclude(username__in=known_accounts).count()
            >= settings.LOGIN_ADDRESS_FAILURE_LIMIT)


def record_failure(username: str, ip: str | None, now=None) -> None:
    now = now or timezone.now()
    FailedLogin.objects.create(username=sign_in_key(username), ip_address=ip, at=now)
    old = FailedLogin.objects.filter(at__lt=_since(now)).order_by("pk").values_list("pk", flat=True)
    FailedLogin.objects.filter(pk__in=list(old[:PURGE_BATCH])).delete()


def record_success(user, username: str, ip: str | None, now=None) -> None:
    """The address becomes one the user signed in from; its own failures on the account are cleared."""
    now = now or timezone.now()
    FailedLogin.objects.filter(username=sign_in_key(username), ip_address=ip).delete()
    if ip:
        SignInAddress.objects.update_or_create(user=user, ip_address=ip, defaults={"last_at": now})
    old = (SignInAddress.objects.filter(last_at__lt=now - timedelta(days=KNOWN_ADDRESS_DAYS))
           .order_by("pk").values_list("pk", flat=True))
    SignInAddress.objects.filter(pk__in=list(old[:PURGE_BATCH])).delete()


def check_credentials(request, username: str, password: str):
    """First step of signing in: the user, or None. Raises TooManyAttempts, or TemporaryPasswordUsed when
    the password is a temporary one that already served.

    Someone with a confirmed TOTP device is not signed in yet: the user comes back with `needs_code`
    True, nothing is recorded as a success, and the view asks for the code on a second page
    (`check_code`). Only then is a temporary password used up. `user.must_choose_password` says the
    password was a temporary one (the view then asks for a new one)."""
    ip = client_ip(request)
    if is_rate_limited(username, ip):
        raise TooManyAttempts
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(username, ip)
        return None
    user.needs_code = user_has_device(user, confirmed=True)
    if user.needs_code:
        return user
    return _signed_in(user, username, ip)


def check_code(request, user, username: str, code: str):
    """Second step, for a user whose password was right: the user (with `otp_device` set, so that
    django-otp marks the session verified) or None. Limited and recorded like a sign-in under the name
    typed at the first step, so guessing codes is as slow as guessing passwords."""
    ip = client_ip(request)
    if is_rate_limited(username, ip):
        raise TooManyAttempts
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if not (code and device and device.verify_token(code.strip().replace(" ", ""))):
        record_failure(username, ip)
        return None
    user.otp_device = device
    return _signed_in(user, username, ip)


def _signed_in(user, username: str, ip: str | None):
    try:
        user.must_choose_password = use_temporary_password(user)
    except TemporaryPasswordUsed:
        record_failure(username, ip)
        raise
    record_success(user, username, ip)
    return user


def check_own_password(request, user, password: str, otp_code: str | None = None) -> bool:
    """A signed-in person confirms a sensitive change (e.g. turning two-step sign-in off) with their
    password and, if given, a current TOTP code. Limited and recorded like a sign-in."""
    ip = client_ip(request)
    if is_rate_limited(user.get_username(), ip):
        raise TooManyAttempts
    good = user.check_password(password)
    if good and otp_code is not None:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        good = bool(otp_code and device and device.verify_token(otp_code.strip().replace(" ", "")))
    if not good:
        record_failure(user.get_username(), ip)
    return good


def email_key(user) -> str:
    """Confirmation links sent for a user's own e-mail are counted under this name (at most
    LOGIN_FAILURE_LIMIT per address in the window): a signed-in account cannot be used to mail anyone."""
    return f"email:{user.pk}"


def reset_is_rate_limited(email: str, ip: str | None) -> bool:
    """The "forgotten password" form, limited like sign-in, whether or not the address has an account."""
    return is_rate_limited(reset_key(email), ip)


def record_reset_request(email: str, ip: str | None) -> None:
    record_failure(reset_key(email), ip)


