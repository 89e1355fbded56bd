"""Numbers at the edges of order entry, and the Enter key: what was seen on a real day."""

from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from grappe.core.errors import REFUSED
from grappe.orders import services
from grappe.orders.models import OrderLine
from grappe.orders.tests.factories import make_cycle_with_basket

pytestmark = pytest.mark.django_db

SEEN = ["NaN", "Infinity", "-Infinity", "1e30", "2.0000000001", "99999999999999999999", "٣", "３", "sNaN"]


@pytest.fixture
def shop(world):
    return make_cycle_with_basket(world)


def stored():
    return sorted(OrderLine.objects.values_list("product_id", "quantity", "tolerance"))


def order_pages(world, shop):
    return [(world.member_user, reverse("orders:basket", args=[shop.cycle.pk]), {}),
            (world.volunteer, reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk]), {"channel": "phone"}),
            (world.volunteer, reverse("orders:paper_entry", args=[shop.cycle.pk]),
             {"numero": world.member.number})]


@pytest.mark.parametrize("typed", SEEN)
def test_a_broken_number_is_refused_in_french_and_changes_nothing(world, shop, client_for, typed):
    before = stored()
    for user, url, extra in order_pages(world, shop):
        client = client_for(user)
        for field in ("q", "t"):
            response = client.post(url, {**extra, f"{field}-{shop.lentils.pk}": typed, f"q-{shop.oranges.pk}": "5",
                                         "save": "1"})
            text = response.content.decode()
            assert response.status_code == REFUSED, (url, field, typed)
            assert "Lentilles vertes\u00a0:" in text  # the French refusal names the product
            assert f'value="{typed}"' in text  # and what was typed is shown back
            assert 'value="5"' in text
            assert stored() == before


def test_the_refusal_says_what_is_wrong(world, shop, client_for):
    client = client_for(world.member_user)
    url = reverse("orders:basket", args=[shop.cycle.pk])
    text = client.post(url, {f"q-{shop.lentils.pk}": "٣", "save": "1"}).content.decode()
    assert "chiffres 0 à 9" in text
    text = client.post(url, {f"q-{shop.lentils.pk}": "2.0000000001", "save": "1"}).content.decode()
    assert "3 décimales au plus" in text


def test_a_french_decimal_comma_is_accepted_everywhere(world, shop, client_for):
    for user, url, extra in order_pages(world, shop):
        client_for(user).post(url, {**extra, f"q-{shop.lentils.pk}": "2,5", f"t-{shop.lentils.pk}": "1,5",
                                    "save": "1"})
        line = OrderLine.objects.get(product=shop.lentils)
        assert (line.quantity, line.tolerance) == (D("2.5"), D("1.5"))
        OrderLine.objects.filter(pk=line.pk).delete()


class SubmitButtons(HTMLParser):
    """The submit buttons of the first POST form, in document order (what a browser picks on Enter)."""

    def __init__(self):
        super().__init__()
        self.in_form, self.done, self.buttons = False, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and not self.done:
            self.in_form = True
        elif self.in_form and tag == "button" and attrs.get("type", "submit") == "submit":
            self.buttons.append((attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def enter_key_post(page_html, typed):
    """The POST a browser sends when Enter is pressed in a field: the fields, plus the name and value
    of the form's first submit button (its default button), if it has one."""
    parser = SubmitButtons()
    parser.feed(page_html)
    data = dict(typed)
    if parser.buttons and parser.buttons[0][0]:
        name, value = parser.buttons[0]
        data[name] = value
    return data


@pytest.mark.parametrize("page", ["basket", "on_behalf"])
def test_enter_saves_what_was_typed_and_nothing_else(world, shop, client_for, page):
    user, url, extra = order_pages(world, shop)[0 if page == "basket" else 1]
    client = client_for(user)
    html = client.get(url).content.decode()
    # the lentils come first on the page (first "−"); the member types 3 kg of oranges and presses Enter
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("5"),
                      by=world.member_user)
    data = enter_key_post(html, {**extra, f"q-{shop.lentils.pk}": "5", f"q-{shop.oil.pk}": "",
                                 f"q-{shop.oranges.pk}": "3"})
    client.post(url, data)
    assert dict(OrderLine.objects.values_list("product_id", "quantity")) == {shop.lentils.pk: D("5"),
                                                                            shop.oranges.pk: D("3")}


@pytest.mark.parametrize("page", [0, 1, 2])
def test_a_post_with_no_button_at_all_saves_what_was_typed(world, shop, client_for, page):
    user, url, extra = order_pages(world, shop)[page]
    client_for(user).post(url, {**extra, f"q-{shop.oranges.pk}": "4", **({"save": "1"} if page == 2 else {})})
    assert OrderLine.objects.get(product=shop.oranges).quantity == D("4")
