from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("mes-commandes/", views.my_orders, name="my_orders"),
    path("nouvelle/", views.cycle_create, name="cycle_create"),
    path("stock/", views.stock, name="stock"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:pk>/panier/", views.basket, name="basket"),
    path("<int:pk>/adherent/<int:member_pk>/", views.on_behalf, name="on_behalf"),
    path("<int:pk>/saisie/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/bon/<int:group_pk>.pdf", views.order_form_pdf, name="order_form_pdf"),
    path("<int:pk>/modifier/", views.cycle_edit, name="cycle_edit"),
    path("<int:pk>/supprimer/", views.cycle_delete, name="cycle_delete"),
    path("<int:pk>/ouvrir/", views.cycle_open, name="cycle_open"),
    path("<int:pk>/prolonger/", views.cycle_extend, name="cycle_extend"),
    path("<int:pk>/distributions/", views.cycle_schedule, name="cycle_schedule"),
    path("<int:pk>/cloturer/", views.cycle_close, name="cycle_close"),
    path("<int:pk>/rouvrir/", views.cycle_reopen, name="cycle_reopen"),
    path("<int:pk>/bilan/", views.review, name="review"),
    path("<int:pk>/fournisseurs/", views.purchase_orders, name="purchase_orders"),
    path("bon-fournisseur/<int:pk>.pdf", views.purchase_order_pdf, name="purchase_order_pdf"),
    path("bon-fournisseur/<int:pk>.csv", views.purchase_order_csv, name="purchase_order_csv"),
    path("bon-fournisseur/<int:pk>/envoyer/", views.purchase_order_send, name="purchase_order_send"),
    path("bon-fournisseur/<int:pk>/reception/", views.receipt, name="receipt"),
]
