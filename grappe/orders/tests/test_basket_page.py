"""The member's basket page (issue 13): the distribution and the basket first, the catalogue folded
by family, "+" and "−" with htmx (a fragment) and without JavaScript (a redirect), refusals next to
the product (422, as typed), a closed cycle without hints nor steppers, a bounded number of
queries whatever the cycle's size, the same "when and where" everywhere, pages compressed."""

import datetime
import gzip
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grappe.core.errors import REFUSED
from grappe.core.money import format_euros
from grappe.orders import services
from grappe.orders.models import CycleGroup, OrderCycle, OrderLine
from grappe.orders.queries import basket_total
from grappe.orders.tests.factories import make_cycle_with_basket, make_member

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shop(world):
    shop = make_cycle_with_basket(world)
    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(time="16h30 - 18h30")
    return shop


def basket_url(shop):
    return reverse("orders:basket", args=[shop.cycle.pk])


def quantity_of(member, product):
    return OrderLine.objects.get(order__member=member, product=product).quantity


def test_a_plus_with_htmx_answers_the_product_and_the_summary_only(world, shop, client_for):
    client = client_for(world.member_user)
    response = client.post(basket_url(shop), {"plus": shop.oranges.pk, f"q-{shop.oranges.pk}": "2"}, **HX)
    text = response.content.decode()
    assert response.status_code == 200
    assert quantity_of(world.member, shop.oranges) == D("3")
    assert text.lstrip().startswith(f'<section class="product" id="p-{shop.oranges.pk}"')
    assert 'id="basket-summary" aria-labelledby="summary-title" aria-live="polite" hx-swap-oob="true"' in text
    assert "Panier mis à jour." in text.split('id="basket-summary"')[0]  # next to the product
    total = format_euros(basket_total(OrderLine.objects.filter(order__member=world.member)))
    assert re.search(f'id="basket-total"[^>]*>{total}<', text) and total != format_euros(D("0"))
    assert f'id="p-{shop.lentils.pk}"' not in text and "<html" not in text
    assert len(response.content) < 8000


def test_a_tap_posts_its_own_product_only_and_leaves_the_others(world, shop, client_for):
    client = client_for(world.member_user)
    client.post(basket_url(shop), {"plus": shop.lentils.pk, f"q-{shop.lentils.pk}": "", f"t-{shop.lentils.pk}": ""},
                **HX)
    assert quantity_of(world.member, shop.lentils) == D("0.5")
    assert quantity_of(world.member, shop.oranges) == D("2")  # its box was not posted: kept


