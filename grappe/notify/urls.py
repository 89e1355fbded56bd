from django.urls import path

from . import views, views_events, views_messages

app_name = "notify"
urlpatterns = [
    path("", views.log, name="log"),
    path("appels/", views.calls, name="calls"),
    path("appels/<int:pk>/fait/", views.call_done, name="call_done"),
    path("mes-rappels/", views.preferences, name="preferences"),
    path("reglages/", views.reminder_settings, name="settings"),
    path("animations/<int:pk>/annuler/", views_events.event_cancel, name="event_cancel"),
    path("panier/<int:pk>/recu/envoyer/", views.send_receipt, name="send_receipt"),
    path("messages/", views_messages.message_list, name="messages"),
    path("messages/<int:pk>/", views_messages.message_detail, name="message"),
    path("messages/groupe/<int:group_pk>/", views_messages.message_group, name="message_group"),
    path("messages/arret/<int:site_pk>/", views_messages.message_stop, name="message_stop"),
    path("messages/cycle/<int:cycle_pk>/", views_messages.message_cycle, name="message_cycle"),
    path("messages/cycle/<int:cycle_pk>/groupe/<int:group_pk>/", views_messages.message_cycle_group,
         name="message_cycle_group"),
    path("messages/cycle/<int:cycle_pk>/arret/<int:site_pk>/", views_messages.message_cycle_stop, name="message_cycle_stop"),
    path("messages/distribution/<int:distribution_pk>/", views_messages.message_distribution, name="message_distribution"),
    path("messages/distribution/<int:distribution_pk>/benevoles/", views_messages.message_volunteers,
         name="message_volunteers"),
]
