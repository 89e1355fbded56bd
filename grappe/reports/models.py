from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.network.models import Association

TEXT_MAX = 3000  # characters: about half a printed page


class FunderText(models.Model):
    """The short text a coordinator writes for a funder report (one per scope and period)."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    scope_key = models.CharField(max_length=40, help_text="all, territory:<pk> or group:<pk>")
    start = models.DateField()
    end = models.DateField()
    text = models.TextField(_("text for the funder"), blank=True, max_length=TEXT_MAX)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("funder report text")
        constraints = [models.UniqueConstraint(fields=["association", "scope_key", "start", "end"],
                                               name="funder_text_once")]

    def __str__(self):
        return f"{self.scope_key} {self.start}–{self.end}"
