"""After a sign-in with a temporary password, every page leads to "Choose your password" until done; each
request gets an id for the logs."""

from django.conf import settings
from django.core.signals import request_finished
from django.shortcuts import redirect
from django.urls import reverse

from .logs import REQUEST_ID, request_id_from
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


class RequestIdMiddleware:
    """Gives each request an id (grappe/core/logs.py) that every log line written meanwhile carries,
    and sends it back in X-Request-ID. First in MIDDLEWARE. The id is forgotten when the response is
    closed (request_finished), not on the way out of here: Django logs a 4xx or 5xx response after
    the middleware, and that line must carry it too."""

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(forget_request_id, dispatch_uid="grappe.core.request_id")

    def __call__(self, request):
        REQUEST_ID.set(request_id_from(request.headers.get("X-Request-ID")))
        response = self.get_response(request)
        response["X-Request-ID"] = REQUEST_ID.get()
        return response


def forget_request_id(**kwargs):
    REQUEST_ID.set("-")
