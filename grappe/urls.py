from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from grappe.api.urls import urls as api_urls
from grappe.members import views as members_views

urlpatterns = [
    path("", members_views.home, name="home"),
    path("", include("grappe.core.urls")),
    path("reseau/", include("grappe.network.urls")),
    path("adherents/", include("grappe.members.urls")),
    path("catalogue/", include("grappe.catalogue.urls")),
    path("commandes/", include("grappe.orders.urls")),
    path("distribution/", include("grappe.distribution.urls")),
    path("comptes/", include("grappe.accounts.urls")),
    path("banque/", include("grappe.bank.urls")),
    path("factures/", include("grappe.invoicing.urls")),
    path("mobile/", include("grappe.tours.urls")),
    path("tournee/", include("grappe.tours.public_urls")),
    path("animations/", include("grappe.events.urls")),
    path("terrain/", include("grappe.field.urls")),
    path("rappels/", include("grappe.notify.urls")),
    path("bilans/", include("grappe.reports.urls")),
    path("api/v1/", api_urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.GRAPPE_ADMIN:  # off in production unless asked; then behind our sign-in and TOTP (core/admin_site.py)
    urlpatterns.append(path("admin/", admin.site.urls))
# Uploaded photos: served by Django in development; in production by the web server (docs/operations.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# A busy database answers 503 "try again in a moment", anything else the plain 500 page (core/error_pages.py).
handler500 = "grappe.core.error_pages.server_error"
