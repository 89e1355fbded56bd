"""Django's admin, when it is mounted at all (settings.GRAPPE_ADMIN: off in production unless asked).

It is no side door: its own sign-in form is replaced by Grappe's (rate limited, TOTP), and only an
active staff user who signed in with a TOTP code enters, so a password alone never opens it.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse


class GrappeAdminSite(AdminSite):
    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)())

    def login(self, request, extra_context=None):
        """Never checks a password here: everyone goes through Grappe's sign-in page. (Imported here:
        the app registry loads this module before the models are ready.)"""
        from django.contrib.auth.views import redirect_to_login

        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("login"))


class GrappeAdminConfig(AdminConfig):
    default_site = "grappe.core.admin_site.GrappeAdminSite"
