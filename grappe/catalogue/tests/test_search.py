"""The members' catalogue search ignores case and accents, and wants every word typed."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from grappe.catalogue.models import GroupSelection
from grappe.catalogue.queries import search_products
from grappe.catalogue.tests.factories import SupplierFactory, make_product

pytestmark = pytest.mark.django_db


class Item:
    def __init__(self, name, description="", producer="", origin_place=""):
        self.name, self.description, self.producer, self.origin_place = name, description, producer, origin_place


def test_accents_and_case_do_not_matter():
    items = [Item("Pâtes complètes"), Item("Café moulu", producer="Coopérative Ethiquable"), Item("Riz")]
    assert [i.name for i in search_products(items, "pates")] == ["Pâtes complètes"]
    assert [i.name for i in search_products(items, "CAFE")] == ["Café moulu"]
    assert [i.name for i in search_products(items, "cafe cooperative")] == ["Café moulu"]
    assert search_products(items, "cafe riz") == []


# French words written with and without their accents, as a member may type them
ACCENTED = st.sampled_from(["é", "è", "ê", "à", "â", "ç", "ô", "û", "î", "ï"])
PLAIN = {"é": "e", "è": "e", "ê": "e", "à": "a", "â": "a", "ç": "c", "ô": "o", "û": "u", "î": "i", "ï": "i"}


@given(st.lists(st.one_of(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), ACCENTED), min_size=1, max_size=12))
def test_a_name_is_found_by_its_letters_typed_without_accents(letters):
    name = "".join(letters)
    typed = "".join(PLAIN.get(letter, letter) for letter in letters)
    assert search_products([Item(name.capitalize())], typed.upper())


def test_the_catalogue_page_finds_pates_from_pates_without_accent(world, client_for):
    supplier = SupplierFactory(association=world.association)
    pasta = make_product(supplier, name="Pâtes complètes", reference="PAT")
    GroupSelection.objects.create(group=world.group, product=pasta)
    page = client_for(world.member_user).get(reverse("catalogue:index"), {"q": "pates"}).content.decode()
    assert "Pâtes complètes" in page
    assert "1 produit pour « pates »" in page
