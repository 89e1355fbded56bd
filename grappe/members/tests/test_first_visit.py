"""A household's first visit: the slip's QR code opens the join page with the code and the language
filled in, the household picks its fee (paid at the first distribution), is greeted by first name
and can order at once; a used slip is not printed again."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from grappe.core.errors import REFUSED
from grappe.members import services
from grappe.members.models import Member, Membership, Referral
from grappe.members.tests.factories import MemberFactory
from grappe.orders import services as order_services
from grappe.orders.services import LineChange
from grappe.orders.tests.factories import make_cycle

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


def join_form(code, **fields):
    return {"code": code, "name": "Benali Amina", "first_name": "Amina", "phone": "0611223344", "adults": 2,
            "children": 1, "preferred_channel": "sms", "password": "", **fields}


@pytest.fixture
def referral(world):
    return services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                    household_name="A. B.", persons=3, language="en")


# --- joining -----------------------------------------------------------------------------------


def test_the_qr_address_fills_in_the_code_and_shows_the_fee_choices(world, client, referral):
    page = client.get(reverse("members:register"), {"code": referral.code}).content.decode()
    assert f'value="{referral.code}"' in page
    assert f"rejoindre le groupement {world.group.name} de {world.association.name}" in page
    assert "Prénom (facultatif)" in page
    for fee in world.association.fee_suggestions:  # 1, 5, 10, 20 (the factory's scale)
        assert f'value="{fee}"' in page
    assert "première distribution" in page  # the association's rule, said plainly


def test_without_a_known_code_the_page_asks_no_fee(world, client):
    page = client.get(reverse("members:register")).content.decode()
    assert 'name="fee"' not in page
    page = client.get(reverse("members:register"), {"code": "NOPE"}).content.decode()
    assert 'name="fee"' not in page


def test_the_page_says_the_fee_comes_first_when_the_association_wants_it(world, client, referral):
    world.association.first_fee_at_first_distribution = False
    world.association.save()
    page = client.get(reverse("members:register"), {"code": referral.code}).content.decode()
    assert "avant de pouvoir commander" in page


def test_joining_keeps_the_first_name_and_the_chosen_fee_unpaid(world, client, referral):
    response = client.post(reverse("members:register"), join_form(referral.code, fee="5"))
    assert response.status_code == 200
    member = Member.objects.get(name="Benali Amina")
    assert member.first_name == "Amina"
    membership = Membership.objects.get(member=member)
    assert (membership.year, membership.fee, membership.paid_on) == (timezone.localdate().year, D("5"), None)
    assert services.first_fee_due(member) == D("5.00")
    assert services.may_order(member)
    page = response.content.decode()
    assert "Bienvenue, Amina\u00a0!" in page
    assert "vous pouvez commander dès maintenant\u00a0; votre cotisation de 5\u00a0€ sera payée à la distribution" \
        in page.lower()


def test_a_fee_not_chosen_is_the_minimum_at_the_first_distribution(world, client, referral):
    client.post(reverse("members:register"), join_form(referral.code))
    member = Member.objects.get(name="Benali Amina")
    assert not member.memberships.exists()
    assert services.first_fee_due(member) == world.association.minimum_fee


def test_a_fee_outside_the_suggestions_is_refused_with_what_was_typed(world, client, referral):
    response = client.post(reverse("members:register"), join_form(referral.code, fee="0.50"))
    assert response.status_code == REFUSED
    assert response.context["form"].errors["fee"]
    assert "Benali Amina" in response.content.decode()
    assert not Member.objects.filter(name="Benali Amina").exists()


def test_the_service_refuses_a_fee_below_the_minimum(world, referral):
    with pytest.raises(services.FeeTooLow):
        services.register_with_code(code=referral.code, name="Benali Amina", phone="06", fee=D("0.50"),
                                    today=TODAY)


def test_the_fee_is_recorded_for_the_year_of_the_day_passed_in(world, referral):
    member = services.register_with_code(code=referral.code, name="Benali Amina", phone="06", fee=D("10"),
                                         today=TODAY)
    assert Membership.objects.get(member=member).year == 2026
    assert services.first_fee_due(member, today=TODAY) == D("10")


def test_with_the_fee_first_the_done_page_says_to_pay_before_ordering(world, client, referral):
    world.association.first_fee_at_first_distribution = False
    world.association.save()
    page = client.post(reverse("members:register"), join_form(referral.code, fee="10")).content.decode()
    assert "Votre cotisation de 10\u00a0€ doit être payée au groupe avant de pouvoir commander" in page


# --- the language of the QR code ---------------------------------------------------------------


def test_the_qr_language_shows_the_page_and_becomes_the_members_language(world, client, referral):
    url = reverse("members:register") + f"?code={referral.code}&langue=en"
    page = client.get(url).content.decode()
    assert '<html lang="en"' in page and "First name (optional)" in page
    response = client.post(url, join_form(referral.code))
    assert "Welcome, Amina!" in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Member.objects.get(name="Benali Amina").language == "en"


def test_a_language_that_is_not_shipped_is_ignored(world, client, referral):
    url = reverse("members:register") + f"?code={referral.code}&langue=xx"
    page = client.get(url).content.decode()
    assert '<html lang="fr"' in page
    client.post(url, join_form(referral.code))
    assert Member.objects.get(name="Benali Amina").language == "en"  # the referral's


def test_the_referrer_picks_the_language_among_the_shipped_ones(world, client_for):
    client = client_for(world.referrer)
    page = client.get(reverse("members:referral_create")).content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}"' in page
    response = client.post(reverse("members:referral_create"), {
        "household_name": "C. D.", "persons": 2, "group": world.group.pk, "partner": world.partner.pk,
        "language": "en"})
    assert response.status_code == 302
    assert Referral.objects.get(household_name="C. D.").language == "en"


def test_an_unknown_language_is_refused_for_a_referral(world):
    with pytest.raises(services.DomainError):
        services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                 household_name="E. F.", language="xx")


# --- the slip's QR code ------------------------------------------------------------------------


def test_the_slip_carries_a_qr_code_of_the_join_address_with_code_and_language(world, client_for, referral):
    response = client_for(world.referrer).get(reverse("members:referral_slip", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    join_url = f"http://testserver/adherents/inscription/?code={referral.code}&langue=en"
    assert response.context["join_url"] == join_url
    qr = str(response.context["join_qr"])
    assert qr.startswith("<svg") and 'role="img"' in qr and "<path" in qr
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert referral.code in text
    assert join_url.replace("&", "") in text.replace("\n", "").replace("&", "")  # the address, printed under it


def test_the_referral_page_shows_the_qr_code_inline(world, client_for, referral):
    page = client_for(world.referrer).get(reverse("members:referral_detail", args=[referral.pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in page
    assert f"/adherents/inscription/?code={referral.code}&amp;langue=en" in page


def test_a_used_slip_is_not_printed_again(world, client, client_for, referral):
    client.post(reverse("members:register"), join_form(referral.code))
    response = client_for(world.referrer).get(reverse("members:referral_slip", args=[referral.pk]))
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Cette fiche ne peut plus être imprimée" in page and "sa fiche n’est donc plus imprimée" in page
    detail = client_for(world.referrer).get(reverse("members:referral_detail", args=[referral.pk])).content.decode()
    assert "<svg" not in detail and "fiche.pdf" not in detail


# --- greeting ----------------------------------------------------------------------------------


def test_the_home_greets_the_member_by_first_name(world, client_for):
    world.member.first_name = "Jeanne"
    world.member.save()
    page = client_for(world.member_user).get(reverse("home")).content.decode()
    assert "Bonjour Jeanne" in page and world.member_user.username not in page


def test_without_a_first_name_the_home_greets_with_the_whole_name(world, client_for):
    page = client_for(world.member_user).get(reverse("home")).content.decode()
    assert "Bonjour Martin Jeanne" in page and "Bonjour member" not in page


def test_the_home_of_a_new_member_says_ordering_is_open_and_the_fee_is_paid_at_the_distribution(
        world, client_for, referral):
    member = services.register_with_code(code=referral.code, name="Benali Amina", first_name="Amina",
                                         phone="06", fee=D("5"), password="une-bonne-phrase-2026",
                                         language="fr")  # the referral was printed in English
    page = client_for(member.user).get(reverse("home")).content.decode()
    assert "Bonjour Amina" in page
    assert "votre cotisation de 5\u00a0€ sera payée à la distribution" in page
    assert "avant de pouvoir commander" not in page


def test_the_staff_form_keeps_the_first_name(world, client_for):
    client = client_for(world.coordinator)
    form = {f"m-{k}": v for k, v in {
        "kind": "household", "name": "Martin Jeanne", "first_name": "Jeanne", "adults": 1, "children": 0,
        "phone": "0600000000", "email": "", "preferred_channel": "sms", "commune": "", "stop": ""}.items()}
    response = client.post(reverse("members:edit", args=[world.member.pk]), form)
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.first_name == "Jeanne"


def test_erasure_forgets_the_first_name(world):
    world.member.first_name = "Jeanne"
    world.member.save()
    services.erase_member(member=world.member, by=world.coordinator)
    world.member.refresh_from_db()
    assert world.member.first_name == ""


# --- ordering at once --------------------------------------------------------------------------


def test_a_member_who_has_just_joined_orders_at_once(world, client, referral):
    shop = make_cycle(world)
    client.post(reverse("members:register"), join_form(referral.code, fee="5"))
    newcomer = Member.objects.get(name="Benali Amina")
    order = order_services.place_order(cycle=shop.cycle, member=newcomer, by=None,
                                       lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])
    assert order.lines.get().quantity == D("2")


def test_a_member_of_last_year_who_did_not_renew_cannot_order(world):
    shop = make_cycle(world)
    last_year = timezone.localdate().year - 1
    former = MemberFactory(association=world.association, group=world.group, name="Ancien Paul")
    Membership.objects.create(member=former, year=last_year, fee=D("5"), paid_on=datetime.date(last_year, 3, 1),
                              means=Membership.Means.CASH)
    with pytest.raises(order_services.MembershipUnpaid):
        order_services.place_order(cycle=shop.cycle, member=former, by=None,
                                   lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])


# --- the association's setting -----------------------------------------------------------------


def test_the_admin_turns_the_first_fee_rule_off(world, client_for):
    association = world.association
    client = client_for(world.admin)
    page = client.get(reverse("network:association_edit")).content.decode()
    assert 'name="first_fee_at_first_distribution"' in page and "checked" in page
    form = {"name": association.name, "email": "", "phone": "", "address": "", "commune": "",
            "priority_threshold": "70", "minimum_fee": "1", "fee_scale": "1, 5, 10",
            "priority_first_in_shortage": "on", "price_change_alert_percent": "30"}
    assert client.post(reverse("network:association_edit"), form).status_code == 302
    association.refresh_from_db()
    assert association.first_fee_at_first_distribution is False


def test_the_access_slip_carries_a_qr_code_of_the_sign_in_page(world, client_for):
    client = client_for(world.coordinator)
    paper = MemberFactory(association=world.association, group=world.group, name="Papier Louise")
    password = client.post(reverse("members:access", args=[paper.pk])).context["password"]
    slip = client.post(reverse("members:access_slip", args=[paper.pk]), {"password": password})
    assert slip["Content-Type"] == "application/pdf"
    assert str(slip.context["login_qr"]).startswith("<svg")
    text = PdfReader(BytesIO(slip.content)).pages[0].extract_text()
    assert "scannez ce QR code" in text and "http://testserver/connexion/" in text


def test_the_home_of_a_member_who_did_not_renew_says_to_pay_before_ordering(world, client_for):
    last_year = timezone.localdate().year - 1
    Membership.objects.create(member=world.member, year=last_year, fee=D("5"),
                              paid_on=datetime.date(last_year, 3, 1), means=Membership.Means.CASH)
    page = client_for(world.member_user).get(reverse("home")).content.decode()
    assert "doit être payée au groupe avant de pouvoir commander" in page
    assert "dès maintenant" not in page


def test_the_staff_page_of_a_new_member_says_the_first_fee_is_taken_at_the_distribution(world, client_for, referral):
    member = services.register_with_code(code=referral.code, name="Benali Amina", first_name="Amina", phone="06",
                                         fee=D("10"))
    page = client_for(world.volunteer).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "peut commander dès maintenant" in page and "10\u00a0€" in page and "Amina" in page
    assert "Adhésion non payée" not in page and "Les commandes sont refusées" not in page
    world.association.first_fee_at_first_distribution = False
    world.association.save()
    page = client_for(world.volunteer).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "peut commander dès maintenant" not in page and "Les commandes sont refusées" in page
