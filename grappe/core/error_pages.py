"""The CSRF failure page (settings.CSRF_FAILURE_VIEW). The 403, 404 and 500 pages are Django's own
handlers rendering core's 403.html, 404.html and 500.html templates."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page left open too long (or after signing in or out elsewhere): say so in
    plain words and offer to reload the page it came from, never another site's."""
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = referer
    else:
        back = request.get_full_path()
    return render(request, "core/csrf_failure.html", {"back": back, "no_cookie": reason == REASON_NO_CSRF_COOKIE},
                  status=403)
