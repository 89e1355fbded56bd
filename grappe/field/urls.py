from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:group_pk>/<str:day>/preparer/", views.prepare, name="prepare"),
    path("jour/", views.app_shell, name="app_shell"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("api/jour/", views.api_day, name="api_day"),
    path("api/envoi/", views.api_send, name="api_send"),
    path("api/fin/", views.api_finish, name="api_finish"),
    path("appareils/", views.devices, name="devices"),
    path("appareils/<int:pk>/revoquer/", views.revoke, name="revoke"),
    path("refus/", views.refused, name="refused"),
    path("refus/<uuid:pk>/traite/", views.handle, name="handle"),
]
