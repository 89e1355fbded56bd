import pytest
from django.urls import reverse

from grappe.core.errors import REFUSED
from grappe.members.models import AuditEntry, Member, Referral
from grappe.members.services import create_referral
from grappe.members.tests.factories import BuyingGroupFactory
from grappe.network.models import Site

pytestmark = pytest.mark.django_db


def member_pages(world):
    site = Site.objects.create(group=world.group, name="Salle")
    referral = Referral.objects.create(association=world.association, partner=world.partner, group=world.group,
                                       code="TESTCODE", household_name="A. B.")
    pk = world.member.pk
    return [
        ("members:list", []), ("members:detail", [pk]), ("members:create", [world.group.pk]),
        ("members:edit", [pk]), ("members:category", [pk]), ("members:data", [pk]),
        ("members:export_json", [pk]), ("members:export_pdf", [pk]), ("members:erase", [pk]),
        ("members:quota", []), ("members:audit", []), ("members:referrals", []),
        ("members:referral_create", []), ("members:referral_detail", [referral.pk]),
        ("members:referral_slip", [referral.pk]), ("network:overview", []), ("network:group", [world.group.pk]),
        ("network:group_edit", [world.group.pk]), ("network:site_create", [world.group.pk]),
        ("network:site_edit", [world.group.pk, site.pk]), ("network:partner_edit", [world.partner.pk]),
        ("network:association_edit", []), ("network:group_create", []), ("network:partner_create", []),
        ("network:territory_create", []), ("members:my_data", []), ("members:my_export_json", []),
    ]


def test_outsider_gets_404_on_every_page(world, client_for):
    client = client_for(world.outsider)
    for name, args in member_pages(world):
        if name.startswith(("members:my_", "network:association_edit", "network:group_create",
                            "network:partner_create", "network:territory_create", "network:overview",
                            "members:list", "members:quota", "members:audit", "members:referral")) and not args:
            continue  # pages without an object show the outsider their own association, tested below
        response = client.get(reverse(name, args=args))
        assert response.status_code == 404, name


def test_outsider_lists_show_only_their_own_association(world, client_for):
    client = client_for(world.outsider)
    assert world.member.name not in client.get(reverse("members:list")).content.decode()
    assert world.group.name not in client.get(reverse("network:overview")).content.decode()
    assert world.group.name not in client.get(reverse("members:quota")).content.decode()
    assert "CCAS de Romans" not in client.get(reverse("members:referrals")).content.decode()


def test_coordinator_sees_every_page_of_their_group(world, client_for):
    client = client_for(world.admin)
    for name, args in member_pages(world):
        if name.startswith("members:my_"):
            continue
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_volunteer_cannot_see_category_or_change_it(world, client_for):
    client = client_for(world.volunteer)
    page = client.get(reverse("members:detail", args=[world.member.pk])).content.decode()
    assert "badge-priority" not in page
    assert client.get(reverse("members:category", args=[world.member.pk])).status_code == 404
    assert client.get(reverse("members:export_json", args=[world.member.pk])).status_code == 404


def test_coordinator_cannot_reach_a_group_they_do_not_coordinate(world, client_for):
    other = Member.objects.create(association=world.association, group=world.other_group, number=92000, name="Z",
                                  category="priority", priority_basis="qpv")
    client = client_for(world.coordinator)
    assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404


def test_member_sees_only_their_own_data(world, client_for):
    client = client_for(world.member_user)
    assert client.get(reverse("members:list")).status_code == 404
    assert client.get(reverse("members:detail", args=[world.member.pk])).status_code == 404
    response = client.get(reverse("members:my_export_json"))
    assert response.status_code == 200
    assert response.json()["number"] == world.member.number


def test_member_export_pdf_is_a_pdf_with_their_name(world, client_for):
    from io import BytesIO

    from pypdf import PdfReader

    response = client_for(world.member_user).get(reverse("members:my_export_pdf"))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Martin Jeanne" in text


def test_member_can_erase_their_own_data(world, client_for):
    client = client_for(world.member_user)
    response = client.post(reverse("members:my_erase"), {"confirm": "yes"})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.erased_at is not None and world.member.name != "Martin Jeanne"


