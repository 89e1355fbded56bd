"""The CSRF failure page (settings.CSRF_FAILURE_VIEW) and the server error handler (handler500 in
grappe/urls.py). The 403 and 404 pages are Django's own handlers rendering core's 403.html and
404.html templates."""

import logging
import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger("grappe.busy")

# Seconds a client (or a monitor) is told to wait before trying again when the database was busy.
BUSY_RETRY_AFTER = 10


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


def is_busy_database(error: BaseException | None) -> bool:
    """SQLite's "database is locked": a writer waited its whole busy timeout for another one."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A busy database is not a bug: 503 with Retry-After and a French "try again in a
    moment". Only the service transaction that met the busy database rolled back: what the request
    saved before it in a transaction of its own stays saved (requests are not atomic as a whole), so
    the page does not claim that nothing was saved. Anything else: the plain 500 page. Neither touches
    the database nor the request's user."""
    error = sys.exc_info()[1]
    if is_busy_database(error):
        logger.warning("Database busy: %s %s answered 503", request.method, request.path)
        message = _("The server is very busy: try again in a moment.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(loader.get_template("core/busy.html").render(), status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        response._has_been_logged = True  # type: ignore[attr-defined]  # a warning above; not an error mailed to ADMINS
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
