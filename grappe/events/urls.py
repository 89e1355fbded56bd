from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("nouveau/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/modifier/", views.event_edit, name="edit"),
    path("<int:pk>/inscription/", views.register_view, name="register"),
    path("<int:pk>/desinscription/", views.unregister_view, name="unregister"),
    path("<int:pk>/inscrire/", views.staff_register, name="staff_register"),
    path("inscriptions/<int:pk>/annuler/", views.staff_unregister, name="staff_unregister"),
]
