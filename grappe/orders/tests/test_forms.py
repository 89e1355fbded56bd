"""The forms of the orders pages: numbers read the French way and bounded, refusals in French, and a
refused page shown again with what was typed (status 422, never a redirect)."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core import numbers
from grappe.orders import services, views
from grappe.orders.forms import BasketForm, CycleForm, PacksField, ReviewForm, StockAdjustmentForm
from grappe.orders.models import OrderCycle, OrderLine, PurchaseOrder, StockItem

from .factories import make_cycle

pytestmark = pytest.mark.django_db


def price(pid, step="1"):
    return SimpleNamespace(product_id=pid, name=f"Produit {pid}", order_step=D(step))


PRICES = [price(1, "0.5"), price(2)]


def basket_form(data, **kwargs):
    form = BasketForm(data, prices=PRICES, **kwargs)
    form.is_valid()
    return form


@pytest.fixture
def shop(world):
    return make_cycle(world)


def closed(world, shop):
    """20 kg of lentils (+ 5 kg tolerance) ordered, and the cycle closed: one 25 kg sack proposed."""
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"),
                      tolerance=D("5"), by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)


# --- the forms alone ------------------------------------------------------------------------------


def test_a_basket_reads_a_decimal_comma_and_an_empty_box_as_zero():
    form = basket_form({"q-1": "2,5", "t-1": "", "q-2": "3"})
    assert form.is_valid() and form.refusals() == []
    assert form.wanted() == {1: (D("2.5"), D("0")), 2: (D("3"), D("0"))}


@pytest.mark.parametrize("typed", ["-1", "1e30", "NaN", "2.0000000001", "٣", str(numbers.QUANTITY_MAX + 1)])
def test_a_basket_refuses_a_number_out_of_bounds_naming_the_product_in_french(typed):
    form = basket_form({"q-1": typed, "q-2": "3"})
    assert not form.is_valid()
    [refusal] = form.refusals()
    assert refusal.startswith("Produit 1\u00a0:")
    assert form.wanted() == {2: (D("3"), D("0"))}  # the other products are read
    assert form.typed()[1] == (typed, None)  # and the box is shown back as typed


def test_the_stepper_adds_and_removes_one_step_never_below_zero_nor_above_the_bound():
    assert basket_form({"q-1": "2", "plus": "1"}).wanted()[1] == (D("2.5"), D("0"))
    assert basket_form({"q-1": "0,2", "minus": "1"}).wanted()[1] == (D("0"), D("0"))
    top = str(numbers.QUANTITY_MAX)
    assert basket_form({"q-2": top, "plus": "2"}).wanted()[2] == (numbers.QUANTITY_MAX, D("0"))
    stepped = basket_form({"q-1": "2", "plus": "1"})
    assert stepped.stepped == "1" and stepped.typed()[1] == (None, None)  # the new quantity is shown


def test_only_an_order_on_behalf_reads_the_channel():
    assert "channel" not in basket_form({"channel": "phone"}).cleaned_data
    assert basket_form({"channel": "phone"}, on_behalf=True).cleaned_data["channel"] == "phone"
    assert not basket_form({"channel": "online"}, on_behalf=True).is_valid()


@pytest.mark.parametrize(("typed", "packs"), [("2", D("2")), ("2,0", D("2")), ("", None), ("0", D("0"))])
def test_a_number_of_packs_is_read_the_french_way(typed, packs):
    assert PacksField(required=False).clean(typed) == packs


@pytest.mark.parametrize("typed", ["1,5", "-1", "deux", "NaN", "1e30"])
def test_a_number_of_packs_is_a_whole_number_0_or_more(typed):
    form = ReviewForm({"packs-7": typed}, product_ids=[7])
    assert not form.is_valid()
    assert form.errors["packs-7"] == ["Un nombre de conditionnements est un nombre entier, 0 ou plus."]
    assert form.typed_packs() == {7: typed} and form.packs() == {}


def test_a_cycle_needs_its_name_times_and_day_and_reads_local_times():
    form = CycleForm({"name": "  ", "opens_at": "2030-01-01T08:00", "closes_at": "2030-01-02T08:00",
                      "distribution_date": "2030-01-05"})
    assert not form.is_valid()
    assert form.non_field_errors() == ["Indiquez le nom, les dates d’ouverture et de clôture et la date de "
                                       "distribution."]
    form = CycleForm({"name": "Printemps", "opens_at": "2030-01-01T08:00", "closes_at": "2030-01-02T08:00",
                      "distribution_date": "2030-01-05"})
    assert form.is_valid()
    opens_at = form.cleaned_data["opens_at"]
    assert timezone.is_aware(opens_at) and timezone.localtime(opens_at).hour == 8


def test_a_stock_adjustment_chooses_among_the_users_groups_and_products(world, shop):
    form = StockAdjustmentForm({"group": world.other_group.pk, "product": shop.lentils.pk, "kind": "inventory",
                                "quantity": "4,5"}, groups=[world.group], products=[shop.lentils])
    assert not form.is_valid() and "group" in form.errors
    form = StockAdjustmentForm({"group": world.group.pk, "product": shop.lentils.pk, "kind": "loss",
                                "quantity": "4,5"}, groups=[world.group], products=[shop.lentils])
    assert form.is_valid() and form.chosen() == (world.group, shop.lentils)
    assert form.cleaned_data["quantity"] == D("4.5")


# --- refused pages: shown again as typed, 422 -----------------------------------------------------


def test_a_refused_cycle_is_shown_again_as_typed(world, client_for):
    response = client_for(world.admin).post(reverse("orders:cycle_create"), {
        "name": "Printemps", "opens_at": "demain", "closes_at": "2030-01-01T08:00",
        "distribution_date": "2030-01-05", "groups": [world.group.pk], "strategy": "fifo"})
    text = response.content.decode()
    assert response.status_code == 422
    assert 'value="Printemps"' in text and 'value="demain"' in text and 'value="2030-01-05"' in text
    assert f'value="{world.group.pk}" checked' in text and '<option value="fifo" selected' in text
    assert not OrderCycle.objects.filter(name="Printemps").exists()


def test_a_refused_extension_shows_the_cycle_again_not_a_redirect(world, shop, client_for):
    before = OrderCycle.objects.get(pk=shop.cycle.pk).closes_at
    response = client_for(world.admin).post(reverse("orders:cycle_extend", args=[shop.cycle.pk]),
                                            {"closes_at": "bientôt"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "Indiquez la nouvelle date et heure de clôture." in text
    assert 'value="bientôt"' in text
    assert OrderCycle.objects.get(pk=shop.cycle.pk).closes_at == before


def test_refused_packs_are_shown_again_as_typed_and_nothing_is_confirmed(world, shop, client_for):
    closed(world, shop)
    response = client_for(world.admin).post(reverse("orders:review", args=[shop.cycle.pk]),
                                            {f"packs-{shop.lentils.pk}": "1,5", "confirm": "1"})
    text = response.content.decode()
    assert response.status_code == 422
    assert 'value="1,5"' in text and "nombre entier" in text
    assert OrderCycle.objects.get(pk=shop.cycle.pk).status == OrderCycle.Status.CLOSED


def test_the_review_computes_the_plan_once_and_leaves_the_confirmation_to_the_service(world, shop, client_for,
                                                                                    monkeypatch):
    closed(world, shop)
    calls = []
    real = views.compute_plan
    monkeypatch.setattr(views, "compute_plan", lambda *args, **kwargs: calls.append(kwargs) or real(*args, **kwargs))
    client = client_for(world.admin)
    url = reverse("orders:review", args=[shop.cycle.pk])
    assert client.post(url, {f"packs-{shop.lentils.pk}": "2", "recompute": "1"}).status_code == 200
    assert len(calls) == 1 and calls[0]["packs"] == {shop.lentils.pk: D("2")}
    calls.clear()
    assert client.post(url, {f"packs-{shop.lentils.pk}": "2", "confirm": "1", "confirmed": "1"}).status_code == 302
    assert calls == [] and OrderCycle.objects.get(pk=shop.cycle.pk).status == OrderCycle.Status.ORDERED


def test_a_refused_receipt_is_shown_again_as_typed_and_records_nothing(world, shop, client_for):
    closed(world, shop)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    line = po.lines.get()
    response = client_for(world.admin).post(reverse("orders:receipt", args=[po.pk]), {
        f"delivered-{line.pk}": "vingt", f"damaged-{line.pk}": "0,5", f"note-{line.pk}": "sac percé"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "Lentilles vertes\u00a0:" in text
    assert 'value="vingt"' in text and 'value="0,5"' in text and 'value="sac percé"' in text
    assert OrderLine.objects.get(product=shop.lentils).allotted == D("25")


def test_a_refused_stock_adjustment_is_shown_again_as_typed(world, shop, client_for):
    response = client_for(world.coordinator).post(reverse("orders:stock"), {
        "group": world.group.pk, "product": shop.lentils.pk, "kind": "loss", "quantity": "2,5",
        "reason": "souris"})
    text = response.content.decode()
    assert response.status_code == 422  # a loss larger than the stock (none)
    assert 'value="2,5"' in text and 'value="souris"' in text
    assert f'<option value="{shop.lentils.pk}" selected' in text and '<option value="loss" selected' in text
    assert not StockItem.objects.filter(quantity__gt=0).exists()
