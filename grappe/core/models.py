import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def create_for(cls, user, name: str) -> tuple["ApiToken", str]:
        key = "grp_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[4:12], key_hash=cls.hash_key(key))
        return token, key


class FailedLogin(models.Model):
    """One failed sign-in (or one "forgotten password" request, named "reset:<e-mail>"), kept for rate
    limiting for LOGIN_FAILURE_WINDOW seconds (in the database: no state in the process); older rows
    are deleted as new ones are written (core.auth)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        indexes = [models.Index(fields=["username", "ip_address", "at"], name="core_failedlogin_pair")]

    def __str__(self):
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class SignInAddress(models.Model):
    """An address a user signed in from successfully (kept KNOWN_ADDRESS_DAYS): failures on the account
    from other addresses do not lock the user out from here (core.auth)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ip_address = models.GenericIPAddressField()
    last_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in address")
        constraints = [models.UniqueConstraint(fields=["user", "ip_address"], name="core_signinaddress_unique")]
        indexes = [models.Index(fields=["ip_address"], name="core_signinaddress_ip")]

    def __str__(self):
        return f"{self.user_id} @ {self.ip_address}"


class TemporaryPassword(models.Model):
    """A password a coordinator gave someone (read aloud, printed on a slip). It is good for one sign-in,
    after which the person must choose their own; the row goes when they do. The password itself is
    only in the user's hash, never here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_password")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True, help_text="when it was used to sign in (once only)")

    class Meta:
        verbose_name = _("temporary password")

    def __str__(self):
        return f"{self.user} @ {self.issued_at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """When a piece of background work last showed it is alive: one row per name, updated in place.
    "worker": the job worker ran the heartbeat task (grappe/core/health.py); "send_reminders": the
    reminders' timer command finished a run. Read by the health page (/sante/)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
