import uuid
from decimal import Decimal

import pytest

from grappe.distribution.models import BasketLine
from grappe.distribution.tests.factories import make_day

pytestmark = pytest.mark.django_db



@pytest.fixture
def day(world):
    return make_day(world)


def test_volunteer_weighs_collects_and_pays_through_the_api(world, day, api):
    [found] = api(world.volunteer, "get", f"/distributions/{day.day.pk}/baskets?q={day.jeanne.number}").json()
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    basket = api(world.volunteer, "post", f"/baskets/{found['id']}/served",
                 data={"served": {str(lentils.pk): "5.3"}}).json()
    assert [line["served"] for line in basket["lines"] if line["id"] == lentils.pk] == ["5.300"]
    assert api(world.volunteer, "post", f"/baskets/{found['id']}/served",
               data={"served": {str(lentils.pk): "9"}}).status_code == 422
    account = api(world.volunteer, "post", f"/baskets/{found['id']}/collect").json()
    due = -Decimal(account["balance"])
    key = str(uuid.uuid4())
    payload = {"key": key, "means": "cash", "amount": str(due)}
    assert api(world.volunteer, "post", f"/baskets/{found['id']}/payments", data=payload).status_code == 201
    assert api(world.volunteer, "post", f"/baskets/{found['id']}/payments", data=payload).status_code == 201
    assert api(world.coordinator, "get", f"/accounts/{day.jeanne.pk}").json()["balance"] == "0.00"
    assert api(world.member_user, "get", "/me/account").json()["balance"] == "0.00"


def test_a_paid_basket_takes_no_second_payment_through_the_api_unless_an_advance(world, day, api):
    account = api(world.volunteer, "post", f"/baskets/{day.jeanne_basket.pk}/collect").json()
    due = -Decimal(account["balance"])
    url = f"/baskets/{day.jeanne_basket.pk}/payments"
    over = {"key": str(uuid.uuid4()), "means": "cash", "amount": str(due + 10)}
    assert api(world.volunteer, "post", url, data=over).status_code == 422
    paid = {"key": str(uuid.uuid4()), "means": "cash", "amount": str(due)}
    assert api(world.volunteer, "post", url, data=paid).status_code == 201
    again = {"key": str(uuid.uuid4()), "means": "cash", "amount": str(due)}
    assert api(world.volunteer, "post", url, data=again).status_code == 422
    advance = {"key": str(uuid.uuid4()), "means": "cash", "amount": "10", "advance": True}
    assert api(world.volunteer, "post", url, data=advance).status_code == 201
    assert api(world.coordinator, "get", f"/accounts/{day.jeanne.pk}").json()["balance"] == "10.00"


def test_outsider_gets_404_on_every_distribution_and_account_endpoint(world, day, api):
    d, b, m = day.day.pk, day.jeanne_basket.pk, day.jeanne.pk
    for method, path in [("get", f"/distributions/{d}"), ("get", f"/distributions/{d}/baskets"),
                         ("get", f"/baskets/{b}"), ("post", f"/baskets/{b}/collect"), ("get", f"/accounts/{m}"),
                         ("get", "/me/account")]:
        assert api(world.outsider, method, path).status_code == 404, path
    assert api(world.outsider, "post", f"/baskets/{b}/served", data={"served": {}}).status_code == 404
    assert api(world.outsider, "post", f"/baskets/{b}/payments",
               data={"key": str(uuid.uuid4()), "means": "cash", "amount": "1"}).status_code == 404
    assert api(world.outsider, "get", "/distributions").json() == []
