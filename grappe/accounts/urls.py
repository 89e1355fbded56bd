from django.urls import path

from . import views, views_vouchers

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
    path("bons/", views_vouchers.voucher_list, name="vouchers"),
    path("bons/emetteurs/", views_vouchers.issuers, name="voucher_issuers"),
    path("bons/emetteurs/<int:pk>/", views_vouchers.issuer_edit, name="voucher_issuer"),
    path("bons/demandes/", views_vouchers.claims, name="voucher_claims"),
    path("bons/demandes/nouvelle/", views_vouchers.claim_new, name="voucher_claim_new"),
    path("bons/demandes/<int:pk>/", views_vouchers.claim_detail, name="voucher_claim"),
    path("bons/demandes/<int:pk>/pdf/", views_vouchers.claim_pdf, name="voucher_claim_pdf"),
    path("bons/demandes/<int:pk>/xlsx/", views_vouchers.claim_xlsx, name="voucher_claim_xlsx"),
    path("bons/demandes/<int:pk>/remboursee/", views_vouchers.claim_reimbursed, name="voucher_claim_reimbursed"),
    path("bons/demandes/<int:pk>/annuler/", views_vouchers.claim_cancel, name="voucher_claim_cancel"),
    path("bons/demandes/<int:pk>/rouvrir/", views_vouchers.claim_reopen, name="voucher_claim_reopen"),
]
