"""A coordinator registers a referred household from the members pages (issue 17): worded for the
coordinator, with the commune, no password; the code is checked by the same service as the join page."""

import pytest
from django.urls import reverse

from grappe.core.errors import REFUSED
from grappe.members import services
from grappe.members.models import Member
from grappe.network.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _referral(world, group=None):
    return services.create_referral(partner=world.partner, group=group or world.group, by=world.referrer,
                                    household_name="Foyer B.")


def _post(client, user, **data):
    client.force_login(user)
    return client.post(reverse("members:register_household"), {
        "name": "Benali Amina", "first_name": "", "phone": "", "email": "", "adults": "1", "children": "2",
        "preferred_channel": "sms", **data})


def test_the_members_list_links_to_the_coordinators_form(world, client):
    client.force_login(world.coordinator)
    page = client.get(reverse("members:list")).content.decode()
    assert reverse("members:register_household") in page
    form = client.get(reverse("members:register_household") + "?code=ABC").content.decode()
    assert 'name="password"' not in form and 'name="commune"' in form and 'value="ABC"' in form


def test_a_coordinator_registers_a_household_with_its_commune_and_no_login(world, client):
    referral = _referral(world)
    commune = CommuneFactory(name="Crest")
    response = _post(client, world.coordinator, code=referral.code.lower(), phone="06 11 22 33 44",
                     commune=commune.pk)
    member = Member.objects.get(name="Benali Amina")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.commune == commune and member.user is None and member.group == world.group
    assert member.category == Member.Category.PRIORITY and member.basis_partner == world.partner
    referral.refresh_from_db()
    assert referral.member == member


def test_a_paper_household_needs_no_phone_nor_email(world, client):
    referral = _referral(world)
    response = _post(client, world.coordinator, code=referral.code, preferred_channel="paper")
    assert response.status_code == 302


def test_a_refused_code_shows_what_was_typed_with_422(world, client):
    referral = _referral(world)
    services.register_with_code(code=referral.code, name="Déjà", phone="06")
    response = _post(client, world.coordinator, code=referral.code, phone="0611223344")
    assert response.status_code == REFUSED
    page = response.content.decode()
    assert "Benali Amina" in page and "0611223344" in page
    assert not Member.objects.filter(name="Benali Amina").exists()


def test_a_code_of_another_group_is_unknown_to_the_coordinator(world, client):
    referral = _referral(world, group=world.other_group)
    response = _post(client, world.coordinator, code=referral.code, phone="06")
    assert response.status_code == REFUSED
    assert not Member.objects.filter(name="Benali Amina").exists()
    assert world.other_group.name not in response.content.decode()
    # the admin works in every group of the association
    assert _post(client, world.admin, code=referral.code, phone="06").status_code == 302


@pytest.mark.parametrize("who", ["volunteer", "referrer", "member_user"])
def test_only_coordinators_register_households_here(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("members:register_household")).status_code == 404


def test_the_referral_page_offers_the_coordinator_to_register_it(world, client):
    referral = _referral(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("members:referral_detail", args=[referral.pk])).content.decode()
    assert f"{reverse('members:register_household')}?code={referral.code}" in page
