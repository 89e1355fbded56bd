from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.log, name="log"),
    path("appels/", views.calls, name="calls"),
    path("appels/<int:pk>/fait/", views.call_done, name="call_done"),
    path("mes-rappels/", views.preferences, name="preferences"),
    path("panier/<int:pk>/recu/envoyer/", views.send_receipt, name="send_receipt"),
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("messages/groupe/<int:group_pk>/", views.message_group, name="message_group"),
    path("messages/arret/<int:site_pk>/", views.message_stop, name="message_stop"),
    path("messages/cycle/<int:cycle_pk>/", views.message_cycle, name="message_cycle"),
    path("messages/cycle/<int:cycle_pk>/groupe/<int:group_pk>/", views.message_cycle_group,
         name="message_cycle_group"),
    path("messages/cycle/<int:cycle_pk>/arret/<int:site_pk>/", views.message_cycle_stop, name="message_cycle_stop"),
    path("messages/distribution/<int:distribution_pk>/", views.message_distribution, name="message_distribution"),
    path("messages/distribution/<int:distribution_pk>/benevoles/", views.message_volunteers,
         name="message_volunteers"),
]
