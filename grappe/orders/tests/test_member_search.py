"""Finding a member to order on their behalf: by number or name, short lists, only one's own groups."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory
from grappe.orders import services
from grappe.orders.services import GroupPlan

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    return make_cycle(world)


def search(client, cycle, text):
    return client.get(reverse("orders:cycle_detail", args=[cycle.pk]), {"q": text}).content.decode()


def behalf_link(cycle, member):
    return reverse("orders:on_behalf", args=[cycle.pk, member.pk])


def test_the_cycle_page_has_a_search_and_no_long_list(world, shop, client_for):
    for _ in range(30):
        make_member(world)
    text = client_for(world.volunteer).get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert 'type="search"' in text and 'name="q"' in text
    assert 'name="adherent"' not in text
    assert behalf_link(shop.cycle, world.member) not in text


def test_a_volunteer_finds_a_member_by_number(world, shop, client_for):
    other = make_member(world, name="Durand Paul")
    text = search(client_for(world.volunteer), shop.cycle, str(other.number))
    assert behalf_link(shop.cycle, other) in text
    assert behalf_link(shop.cycle, world.member) not in text


def test_a_volunteer_finds_a_member_by_part_of_the_name_in_any_case(world, shop, client_for):
    text = search(client_for(world.volunteer), shop.cycle, "jeanne MART")
    assert behalf_link(shop.cycle, world.member) in text
    assert "Martin Jeanne" in text


def test_the_link_opens_the_member_basket(world, shop, client_for):
    client = client_for(world.volunteer)
    assert client.get(behalf_link(shop.cycle, world.member)).status_code == 200


def test_many_matches_are_cut_to_a_short_list_with_a_hint(world, shop, client_for):
    for i in range(25):
        make_member(world, name=f"Bernard {i:02d}")
    text = search(client_for(world.volunteer), shop.cycle, "bernard")
    assert text.count(f'href="/commandes/{shop.cycle.pk}/adherent/') == 20
    assert "Seuls les 20 premiers sont affichés" in text


def test_no_match_says_so_in_french(world, shop, client_for):
    text = search(client_for(world.volunteer), shop.cycle, "Zyx")
    assert "Aucun adhérent actif de vos groupements ne correspond" in text


def test_a_volunteer_does_not_find_members_of_groups_they_do_not_serve(world, shop, client_for):
    die = make_member(world, group=world.other_group, name="Martin Pierre")
    text = search(client_for(world.volunteer), shop.cycle, "martin")
    assert behalf_link(shop.cycle, world.member) in text
    assert behalf_link(shop.cycle, die) not in text
    assert "Martin Pierre" in search(client_for(world.admin), shop.cycle, "martin")


def test_members_who_cannot_order_are_not_listed(world, shop, client_for):
    gone = make_member(world, name="Martin Parti")
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.LEFT)
    assert "Martin Parti" not in search(client_for(world.volunteer), shop.cycle, "martin")


def test_an_outsider_never_sees_another_association_members(world, shop, client_for):
    namesake = MemberFactory(association=world.elsewhere, group=world.elsewhere_group, name="Martin Jeanne")
    # the outsider cannot open this association's cycle at all
    assert client_for(world.outsider).get(reverse("orders:cycle_detail", args=[shop.cycle.pk]),
                                          {"q": "martin"}).status_code == 404
    # in the outsider's own cycle, searching the same name finds only their own member
    now = timezone.now()
    theirs = services.create_cycle(association=world.elsewhere, name="Ailleurs", opens_at=now,
                                   closes_at=now + datetime.timedelta(days=2), by=world.outsider,
                                   groups=[GroupPlan(world.elsewhere_group, timezone.localdate())])
    theirs = services.open_cycle(cycle=theirs, by=world.outsider)
    text = search(client_for(world.outsider), theirs, "martin")
    assert behalf_link(theirs, namesake) in text
    assert f"/adherent/{world.member.pk}/" not in text
    # and an admin of this association does not find the namesake from elsewhere
    text = search(client_for(world.admin), shop.cycle, "martin")
    assert f"/adherent/{namesake.pk}/" not in text


def test_the_search_costs_the_same_queries_for_few_or_many_matches(world, shop, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.volunteer)
    search(client, shop.cycle, "martin")  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        search(client, shop.cycle, "martin")
    for i in range(25):
        make_member(world, name=f"Martin {i:02d}")
    with CaptureQueriesContext(connection) as many:
        search(client, shop.cycle, "martin")
    assert len(many) == len(few)


def test_a_name_typed_without_its_accents_is_found(world, shop, client_for):
    helene = make_member(world, name="Garçon Hélène")
    text = search(client_for(world.volunteer), shop.cycle, "helene garcon")
    assert behalf_link(shop.cycle, helene) in text
