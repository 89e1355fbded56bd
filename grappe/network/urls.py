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
    path("equipe/", views.team, name="team"),
    path("equipe/ajouter/", views.person_add, name="person_add"),
    path("equipe/<int:pk>/", views.person_detail, name="person"),
    path("equipe/<int:pk>/modifier/", views.person_edit, name="person_edit"),
    path("equipe/<int:pk>/desactiver/", views.person_deactivate, name="person_deactivate"),
    path("equipe/<int:pk>/reactiver/", views.person_reactivate, name="person_reactivate"),
    path("equipe/<int:pk>/mot-de-passe/", views.person_password, name="person_password"),
    path("equipe/<int:pk>/fiche.pdf", views.person_slip, name="person_slip"),
    path("equipe/<int:pk>/roles/ajouter/", views.role_add, name="role_add"),
    path("equipe/<int:pk>/roles/<int:role_pk>/", views.role_edit, name="role_edit"),
    path("equipe/<int:pk>/roles/<int:role_pk>/retirer/", views.role_remove, name="role_remove"),
]
