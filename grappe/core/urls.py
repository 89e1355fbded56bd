from django.urls import path

from . import views

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/", views.token_create, name="token_create"),
    path("profil/jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path("profil/2fa/", views.totp_start, name="totp_start"),
    path("profil/2fa/confirmer/", views.totp_confirm, name="totp_confirm"),
    path("profil/2fa/desactiver/", views.totp_disable, name="totp_disable"),
]
