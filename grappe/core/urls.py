from django.urls import path

from . import health, views

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/code/", views.login_code, name="login_code"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/", views.token_create, name="token_create"),
    path("profil/jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path("profil/mot-de-passe/", views.password_change, name="password_change"),
    path("profil/email/", views.email_change, name="email_change"),
    path("profil/email/confirmer/<str:token>/", views.email_confirm, name="email_confirm"),
    path("mot-de-passe/choisir/", views.password_choose, name="password_choose"),
    path("mot-de-passe/oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oublie/envoye/", views.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/nouveau/fait/", views.password_reset_complete, name="password_reset_complete"),
    path("profil/2fa/", views.totp_start, name="totp_start"),
    path("profil/2fa/confirmer/", views.totp_confirm, name="totp_confirm"),
    path("profil/2fa/desactiver/", views.totp_disable, name="totp_disable"),
    path("sante/", health.page, name="health"),  # public, for monitors: no personal data (core/health.py)
]
