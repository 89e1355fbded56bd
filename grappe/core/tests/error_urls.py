"""The site's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from grappe.urls import handler500  # noqa: F401  (Django reads it from the root URLconf)
from grappe.urls import urlpatterns as site_patterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


def busy(request):
    raise OperationalError("database is locked")  # what SQLite says once its busy timeout has passed


urlpatterns = [*site_patterns, path("essai/403/", forbidden), path("essai/500/", broken),
               path("essai/occupe/", busy), path("api/v1/essai/occupe/", busy)]
