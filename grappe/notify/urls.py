from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.log, name="log"),
    path("appels/", views.calls, name="calls"),
    path("appels/<int:pk>/fait/", views.call_done, name="call_done"),
    path("mes-rappels/", views.preferences, name="preferences"),
    path("panier/<int:pk>/recu/envoyer/", views.send_receipt, name="send_receipt"),
]
