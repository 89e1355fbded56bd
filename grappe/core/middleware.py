"""After a sign-in with a temporary password, every page leads to "Choose your password" until done."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .views import MUST_CHOOSE


class PasswordChoiceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(MUST_CHOOSE):
            allowed = (reverse("password_choose"), reverse("logout"), reverse("set_language"), reverse("members:language"), settings.STATIC_URL)
            if not request.path.startswith(allowed):
                return redirect("password_choose")
        return self.get_response(request)
