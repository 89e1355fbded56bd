"""Catalogue pages: who sees what, and what the coordinator's forms store."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grappe.catalogue.models import GroupSelection, PriceImport, PriceTier, Product, Suggestion, Supplier
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.members.models import Member
from grappe.members.tests.personas import person

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    supplier = SupplierFactory(association=world.association, name="GAEC des Lentilles")
    lentils = make_product(supplier, name="Lentilles vertes", reference="LV25", origin_place="Eurre",
                           producer="Ferme Roux", production_conditions="Sans irrigation.")
    oranges = make_product(supplier, name="Oranges", reference="OR10", family="fruit", pack_size=D("10"),
                           pack_price_excl_vat=D("17.00"))
    hidden = make_product(supplier, name="Savon", reference="SAV", family="hygiene", vat_rate=D("20"))
    GroupSelection.objects.create(group=world.group, product=lentils)
    GroupSelection.objects.create(group=world.group, product=oranges)
    GroupSelection.objects.create(group=world.other_group, product=hidden)
    return {"supplier": supplier, "lentils": lentils, "oranges": oranges, "hidden": hidden}


def all_urls(shop, world):
    supplier, product = shop["supplier"], shop["lentils"]
    price_import = PriceImport.objects.create(association=world.association, supplier=supplier, filename="x.csv")
    suggestion = Suggestion.objects.create(association=world.association, name="Farine de sarrasin")
    return [
        ("get", reverse("catalogue:index")),
        ("get", reverse("catalogue:product", args=[product.pk])),
        ("get", reverse("catalogue:product_edit", args=[product.pk])),
        ("get", reverse("catalogue:product_price", args=[product.pk])),
        ("get", reverse("catalogue:suppliers")),
        ("get", reverse("catalogue:supplier_new")),
        ("get", reverse("catalogue:supplier", args=[supplier.pk])),
        ("get", reverse("catalogue:supplier_edit", args=[supplier.pk])),
        ("get", reverse("catalogue:product_new", args=[supplier.pk])),
        ("get", reverse("catalogue:import_new", args=[supplier.pk])),
        ("get", reverse("catalogue:import_preview", args=[price_import.pk])),
        ("get", reverse("catalogue:selection", args=[world.group.pk])),
        ("get", reverse("catalogue:tiers")),
        ("get", reverse("catalogue:export_xlsx")),
        ("get", reverse("catalogue:price_list")),
        ("get", reverse("catalogue:suggestions")),
        ("post", reverse("catalogue:suggestion_vote", args=[suggestion.pk])),
        ("post", reverse("catalogue:suggestion_answer", args=[suggestion.pk])),
    ]


def test_an_outsider_gets_404_on_every_catalogue_page_of_another_association(world, shop, client_for):
    client = client_for(world.outsider)
    for method, url in all_urls(shop, world):
        if url in (reverse("catalogue:index"), reverse("catalogue:suppliers"), reverse("catalogue:supplier_new"),
                   reverse("catalogue:tiers"), reverse("catalogue:export_xlsx"), reverse("catalogue:price_list"),
                   reverse("catalogue:suggestions")):
            continue  # their own association's pages: checked below that nothing of ours shows
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    listing = client.get(reverse("catalogue:index")).content.decode()
    assert "Lentilles" not in listing
    assert "GAEC des Lentilles" not in client.get(reverse("catalogue:suppliers")).content.decode()
    assert "sarrasin" not in client.get(reverse("catalogue:suggestions")).content.decode()
    data = client.get(reverse("catalogue:export_xlsx")).content
    assert load_workbook(io.BytesIO(data)).active.max_row == 1


def test_a_user_with_no_role_gets_404_everywhere(world, shop, client_for):
    client = client_for(person("nobody"))
    for method, url in all_urls(shop, world):
        assert getattr(client, method)(url).status_code == 404, url


def test_a_member_gets_404_on_coordinator_pages(world, shop, client_for):
    client = client_for(world.member_user)
    for method, url in all_urls(shop, world):
        if any(part in url for part in ("/fournisseurs/", "/modifier/", "/prix/", "/imports/", "/selection/",
                                        "/tarifs/", "export.xlsx", "/reponse/")):
            assert getattr(client, method)(url).status_code == 404, url


def test_a_member_sees_only_their_groups_selection(world, shop, client_for):
    client = client_for(world.member_user)
    page = client.get(reverse("catalogue:index")).content.decode()
    assert "Lentilles vertes" in page and "Oranges" in page
    assert "Savon" not in page
    assert client.get(reverse("catalogue:product", args=[shop["hidden"].pk])).status_code == 404
    assert client.get(reverse("catalogue:product", args=[shop["lentils"].pk])).status_code == 200


def test_an_unavailable_product_disappears_for_members(world, shop, client_for):
    Product.objects.filter(pk=shop["oranges"].pk).update(available=False)
    client = client_for(world.member_user)
    assert "Oranges" not in client.get(reverse("catalogue:index")).content.decode()
    assert client.get(reverse("catalogue:product", args=[shop["oranges"].pk])).status_code == 404


def test_the_catalogue_can_be_browsed_by_family_and_searched(world, shop, client_for):
    client = client_for(world.member_user)
    fruit = client.get(reverse("catalogue:index"), {"famille": "fruit"}).content.decode()
    assert "Oranges" in fruit and "Lentilles" not in fruit
    found = client.get(reverse("catalogue:index"), {"q": "lentil"}).content.decode()
    assert "Lentilles vertes" in found and "Oranges" not in found
    assert "1 produit pour « lentil »" in found


def test_the_catalogue_page_takes_a_fixed_number_of_queries(world, shop, client_for):
    client = client_for(world.member_user)
    client.get(reverse("catalogue:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalogue:index"))
    supplier = shop["supplier"]
    for i in range(20):
        GroupSelection.objects.create(group=world.group, product=make_product(supplier, reference=f"X{i}"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("catalogue:index"))
    assert len(many) == len(few)


def test_the_product_sheet_says_where_the_euro_goes_in_french(world, shop, client_for):
    page = client_for(world.member_user).get(reverse("catalogue:product", args=[shop["lentils"].pk])).content.decode()
    assert "Où va votre euro" in page
    assert "95 c" in page and "pour le fournisseur (GAEC des Lentilles)" in page
    assert "5 c" in page and "pour l&#x27;État (TVA 5,5 %)" in page
    assert "ne garde aucune marge" in page
    assert "Eurre" in page and "Ferme Roux" in page and "Sans irrigation." in page
    assert "2,22\u00a0€" in page and "le kg" in page


def test_a_solidarity_member_sees_the_tier_and_the_solidarity_share(world, shop, client_for):
    PriceTier.objects.create(association=world.association, category=Member.Category.SOLIDARITY, percent=D("10"))
    Member.objects.filter(pk=world.member.pk).update(category=Member.Category.SOLIDARITY, priority_basis="")
    page = client_for(world.member_user).get(reverse("catalogue:product", args=[shop["lentils"].pk])).content.decode()
    assert "2,44\u00a0€" in page  # 2.2155 x 1.10
    assert "pour le fonds de solidarité" in page


def test_a_coordinator_creates_a_supplier_and_a_product_with_its_first_price(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("catalogue:supplier_new"), {
        "name": "Moulin de la Gervanne", "kind": "small_company", "transport_cost_per_kg": "0.05",
        "cost_share_percent": "0", "active": "on"})
    supplier = Supplier.objects.get(name="Moulin de la Gervanne")
    assert response.status_code == 302 and supplier.association == world.association
    response = client.post(reverse("catalogue:product_new", args=[supplier.pk]), {
        "name": "Farine T65", "reference": "T65", "family": "bakery", "unit": "kg", "order_step": "1",
        "pack_size": "25", "pack_price_excl_vat": "27.50", "vat_rate": "5.5", "weight_kg_per_unit": "1",
        "origin_country": "France", "available": "on"})
    product = Product.objects.get(reference="T65")
    assert response.status_code == 302
    assert product.association == world.association
    assert product.price_changes.get().pack_price_excl_vat == D("27.50")


def test_editing_a_product_cannot_change_its_price_behind_the_history(world, shop, client_for):
    product = shop["lentils"]
    client = client_for(world.coordinator)
    client.post(reverse("catalogue:product_edit", args=[product.pk]), {
        "name": "Lentilles vertes du Diois", "reference": "LV25", "family": "pulses", "unit": "kg",
        "order_step": "0.5", "pack_size": "25", "weight_kg_per_unit": "1", "available": "on",
        "pack_price_excl_vat": "1.00"})
    product.refresh_from_db()
    assert product.name == "Lentilles vertes du Diois"
    assert product.pack_price_excl_vat == D("52.50")


def test_a_price_change_with_a_date_is_recorded_in_the_history(world, shop, client_for):
    product = shop["lentils"]
    client = client_for(world.coordinator)
    response = client.post(reverse("catalogue:product_price", args=[product.pk]), {
        "pack_price_excl_vat": "55.00", "vat_rate": "5.5", "valid_from": "2099-01-01T00:00"})
    assert response.status_code == 302
    assert product.price_changes.count() == 2
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("52.50")  # not yet in force
    page = client.get(reverse("catalogue:product_price", args=[product.pk])).content.decode()
    assert "à venir" in page
    client.post(reverse("catalogue:product_price", args=[product.pk]), {"pack_price_excl_vat": "54.00",
                                                                        "vat_rate": "5.5"})
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("54.00")


def test_a_coordinator_sets_the_selection_of_their_group_only(world, shop, client_for):
    client = client_for(world.coordinator)
    url = reverse("catalogue:selection", args=[world.group.pk])
    client.post(url, {"products": [shop["hidden"].pk]})
    assert set(GroupSelection.objects.filter(group=world.group).values_list("product_id", flat=True)) == {
        shop["hidden"].pk}
    assert client.get(reverse("catalogue:selection", args=[world.other_group.pk])).status_code == 404


def test_only_an_admin_changes_the_price_tiers(world, client_for):
    data = {"priority-percent": "0", "priority-note": "", "solidarity-percent": "15", "solidarity-note": "Fonds"}
    assert client_for(world.coordinator).post(reverse("catalogue:tiers"), data).status_code == 404
    assert not PriceTier.objects.exists()
    assert client_for(world.admin).post(reverse("catalogue:tiers"), data).status_code == 302
    assert PriceTier.objects.get(category="solidarity").percent == D("15")


def test_an_import_goes_through_preview_then_confirmation(world, shop, client_for):
    client = client_for(world.coordinator)
    upload = SimpleUploadedFile("tarif.csv", "Référence;Désignation;Prix HT\nLV25;Lentilles;56,00\nOR10;Oranges;abc\n"
                                             "NEW1;Riz;40\n".encode())
    response = client.post(reverse("catalogue:import_new", args=[shop["supplier"].pk]), {"file": upload})
    price_import = PriceImport.objects.get()
    assert response.url == reverse("catalogue:import_preview", args=[price_import.pk])
    page = client.get(response.url).content.decode()
    assert "Le prix « abc » n&#x27;est pas un nombre." in page
    refused = client.post(response.url, {"action": "apply"}, follow=True).content.decode()
    assert "Rien n’a été enregistré" in refused
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("52.50")
    client.post(response.url, {"action": "apply", "keep_valid_only": "on"})
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("56.00")
    assert Product.objects.get(reference="NEW1").name == "Riz"


def test_the_price_list_pdf_prints_the_members_selection(world, shop, client_for):
    response = client_for(world.member_user).get(reverse("catalogue:price_list"))
    assert response["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Lentilles vertes" in text and "Oranges" in text and "Savon" not in text


def test_members_suggest_and_vote_and_coordinators_see_them_ranked(world, shop, client_for):
    from grappe.members.tests.factories import MemberFactory

    client = client_for(world.member_user)
    client.post(reverse("catalogue:suggestions"), {"name": "Farine de sarrasin", "details": "Pour les galettes"})
    client.post(reverse("catalogue:suggestions"), {"name": "Lait en poudre", "details": ""})
    popular = Suggestion.objects.get(name="Lait en poudre")
    other = person("voisin")
    MemberFactory(association=world.association, group=world.group, user=other)
    client_for(other).post(reverse("catalogue:suggestion_vote", args=[popular.pk]))
    assert popular.votes.count() == 2
    page = client_for(world.coordinator).get(reverse("catalogue:suggestions")).content.decode()
    assert page.index("Lait en poudre") < page.index("Farine de sarrasin")
    client_for(world.member_user).post(reverse("catalogue:suggestion_vote", args=[popular.pk]))
    assert popular.votes.count() == 1


def test_the_menu_shows_the_catalogue_to_members_and_the_suppliers_to_coordinators(world, client_for):
    member_page = client_for(world.member_user).get(reverse("catalogue:index")).content.decode()
    assert reverse("catalogue:index") in member_page and reverse("catalogue:suppliers") not in member_page
    coordinator_page = client_for(world.coordinator).get(reverse("catalogue:index")).content.decode()
    assert "Fournisseurs" in coordinator_page and reverse("catalogue:suppliers") in coordinator_page


def test_a_price_jump_is_flagged_in_the_preview_and_refused_without_the_tick(world, shop, client_for):
    client = client_for(world.coordinator)
    upload = SimpleUploadedFile("tarif.csv", "Référence;Désignation;Prix HT\nLV25;Lentilles;1,10\n".encode())
    url = client.post(reverse("catalogue:import_new", args=[shop["supplier"].pk]), {"file": upload}).url
    page = client.get(url).content.decode()
    assert "⚠ -97 %" in page and 'name="jumps_confirmed"' in page and "required" in page
    refused = client.post(url, {"action": "apply"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.content.decode()
    assert "rien n’a été enregistré" in refused.content.decode()
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("52.50")
    assert client.post(url, {"action": "apply", "jumps_confirmed": "on"}).status_code == 302
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("1.10")


def test_the_threshold_is_edited_with_the_associations_settings(world, client_for):
    from grappe.network.forms import AssociationForm

    assert "price_change_alert_percent" in AssociationForm.Meta.fields
    form = AssociationForm(instance=world.association)
    data = {**form.initial, "price_change_alert_percent": "501", "commune": ""}
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    assert "price_change_alert_percent" in AssociationForm(data, instance=world.association).errors
