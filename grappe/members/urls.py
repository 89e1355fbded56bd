from django.urls import path

from . import language, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("groupe/<int:group_pk>/nouveau/", views.member_create, name="create"),
    path("<int:pk>/modifier/", views.member_edit, name="edit"),
    path("<int:pk>/categorie/", views.member_category, name="category"),
    path("<int:pk>/adhesion/", views.membership_record, name="membership"),
    path("<int:pk>/acces/", views.member_access, name="access"),
    path("<int:pk>/acces/fiche.pdf", views.access_slip, name="access_slip"),
    path("<int:pk>/depart/", views.member_leave, name="leave"),
    path("<int:pk>/donnees/", views.my_data, name="data"),
    path("<int:pk>/donnees.json", views.export_json, name="export_json"),
    path("<int:pk>/donnees.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/effacer/", views.erase, name="erase"),
    path("quota/", views.quota_overview, name="quota"),
    path("journal/", views.audit_log, name="audit"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees.json", views.export_json, name="my_export_json"),
    path("mes-donnees.pdf", views.export_pdf, name="my_export_pdf"),
    path("mes-donnees/effacer/", views.erase, name="my_erase"),
    path("orientations/", views.referral_list, name="referrals"),
    path("orientations/nouvelle/", views.referral_create, name="referral_create"),
    path("orientations/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("orientations/<int:pk>/fiche.pdf", views.referral_slip, name="referral_slip"),
    path("inscription/", views.register, name="register"),
    path("inscrire/", views.register_household, name="register_household"),
    path("langue/", language.choose_language, name="language"),
]
