from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("association/", views.association_edit, name="association_edit"),
    path("territoires/nouveau/", views.territory_create, name="territory_create"),
    path("groupes/nouveau/", views.group_edit, name="group_create"),
    path("groupes/<int:pk>/", views.group_detail, name="group"),
    path("groupes/<int:pk>/modifier/", views.group_edit, name="group_edit"),
    path("groupes/<int:group_pk>/lieux/nouveau/", views.site_edit, name="site_create"),
    path("groupes/<int:group_pk>/lieux/<int:pk>/", views.site_edit, name="site_edit"),
    path("partenaires/nouveau/", views.partner_edit, name="partner_create"),
    path("partenaires/<int:pk>/", views.partner_edit, name="partner_edit"),
]
