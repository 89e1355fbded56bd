from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.index, name="index"),
    path("mon-compte/", views.mine, name="mine"),
    path("mon-compte/panier/<int:pk>/", views.my_basket, name="my_basket"),
    path("export/", views.export_view, name="export"),
    path("adherent/<int:pk>/", views.member_account, name="member"),
    path("adherent/<int:pk>/paiement/", views.member_payment, name="member_payment"),
    path("adherent/<int:pk>/remboursement/", views.member_refund, name="member_refund"),
    path("adherent/<int:pk>/correction/<int:entry_pk>/", views.reverse, name="reverse"),
    path("panier/<int:pk>/remis/", views.collect, name="collect"),
    path("panier/<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("panier/<int:pk>/caisse/", views.checkout, name="checkout"),
    path("panier/<int:pk>/payer/", views.pay, name="pay"),
    path("panier/<int:pk>/cotisation/", views.fee, name="fee"),
    path("panier/<int:pk>/sur-compte/", views.on_account, name="on_account"),
    path("panier/<int:pk>/recu/", views.receipt, name="receipt"),
    path("distribution/<int:pk>/caisse/", views.cash_count, name="cash_count"),
    path("cycle/<int:pk>/bilan/", views.settlement, name="settlement"),
    path("facture/<int:pk>/paiement/", views.supplier_payment, name="supplier_payment"),
]
