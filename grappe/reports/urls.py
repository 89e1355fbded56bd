from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("financeurs/", views.funder, name="funder"),
    path("financeurs/texte/", views.funder_text, name="funder_text"),
    path("financeurs/bilan.pdf", views.funder_pdf, name="funder_pdf"),
    path("financeurs/bilan.xlsx", views.funder_xlsx, name="funder_xlsx"),
]
