from django.urls import path

from . import views

app_name = "invoicing"
urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/facture.pdf", views.invoice_pdf_download, name="pdf"),
    path("<int:pk>/factur-x.pdf", views.invoice_facturx_download, name="facturx"),
    path("<int:pk>/avoir/", views.credit_note, name="credit_note"),
    path("adherent/<int:member_pk>/nouvelle/", views.invoice_issue, name="issue"),
    path("adherent/<int:member_pk>/releve/", views.statement, name="statement"),
    path("adherent/<int:member_pk>/releve.pdf", views.statement_pdf, name="statement_pdf"),
]
