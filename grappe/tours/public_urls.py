"""The villages' timetable: public pages (no sign-in), mounted at /tournee/ by grappe/urls.py."""

from django.urls import path

from . import views

app_name = "timetable"
urlpatterns = [
    path("<slug:association>/<int:group_pk>/", views.public_tour, name="page"),
    path("<slug:association>/<int:group_pk>/arret/<int:site_pk>/affiche.pdf", views.stop_poster, name="poster"),
]
