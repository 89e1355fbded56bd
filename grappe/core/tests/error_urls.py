"""The site's URLs plus two views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from grappe.urls import urlpatterns as site_patterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_patterns, path("essai/403/", forbidden), path("essai/500/", broken)]
