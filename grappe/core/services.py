"""Writes about sign-in: a person's own password, and temporary passwords given by a coordinator.

Passwords are never stored or logged in clear: only the user's hash holds them.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .models import TemporaryPassword
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
