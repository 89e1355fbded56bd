"""Writes about sign-in: a person's own password, and temporary passwords given by a coordinator.

Passwords are never stored or logged in clear: only the user's hash holds them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .models import FailedLogin, SignInAddress, TemporaryPassword
from .text import readable_code

# how long an unused temporary password works (the pages and slips say "30 jours": a test ties them)
TEMPORARY_PASSWORD_DAYS = 30


def new_temporary_password() -> str:
    """8 characters without 0/O, 1/I/L, in lower case: phone keyboards start in lower case."""
    return readable_code(8).lower()


@transaction.atomic
def issue_temporary_password(*, user, by) -> str:
    """Give `user` a new temporary password, good for one sign-in. Returns it, to be shown once.
    Never to a staff or superuser login: those are the operator's, and a password given by someone
    else would open Django's admin with every association's data."""
    if user.is_staff or user.is_superuser:
        raise DomainError(_("This login belongs to the operator of the installation: no temporary password "
                            "can be given to it here."))
    password = new_temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.update_or_create(
        user=user, defaults={"issued_by": by, "issued_at": timezone.now(), "used_at": None})
    return password


@transaction.atomic
def set_own_password(*, user, password: str) -> None:
    """The person chose their password (profile, first sign-in, or e-mailed link): it replaces any
    temporary one. `password` has already passed Django's validators (the forms)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.filter(user=user).delete()


def must_choose_password(user) -> bool:
    return TemporaryPassword.objects.filter(user=user).exists()


def use_temporary_password(user, now=None) -> bool:
    """At sign-in: True if the user holds an unused temporary password, now marked used (one sign-in
    only); raises TemporaryPasswordUsed if it was used already, TemporaryPasswordExpired if it was
    given more than TEMPORARY_PASSWORD_DAYS ago; False if they have none."""
    now = now or timezone.now()
    temporary = TemporaryPassword.objects.filter(user=user).first()
    if temporary is None:
        return False
    if temporary.used_at is None and temporary.issued_at < now - datetime.timedelta(days=TEMPORARY_PASSWORD_DAYS):
        raise TemporaryPasswordExpired
    marked = TemporaryPassword.objects.filter(pk=temporary.pk, used_at__isnull=True).update(used_at=now)
    if marked != 1:
        raise TemporaryPasswordUsed
    return True


class TemporaryPasswordUsed(Exception):
    pass


class TemporaryPasswordExpired(TemporaryPasswordUsed):
    """Given too long ago: a slip lost in a drawer must not open an account months later."""


# --- A login's own e-mail ----------------------------------------------------------------------------
# "Forgotten password" uses only User.email. A person sets it on their profile; it changes only when
# they follow the link e-mailed to the new address (a signed token, good for a few days). A
# coordinator's edit of Member.email never touches it.

EMAIL_CONFIRMATION_SECONDS = 3 * 24 * 3600  # the e-mail says "3 jours"
EMAIL_CONFIRMATION_SALT = "grappe.core.own-email"


def email_confirmation_token(*, user, email: str, now) -> str:
    """Signed: the user, the new address, the address it replaces (so an older link cannot bring back
    a replaced address) and when it was made."""
    return signing.dumps({"user": user.pk, "email": email, "was": user.email, "at": int(now.timestamp())},
                         salt=EMAIL_CONFIRMATION_SALT, compress=True)


def read_email_confirmation(*, token: str, now) -> dict:
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT)
    except signing.BadSignature:
        raise DomainError(_("This link is not valid. Ask for a new one from your profile.")) from None
    if not 0 <= now.timestamp() - data["at"] <= EMAIL_CONFIRMATION_SECONDS:
        raise DomainError(_("This link is more than 3 days old. Ask for a new one from your profile."))
    return data


def request_email_confirmation(*, user, email: str, confirm_url, now) -> None:
    """E-mail the link that confirms `email` as the user's own, once the transaction commits.
    `confirm_url(token)` builds the absolute link."""
    token = email_confirmation_token(user=user, email=email, now=now)
    context = {"user": user, "email": email, "url": confirm_url(token)}
    subject = render_to_string("core/email_confirm_subject.txt", context).strip()
    body = render_to_string("core/email_confirm_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


@transaction.atomic
def confirm_email(*, token: str, now):
    """The link was followed: the address becomes the user's own. Returns the user."""
    data = read_email_confirmation(token=token, now=now)
    user = get_user_model().objects.select_for_update().filter(pk=data["user"], is_active=True).first()
    if user is None:
        raise DomainError(_("This link is not valid. Ask for a new one from your profile."))
    if user.email == data["email"]:
        return user  # followed twice
    if user.email != data["was"]:
        raise DomainError(_("Your e-mail address changed since this link was sent. Ask for a new one from "
                            "your profile."))
    user.email = data["email"]
    user.save(update_fields=["email"])
    return user


# --- Sign-in records -----------------------------------------------------------------------------------

RESET_PREFIX = "reset:"


def sign_in_key(username: str) -> str:
    """How a typed sign-in name is counted by the limiter (core.auth)."""
    return username.strip().lower()[:150]


def reset_key(email: str) -> str:
    return (RESET_PREFIX + email.strip().lower())[:150]


def forget_sign_in_records(*, user=None, usernames=(), emails=()) -> None:
    """Erasure: the failure rows carrying the person's sign-in name or e-mail, and the addresses
    they signed in from, go."""
    keys = {sign_in_key(name) for name in usernames if name} | {reset_key(email) for email in emails if email}
    if user is not None:
        keys.add(f"email:{user.pk}")  # confirmation links sent for their own e-mail (core.auth.email_key)
    if keys:
        FailedLogin.objects.filter(username__in=keys).delete()
    if user is not None:
        SignInAddress.objects.filter(user=user).delete()