def test_a_plus_without_javascript_saves_and_comes_back_to_the_product(world, shop, client_for):
    client = client_for(world.member_user)
    data = {f"q-{p.pk}": "" for p in (shop.lentils, shop.oil)} | {f"q-{shop.oranges.pk}": "2", "plus": shop.oranges.pk}
    response = client.post(basket_url(shop), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#p-{shop.oranges.pk}")
    assert quantity_of(world.member, shop.oranges) == D("3")
    text = client.get(response["Location"]).content.decode()
    box = text.split(f'id="p-{shop.oranges.pk}"')[1].split("</section>")[0]
    assert "Panier mis à jour." in box  # next to the product, whose family is open
    assert '<details class="card family" id="f-fruit" open>' in text
    assert "Panier mis à jour." not in client.get(basket_url(shop)).content.decode()  # said once


def test_a_refused_tap_with_htmx_is_422_with_what_was_typed_next_to_the_product(world, shop, client_for):
    client = client_for(world.member_user)
    response = client.post(basket_url(shop), {"plus": shop.lentils.pk, f"q-{shop.lentils.pk}": "2,0000001"}, **HX)
    text = response.content.decode()
    assert response.status_code == REFUSED
    assert 'value="2,0000001"' in text
    assert "tap-refused" in text and "3 décimales au plus" in text
    assert not OrderLine.objects.filter(order__member=world.member, product=shop.lentils).exists()
    response = client.post(basket_url(shop), {"plus": shop.oil.pk, f"q-{shop.oil.pk}": "4"}, **HX)  # at most 4
    assert response.status_code == REFUSED
    assert 'value="4"' in response.content.decode()  # as typed, not the 5 the "+" asked


def test_the_first_screen_shows_the_basket_not_every_product(world, shop, client_for):
    text = client_for(world.member_user).get(basket_url(shop)).content.decode()
    summary = text.split('id="basket-summary"')[1].split("</section>")[0]
    assert "Oranges" in summary and "Lentilles" not in summary
    assert "Sous-total\u00a0: 0,00" not in text and "Sous-total : 0,00" not in text
    assert text.count("<details class=\"card family") == 3 and " open>" not in text  # three families, folded
    assert text.index('id="basket-summary"') < text.index('<details class="card family')


def test_the_search_opens_the_families_that_match(world, shop, client_for):
    text = client_for(world.member_user).get(basket_url(shop), {"q": "LENTILLES"}).content.decode()
    assert f'id="p-{shop.lentils.pk}"' in text and f'id="p-{shop.oranges.pk}"' not in text
    assert text.count('<details class="card family') == 1 and " open>" in text


def test_a_closed_cycle_shows_what_was_ordered_only(world, shop, client_for):
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(status=OrderCycle.Status.CLOSED)
    text = client_for(world.member_user).get(basket_url(shop)).content.decode()
    assert "Oranges" in text
    assert "Lentilles" not in text  # not ordered: no catalogue
    assert "step-button" not in text and '<details class="card family' not in text and "pack-note" not in text
    assert "htmx.min.js" not in text


def test_after_the_distribution_no_future_tense(world, shop, client_for):
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(status=OrderCycle.Status.SETTLED)
    OrderLine.objects.filter(order__member=world.member).update(allotted=D("2"))
    CycleGroup.objects.filter(cycle=shop.cycle).update(distribution_date=datetime.date(2020, 1, 10))
    text = client_for(world.member_user).get(basket_url(shop)).content.decode()
    assert "recevrez" not in text
    assert "Total commandé" in text and "Total de ce qui vous a été attribué" in text
    # the rest of the story (weighed, charged, paid) is told from her account
    assert f'<a href="{reverse("accounts:mine")}">Ce que vous avez reçu et payé, étape par étape</a>' in text


def lines_of_others(world, shop, count):
    for i in range(count):
        member = make_member(world, name=f"Voisin {i}")
        services.place_order(cycle=shop.cycle, member=member, by=None, lines=[
            services.LineChange(shop.lentils.pk, D("0.5") * (i % 3 + 1), D("0")),
            services.LineChange(shop.oranges.pk, D("1"), D("0"))])


def test_the_basket_reads_a_fixed_number_of_queries_whatever_the_cycle(world, shop, client_for):
    client = client_for(world.member_user)
    client.get(basket_url(shop))
    counts = []
    for others in (1, 12):
        lines_of_others(world, shop, others)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(basket_url(shop)).status_code == 200
        counts.append(len(queries))
        assert not any("SUM" in q["sql"] and "product_id\" IN" not in q["sql"] for q in queries.captured_queries)
    assert counts[0] == counts[1]


def test_the_basket_pages_stay_within_their_queries(world, shop, client_for, django_assert_max_num_queries):
    lines_of_others(world, shop, 5)
    client = client_for(world.member_user)
    with django_assert_max_num_queries(20):
        client.get(basket_url(shop))
    with django_assert_max_num_queries(40):  # place_order's own: locks, increments, history
        client.post(basket_url(shop), {"plus": shop.oranges.pk, f"q-{shop.oranges.pk}": "2"}, **HX)


def when_where(text):
    return re.search(r'<p class="when-where">.*?</p>', text, re.S).group(0)


def test_when_and_where_is_the_same_on_the_basket_and_my_orders(world, shop, client_for):
    client = client_for(world.member_user)
    basket = when_where(client.get(basket_url(shop)).content.decode())
    mine = when_where(client.get(reverse("orders:my_orders")).content.decode())
    assert basket == mine
    assert "de 16\u00a0h\u00a030 à 18\u00a0h\u00a030" in basket and "Salle des fêtes" in basket


def test_the_home_says_the_scheduled_distribution(world, shop, client_for):
    from grappe.orders.tasks import home_tasks

    other = make_member(world)
    tasks = home_tasks(type("Scope", (), {"is_coordinator": False, "is_staff": False, "member": other})(),
                       timezone.localdate())
    assert any("de 16\u00a0h\u00a030 à 18\u00a0h\u00a030" in task.text and task.kind == "distribution" for task in tasks)


def test_pages_are_compressed(world, shop, client_for):
    response = client_for(world.member_user).get(basket_url(shop), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"basket-summary" in gzip.decompress(response.content)


def test_an_order_on_behalf_still_works_with_a_tap(world, shop, client_for):
    url = reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk])
    client = client_for(world.volunteer)
    response = client.post(url, {"plus": shop.oranges.pk, f"q-{shop.oranges.pk}": "2", "channel": "phone"}, **HX)
    assert response.status_code == 200
    assert quantity_of(world.member, shop.oranges) == D("3")
    assert "Dans le panier" in response.content.decode()


def test_a_new_member_is_told_the_first_fee_is_paid_at_the_distribution(world, shop, client_for):
    from grappe.members.models import Membership

    Membership.objects.filter(member=world.member).delete()  # never paid; the association defers the first fee
    assert world.association.first_fee_at_first_distribution
    text = client_for(world.member_user).get(basket_url(shop)).content.decode()
    assert "se paie à la distribution" in text
    assert "doit être payée avant de commander" not in text and "must be paid before ordering" not in text
    type(world.association).objects.filter(pk=world.association.pk).update(first_fee_at_first_distribution=False)
    text = client_for(world.member_user).get(basket_url(shop)).content.decode()
    assert "se paie à la distribution" not in text
    assert "message-error" in text  # ordering is really refused: said so


def test_a_tap_updates_the_count_of_its_family(world, shop, client_for):
    text = client_for(world.member_user).post(basket_url(shop), {"plus": shop.oil.pk, f"q-{shop.oil.pk}": ""},
                                              **HX).content.decode()
    assert '<span id="fc-oils" hx-swap-oob="true">' in text and "1 choisi" in text