def test_coordinator_admits_a_solidarity_member_to_the_waiting_list_with_a_message(world, client_for):
    for n in range(3):
        Member.objects.create(association=world.association, group=world.group, number=90000 + n, name="S",
                              category="solidarity")
    client = client_for(world.coordinator)
    response = client.post(reverse("members:create", args=[world.group.pk]), {
        "m-kind": "household", "m-name": "Durand Paul", "m-adults": 1, "m-children": 0, "m-phone": "0611",
        "m-preferred_channel": "sms", "c-category": "solidarity"}, follow=True)
    member = Member.objects.get(name="Durand Paul")
    assert member.status == "waiting"
    assert "liste d’attente" in response.content.decode() or "waiting list" in response.content.decode()


def test_referrer_sees_only_whether_their_referrals_joined(world, client_for):
    referral = create_referral(partner=world.partner, group=world.group, by=world.referrer, household_name="J. M.")
    referral.member = world.member
    referral.save()
    client = client_for(world.referrer)
    page = client.get(reverse("members:referrals")).content.decode()
    assert "J. M." in page
    assert world.member.name not in page
    assert client.get(reverse("members:detail", args=[world.member.pk])).status_code == 404
    assert client.get(reverse("members:list")).status_code == 404


def test_referral_slip_pdf_carries_the_code(world, client_for):
    from io import BytesIO

    from pypdf import PdfReader

    referral = create_referral(partner=world.partner, group=world.group, by=world.referrer, household_name="J. M.")
    response = client_for(world.referrer).get(reverse("members:referral_slip", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert referral.code in text


def test_household_registers_itself_with_a_code(world, client):
    referral = create_referral(partner=world.partner, group=world.group, by=world.referrer, household_name="J. M.")
    response = client.post(reverse("members:register"), {
        "code": referral.code, "name": "Moreau Julie", "phone": "0611223344", "adults": 1, "children": 1,
        "preferred_channel": "sms", "password": ""})
    assert response.status_code == 200
    member = Member.objects.get(name="Moreau Julie")
    assert member.category == "priority" and member.basis_partner == world.partner


def test_registration_with_a_wrong_code_says_so(world, client):
    response = client.post(reverse("members:register"), {
        "code": "WRONG123", "name": "X", "phone": "06", "adults": 1, "children": 0, "preferred_channel": "sms"})
    assert response.status_code == REFUSED  # the page again, with what was typed
    assert not Member.objects.filter(name="X").exists()
    assert response.context["form"].errors["code"]


def test_member_list_query_count_does_not_grow_with_members(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        Member.objects.create(association=world.association, group=world.group, number=91000 + n, name=f"M{n}",
                              category="priority", priority_basis="qpv")
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("members:list")).status_code == 200


def test_the_referral_slip_and_the_household_page_count_people_in_plain_french(world, client_for):
    from io import BytesIO

    from pypdf import PdfReader

    referral = create_referral(partner=world.partner, group=world.group, by=world.referrer, household_name="J. M.",
                               persons=4)
    response = client_for(world.referrer).get(reverse("members:referral_slip", args=[referral.pk]))
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "4 personnes" in text and "(s)" not in text
    world.member.adults, world.member.children = 1, 2
    world.member.save()
    page = client_for(world.coordinator).get(reverse("members:detail", args=[world.member.pk])).content.decode()
    assert "1 adulte, 2 enfants" in page and "(s)" not in page


def test_a_group_with_no_member_does_not_say_quota_met(world, client_for):
    """An empty group counts as fully priority for admissions, but saying "quota respecté" of it misleads."""
    BuyingGroupFactory(association=world.association, name="Crest")
    page = client_for(world.admin).get(reverse("members:quota"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    card = page[page.index("Crest"):]
    card = card[:card.index("</section>")]
    assert "aucun adhérent actif" in card
    assert "quota respecté" not in card and "100" not in card


def test_the_audit_log_names_actions_and_fields_in_french(world, client_for):
    AuditEntry.objects.create(association=world.association, member=world.member, actor=world.admin,
                              action=AuditEntry.Action.CATEGORY, fields=["category", "phone"])
    page = client_for(world.admin).get(reverse("members:audit"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Catégorie modifiée" in page
    assert "catégorie, téléphone" in page and "category, phone" not in page
