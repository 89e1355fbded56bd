"""Finding a member by number or by name, whatever the accents and case (volunteers type names as
they hear them on the phone)."""

import pytest
from django.urls import reverse

from grappe.members.models import Member

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_name_is_folded_on_save_and_found_without_accents(world):
    helene = MemberFactory(association=world.association, group=world.group, name="Hélène Garçon")
    assert helene.search_name == "helene garcon"
    assert list(Member.objects.matching("helene GARCON")) == [helene]
    assert list(Member.objects.matching("garçon hél")) == [helene]
    assert list(Member.objects.matching("helene dupont")) == []
    assert list(Member.objects.matching(str(helene.number))) == [helene]


def test_renaming_and_bulk_creating_keep_the_search_name(world):
    member = MemberFactory(association=world.association, group=world.group, name="Durand")
    member.name = "Éloïse Durand"
    member.save(update_fields=["name"])
    assert Member.objects.get(pk=member.pk).search_name == "eloise durand"
    [made] = Member.objects.bulk_create([Member(association=world.association, group=world.group, number=9000,
                                                name="Noël Aïssa", category="solidarity")])
    assert Member.objects.get(pk=made.pk).search_name == "noel aissa"


def test_the_member_list_finds_a_name_typed_without_accents(world, client_for):
    MemberFactory(association=world.association, group=world.group, name="Hélène Garçon")
    text = client_for(world.coordinator).get(reverse("members:list"), {"q": "helene"}).content.decode()
    assert "Hélène Garçon" in text
