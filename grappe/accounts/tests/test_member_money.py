"""Money a member can follow (issue 13): the first membership fee taken at the first checkout as a
membership (never in the basket's books), her own receipt, the story of a basket from the order to
the payment, and account lines that name their basket and day."""

import datetime as dt
import re
import uuid
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from grappe.accounts import queries, services
from grappe.accounts.models import CheckoutFee, Entry, Means
from grappe.accounts.simulation import simulate
from grappe.core.money import format_euros
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.members.models import Member, Membership
from grappe.orders import services as order_services
from grappe.orders.models import OrderCycle, PurchaseLine
from grappe.orders.services import ReceivedLine
from grappe.orders.tests.factories import make_cycle, make_member

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _text(response) -> str:
    """The page's text with tags removed and spaces collapsed (non-breaking spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _day(basket) -> str:
    """"11 décembre", with a non-breaking space, as the pages write it."""
    return date_format(basket.distribution.date, "j F").replace(" ", NBSP)


# --- The first fee at the first checkout ----------------------------------------------------------


@pytest.fixture
def newcomer(world):
    return make_newcomer(world)


def make_newcomer(world):
    """Nina joined world.group and ordered 2 kg of oranges without paying the first fee (the
    association's default lets her); Jeanne, whose fee is paid, ordered 1 kg. Both baskets collected."""
    shop = make_cycle(world)
    nina = make_member(world, paid=False, name="Nouvelle Nina")
    for member, quantity in ((nina, "2"), (world.member, "1")):
        order_services.set_line(cycle=shop.cycle, member=member, product=shop.oranges, quantity=D(quantity), by=None)
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    distribution_services.create_distributions(cycle=shop.cycle, by=world.coordinator)
    day = Distribution.objects.get(cycle=shop.cycle, group=world.group)
    baskets = {b.member_id: b for b in Basket.objects.filter(distribution=day).select_related("member", "distribution")}
    for basket in baskets.values():
        services.collect_basket(basket=basket, by=world.volunteer)
    return SimpleNamespace(day=day, nina=nina, basket=baskets[nina.pk], jeanne_basket=baskets[world.member.pk],
                           year=day.date.year)


def test_the_checkout_shows_the_first_fee_as_its_own_line_to_take(world, newcomer, client_for):
    page = _text(client_for(world.volunteer).get(reverse("accounts:checkout", args=[newcomer.basket.pk])))
    assert f"Cotisation {newcomer.year}{NBSP}: 1,00{NBSP}€" in page
    assert "Enregistrer la cotisation" in page


def test_the_fee_is_recorded_as_a_membership_paid_that_day_never_in_the_ledger(world, newcomer, client_for):
    client = client_for(world.volunteer)
    balance = services.balance(newcomer.nina)
    url = reverse("accounts:fee", args=[newcomer.basket.pk])
    assert client.post(url, {"fee-means": "cash"}).status_code == 302
    membership = Membership.objects.get(member=newcomer.nina, year=newcomer.year)
    assert (membership.fee, membership.paid_on, membership.means) == (D("1.00"), newcomer.day.date, "cash")
    assert services.balance(newcomer.nina) == balance  # not a charge nor a payment of her account
    assert not Entry.objects.filter(member=newcomer.nina, kind=Entry.Kind.PAYMENT).exists()
    # pressed twice (back, then submit again): one fee, one membership
    assert client.post(url, {"fee-means": "cash"}).status_code == 302
    assert CheckoutFee.objects.filter(basket=newcomer.basket).count() == 1
    assert Membership.objects.filter(member=newcomer.nina).count() == 1
    # the till expects it; the checkout no longer asks for it
    assert services.expected_takings(newcomer.day)[Means.CASH] == D("1.00")
    page = _text(client.get(reverse("accounts:checkout", args=[newcomer.basket.pk])))
    assert "Enregistrer la cotisation" not in page and "payée en espèces" in page


def test_a_fee_refused_shows_the_checkout_again_and_records_nothing(world, newcomer, client_for):
    response = client_for(world.volunteer).post(reverse("accounts:fee", args=[newcomer.basket.pk]),
                                                {"fee-means": "bitcoin"})
    assert response.status_code == 422
    assert f"Cotisation {newcomer.year}{NBSP}: 1,00{NBSP}€" in _text(response)
    assert not Membership.objects.filter(member=newcomer.nina).exists()
    assert not CheckoutFee.objects.exists()


def test_a_member_who_paid_her_fee_is_asked_for_none(world, newcomer, client_for):
    page = _text(client_for(world.volunteer).get(reverse("accounts:checkout", args=[newcomer.jeanne_basket.pk])))
    assert "Cotisation" not in page
    with pytest.raises(services.AccountError):
        services.take_first_fee(basket=newcomer.jeanne_basket, means=Means.CASH, by=world.volunteer)
    assert not CheckoutFee.objects.exists()


def test_the_receipt_shows_the_fee_on_its_own_line(world, newcomer, client_for):
    services.take_first_fee(basket=newcomer.basket, means=Means.CASH, by=world.volunteer)
    page = _text(client_for(world.volunteer).get(reverse("accounts:receipt", args=[newcomer.basket.pk])))
    assert f"Cotisation annuelle {newcomer.year} — payée en espèces{NBSP}: 1,00{NBSP}€" in page
    total = services.basket_total(newcomer.basket)
    assert f"Total {format_euros(total)}" in page  # the basket's total does not count the fee
    assert services.balance(newcomer.nina) == -total


def test_a_cycle_whose_newcomers_pay_their_first_fee_at_the_checkout_settles_at_zero_margin():
    result = simulate(groups=2, households=12, products=4, seed=5, deferred_fees=5)
    assert result["counts"]["fees"] >= 4  # each newcomer who collected her basket paid it there
    assert result["margin"] == "0.00" and result["unexplained"] == "0.00" and result["settled"] is True
    assert OrderCycle.objects.get(pk=result["cycle"]).status == OrderCycle.Status.SETTLED
    fees = CheckoutFee.objects.filter(basket__distribution__cycle_id=result["cycle"]).select_related("membership")
    assert fees.count() == result["counts"]["fees"]
    assert all(fee.membership.paid_on == fee.basket.distribution.date and fee.membership.means == "cash"
               for fee in fees)
    # the fee money is in no member's account: payments equal the baskets' charges, cent for cent
    members = Member.objects.filter(association__slug=result["association"], number__lte=5)
    assert not Entry.objects.filter(member__in=members, amount=D("1.00"), kind=Entry.Kind.PAYMENT,
                                    basket__isnull=False).exists()


# --- The story of a basket -------------------------------------------------------------------------


@pytest.fixture
def story(world):
    return make_story(world)


def make_story(world):
    """Jeanne asks 5 kg of lentils, accepting up to 2 kg more, 2 bottles of oil and 3 kg of oranges.
    Paul asks 18 kg of lentils and 3 bottles: 23 kg + Jeanne's 2 kg fill the 25 kg sack, so Jeanne
    gets 7 kg; 5 bottles do not fill the carton of 6, which is not bought. At the distribution her
    lentils are weighed at 6,8 kg; she pays in cash what was charged."""
    shop = make_cycle(world)
    jeanne = world.member
    paul = make_member(world, category=Member.Category.SOLIDARITY, name="Durand Paul")
    for member, product, quantity, tolerance in [(jeanne, shop.lentils, "5", "2"), (jeanne, shop.oil, "2", "0"),
                                                 (jeanne, shop.oranges, "3", "0"), (paul, shop.lentils, "18", "0"),
                                                 (paul, shop.oil, "3", "0")]:
        order_services.set_line(cycle=shop.cycle, member=member, product=product, quantity=D(quantity),
                                tolerance=D(tolerance), by=None)
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    distribution_services.create_distributions(cycle=shop.cycle, by=world.coordinator)
    day = Distribution.objects.get(cycle=shop.cycle, group=world.group)
    basket = Basket.objects.get(distribution=day, member=jeanne)
    lentils = basket.lines.get(product=shop.lentils)
    now = timezone.make_aware(dt.datetime.combine(day.date, dt.time(17, 30)))
    services.collect_basket(basket=basket, by=world.volunteer, served={lentils.pk: D("6.8")}, now=now)
    charged = -services.balance(jeanne)
    services.record_payment(member=jeanne, amount=charged, means=Means.CASH, by=world.volunteer, key=uuid.uuid4(),
                            basket=basket, distribution=day, now=now)
    return SimpleNamespace(shop=shop, basket=basket, day=day, charged=charged)


def test_the_story_of_a_basket_adds_up_from_the_order_to_the_payment(world, story):
    told = queries.basket_story(Basket.objects.select_related("distribution", "member").get(pk=story.basket.pk))
    by_name = {line.name: line for line in told.lines}
    lentils, oil, oranges = by_name["Lentilles vertes"], by_name["Huile d'olive 1 L"], by_name["Oranges"]
    assert (lentils.ordered, lentils.allotted, lentils.taken) == (D("5"), D("7"), D("6.8"))
    assert (oil.ordered, oil.allotted, oil.taken) == (D("2"), D("0"), D("0"))
    assert (oranges.ordered, oranges.allotted, oranges.taken) == (D("3"), D("3"), D("3"))
    # each total is the sum of its lines; the charge is what was handed over; she paid it all
    assert told.ordered_total == sum(line.ordered_amount for line in told.lines)
    assert told.allotted_total == lentils.allotted_amount + oranges.allotted_amount > told.taken_total
    assert told.taken_total == told.charged == story.charged == told.paid
    assert told.ordered_total != told.allotted_total  # the story explains why
    assert told.rest == D("0.00") and told.balance == D("0.00")


def test_the_story_page_says_why_in_plain_french_in_the_past_tense(world, story, client_for):
    told = queries.basket_story(Basket.objects.select_related("distribution", "member").get(pk=story.basket.pk))
    response = client_for(world.member_user).get(reverse("accounts:my_basket", args=[story.basket.pk]))
    assert response.status_code == 200
    page = _text(response)
    assert f"Mon panier du {_day(story.basket)}" in page
    assert (f"Vous aviez accepté jusqu’à 2{NBSP}kg de plus{NBSP}: vous en avez reçu 2{NBSP}kg de plus, pour "
            f"remplir le sac de 25{NBSP}kg.") in page
    assert f"Les cartons de 6{NBSP}pièces n’étaient pas pleins" in page and f"2{NBSP}pièces de moins" in page
    assert f"Pesé{NBSP}: 6,8{NBSP}kg au lieu de 7{NBSP}kg." in page
    for amount in (told.ordered_total, told.allotted_total, told.taken_total):
        assert format_euros(amount) in page
    assert f"Paiement en espèces du {_day(story.basket)}" in page
    assert "Ce panier est payé." in page
    assert "recevrez" not in page and "écriture" not in page.lower()


def test_a_member_reads_the_story_of_her_own_baskets_only(world, story, client_for):
    paul_basket = Basket.objects.get(distribution=story.day, member__name="Durand Paul")
    client = client_for(world.member_user)
    assert client.get(reverse("accounts:my_basket", args=[paul_basket.pk])).status_code == 404
    assert client_for(world.volunteer).get(reverse("accounts:my_basket", args=[story.basket.pk])).status_code == 404


def test_a_member_opens_her_receipt_and_its_pdf_not_another_ones(world, story, client_for, monkeypatch):
    monkeypatch.setattr("grappe.core.pdf.html_to_pdf", lambda html, base_url=None: html.encode())
    client = client_for(world.member_user)
    response = client.get(reverse("accounts:receipt", args=[story.basket.pk]))
    assert response.status_code == 200
    page = _text(response)
    assert "Envoyer le reçu" not in page and "Adhérent suivant" not in page  # staff buttons
    assert f"Mon panier du {_day(story.basket)}" in page
    pdf = client.get(reverse("accounts:receipt", args=[story.basket.pk]), {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Lentilles vertes" in pdf.content.decode() and "Martin Jeanne" in pdf.content.decode()
    paul_basket = Basket.objects.get(distribution=story.day, member__name="Durand Paul")
    assert client.get(reverse("accounts:receipt", args=[paul_basket.pk])).status_code == 404
    assert client.get(reverse("accounts:receipt", args=[paul_basket.pk]), {"format": "pdf"}).status_code == 404
    # reading is not changing: the till stays the staff's
    assert client.post(reverse("accounts:pay", args=[story.basket.pk]), {"means": "cash", "amount": "1"}
                       ).status_code == 404


# --- Account lines that name their basket and day -------------------------------------------------


def test_each_account_line_names_its_basket_and_day(world, story, client_for):
    day = _day(story.basket)
    page = client_for(world.member_user).get(reverse("accounts:mine")).content.decode()
    story_url = reverse("accounts:my_basket", args=[story.basket.pk])
    assert f'<a href="{story_url}">Mon panier du {day}</a>' in page  # the list of her baskets
    assert f'<a href="{story_url}">Panier du {day}</a>' in page  # the account line of its charge
    assert f'<a href="{story_url}">Paiement en espèces du {day}</a>' in page  # and of its payment
    services.reopen_basket(basket=story.basket, by=world.volunteer)
    page = _text(client_for(world.member_user).get(reverse("accounts:mine")))
    assert f"Panier du {day}" in page and f"Paiement en espèces du {day}" in page
    assert f"Correction{NBSP}: panier du {day} rouvert" in page
    assert "écriture" not in page.lower() and "contre-passation" not in page.lower()
    assert ">Panier<" not in client_for(world.member_user).get(reverse("accounts:mine")).content.decode()
    staff_page = _text(client_for(world.coordinator).get(reverse("accounts:member", args=[world.member.pk])))
    assert f"Panier du {day}" in staff_page and f"Correction{NBSP}: panier du {day} rouvert" in staff_page


def test_the_statement_pdf_names_baskets_and_days(world, story, client_for, monkeypatch):
    monkeypatch.setattr("grappe.core.pdf.html_to_pdf", lambda html, base_url=None: html.encode())
    body = client_for(world.member_user).get(reverse("accounts:mine"), {"format": "pdf"}).content.decode()
    assert f"Panier du {_day(story.basket)}" in body and f"Paiement en espèces du {_day(story.basket)}" in body


def test_a_line_of_another_year_says_its_year(world, story):
    _opening, rows = queries.statement(world.member, today=story.day.date + dt.timedelta(days=400))
    assert rows[0][0].label == f"Panier du {date_format(story.day.date, 'j F Y')}".replace(" ", NBSP).replace(
        f"Panier{NBSP}du{NBSP}", "Panier du ")


def test_a_shortage_at_the_delivery_is_told_as_shared_between_everyone(world):
    """Two 25 kg sacks ordered for 50 kg; only 40 kg arrive: each of the four households gets less."""
    shop = make_cycle(world)
    others = [make_member(world, name=f"Foyer {n}") for n in range(3)]
    for member in [world.member, *others]:
        order_services.set_line(cycle=shop.cycle, member=member, product=shop.lentils, quantity=D("12.5"), by=None)
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    line = PurchaseLine.objects.get(purchase_order__cycle=shop.cycle, product=shop.lentils)
    order_services.record_receipt(purchase_order=line.purchase_order, by=world.coordinator,
                                  lines=[ReceivedLine(line.pk, D("40"))])
    distribution_services.create_distributions(cycle=shop.cycle, by=world.coordinator)
    basket = Basket.objects.select_related("distribution", "member").get(distribution__cycle=shop.cycle,
                                                                         member=world.member)
    (told,) = queries.basket_story(basket).lines
    assert (told.ordered, told.allotted) == (D("12.5"), D("10"))
    assert told.why == ("Il en manquait à la livraison\u00a0: ce qui est arrivé a été partagé entre tous "
                        "(2,5\u00a0kg de moins pour vous).")


def test_the_story_reads_a_fixed_number_of_queries_whatever_the_basket(world, story, django_assert_max_num_queries):
    basket = Basket.objects.select_related("distribution", "member").get(pk=story.basket.pk)
    with django_assert_max_num_queries(9):  # lines, order lines, prices, outcomes, deliveries, entries x2, fee, balance
        queries.basket_story(basket)


def test_the_cash_count_expects_the_fees_taken_and_says_so(world, newcomer, client_for):
    services.take_first_fee(basket=newcomer.basket, means=Means.CASH, by=world.volunteer)
    page = _text(client_for(world.volunteer).get(reverse("accounts:cash_count", args=[newcomer.day.pk])))
    assert f"dont cotisations{NBSP}: 1,00{NBSP}€" in page


def test_an_arabic_member_reads_her_receipt_pdf_in_arabic_with_extractable_text(world, story, client_for):
    """The PDF embeds a font with Arabic (fonts-noto-core): the text comes back out as Arabic letters,
    the product names as the catalogue has them."""
    import unicodedata
    from io import BytesIO

    from pypdf import PdfReader

    Member.objects.filter(pk=world.member.pk).update(language="ar")
    client = client_for(world.member_user)
    response = client.get(reverse("accounts:receipt", args=[story.basket.pk]), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = unicodedata.normalize("NFKC", "".join(
        page.extract_text() for page in PdfReader(BytesIO(response.content)).pages))
    assert re.search("[\u0600-\u06ff]{3}", text), text[:300]
    assert "الإيصال" in text or "الإيصال"[::-1] in text  # "Receipt"
    assert "Lentilles vertes" in text
