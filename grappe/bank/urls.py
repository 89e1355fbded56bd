from django.urls import path

from . import views

app_name = "bank"
urlpatterns = [
    path("", views.index, name="index"),
    path("compte/nouveau/", views.account_edit, name="account_new"),
    path("compte/<int:pk>/", views.account_edit, name="account_edit"),
    path("compte/<int:pk>/import/", views.import_statement, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("compte/<int:pk>/lignes/", views.lines, name="lines"),
    path("compte/<int:pk>/rapprochement/", views.reconciliation, name="reconciliation"),
    path("ligne/<int:pk>/", views.line, name="line"),
    path("ligne/<int:pk>/confirmer/", views.line_confirm, name="line_confirm"),
    path("ligne/<int:pk>/changer/", views.line_change, name="line_change"),
    path("ligne/<int:pk>/ignorer/", views.line_ignore, name="line_ignore"),
    path("ligne/<int:pk>/rouvrir/", views.line_reopen, name="line_reopen"),
]
