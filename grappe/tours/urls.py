from django.urls import path

from . import views

app_name = "tours"
urlpatterns = [
    path("", views.planner, name="planner"),
    path("indicateurs/", views.indicators_import, name="indicators"),
    path("comparer/", views.compare, name="compare"),
    path("scenarios/nouveau/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/calculer/", views.scenario_run, name="scenario_run"),
    path("scenarios/<int:pk>/besoin/", views.scenario_need, name="need"),
    path("scenarios/<int:pk>/arrets/", views.candidates, name="candidates"),
    path("scenarios/<int:pk>/arrets/<int:candidate_pk>/", views.candidate_edit, name="candidate"),
    path("scenarios/<int:pk>/adopter/", views.scenario_adopt, name="adopt"),
    path("tournees/<int:group_pk>/", views.tour_detail, name="tour"),
    path("tournees/<int:group_pk>/<str:day>/feuille.pdf", views.route_sheet, name="route_sheet"),
]
