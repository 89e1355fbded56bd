from django.urls import path

from . import views

app_name = "distribution"
urlpatterns = [
    path("", views.distribution_list, name="list"),
    path("reglages/", views.settings_view, name="settings"),
    path("cycle/<int:cycle_pk>/preparer/", views.prepare, name="prepare"),
    path("cycle/<int:cycle_pk>/chargement.pdf", views.loading, name="loading"),
    path("<int:pk>/", views.day, name="day"),
    path("<int:pk>/cloturer/", views.close, name="close"),
    path("<int:pk>/equipe/", views.rota, name="rota"),
    path("<int:pk>/equipe/<int:slot_pk>/", views.rota_take, name="rota_take"),
    path("<int:pk>/equipe/<int:slot_pk>/modifier/", views.rota_edit, name="rota_edit"),
    path("<int:pk>/document/<slug:kind>.pdf", views.document, name="document"),
    path("<int:pk>/documents/preparer/", views.prepare_documents, name="prepare_documents"),
    path("panier/<int:pk>/", views.basket, name="basket"),
    path("panier/<int:pk>/stock/", views.add_from_stock, name="add_from_stock"),
    path("panier/<int:pk>/ligne/<int:line_pk>/retirer/", views.remove_line, name="remove_line"),
    path("panier/<int:pk>/absent/", views.not_collected, name="not_collected"),
]
