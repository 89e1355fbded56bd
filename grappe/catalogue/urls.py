from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("produit/<int:pk>/", views.product_detail, name="product"),
    path("produit/<int:pk>/modifier/", views.product_edit, name="product_edit"),
    path("produit/<int:pk>/prix/", views.product_price, name="product_price"),
    path("produit/<int:pk>/prix-magasin/", views.product_reference, name="product_reference"),
    path("prix-magasin/import/", views.references_import, name="references_import"),
    path("fournisseurs/", views.supplier_list, name="suppliers"),
    path("fournisseurs/nouveau/", views.supplier_edit, name="supplier_new"),
    path("fournisseurs/<int:pk>/", views.supplier_detail, name="supplier"),
    path("fournisseurs/<int:pk>/modifier/", views.supplier_edit, name="supplier_edit"),
    path("fournisseurs/<int:supplier_pk>/nouveau-produit/", views.product_edit, name="product_new"),
    path("fournisseurs/<int:pk>/import/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("groupements/<int:group_pk>/selection/", views.selection, name="selection"),
    path("tarifs/", views.tiers, name="tiers"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("liste-des-prix.pdf", views.price_list_pdf, name="price_list"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/<int:pk>/vote/", views.suggestion_vote, name="suggestion_vote"),
    path("suggestions/<int:pk>/reponse/", views.suggestion_answer, name="suggestion_answer"),
]
