"""An open cycle seen while it runs: the packs its page shows are the packs closing buys; per
supplier, the minimum order and free delivery; products in the catalogue's family order."""

import re
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from grappe.catalogue.models import Family, family_rank
from grappe.catalogue.tests.factories import make_product
from grappe.orders import services
from grappe.orders.models import ProductOutcome, PurchaseLine, PurchaseOrder, StockItem

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


def _order(world, shop, member, product, quantity, tolerance="0"):
    services.set_line(cycle=shop.cycle, member=member, product=product, quantity=D(quantity), tolerance=D(tolerance),
                      by=world.coordinator, channel="phone")


def _page_figures(client, cycle):
    """Per product id, the plan the cycle's page shows (its context: what the template prints)."""
    response = client.get(reverse("orders:cycle_detail", args=[cycle.pk]))
    assert response.status_code == 200
    progress = response.context["progress"]
    rows = {row["plan"].price.product_id: row for entry in progress for row in entry["rows"]}
    suppliers = {entry["plan"].supplier.pk: entry["plan"] for entry in progress}
    return response, rows, suppliers


@pytest.mark.parametrize("rounding", ["fill", "up", "down"])
def test_the_packs_the_open_cycle_shows_are_the_packs_closing_buys(world, client_for, rounding):
    shop = make_cycle(world, rounding=rounding)
    # a product with a minimum of 2 packs per order, of the mill
    flour = make_product(shop.mill, name="Farine T80", reference="F80", pack_size=D("10"), pack_price_excl_vat=D("15.00"),
                         order_step=D("1"), family=Family.BAKERY, minimum_packs=2)
    from grappe.catalogue.models import GroupSelection
    from grappe.orders.models import CyclePrice
    GroupSelection.objects.get_or_create(group=world.group, product=flour)
    source = CyclePrice.objects.filter(cycle=shop.cycle, product=shop.lentils).get()
    CyclePrice.objects.create(cycle=shop.cycle, product=flour, supplier=shop.mill, name=flour.name,
                              family=flour.family, unit="kg", order_step=D("1"), pack_size=D("10"), minimum_packs=2,
                              pack_price_excl_vat=D("15.00"), vat_rate=D("5.50"), unit_cost=source.unit_cost,
                              price_priority=source.price_priority, price_solidarity=source.price_solidarity)
    others = [make_member(world) for _ in range(3)]
    # lentils (25 kg): 20 + 13 + 1 firm, and "up to" 10 + 8 more: a second pack hinges on the extras
    _order(world, shop, world.member, shop.lentils, "20", "10")
    _order(world, shop, others[0], shop.lentils, "13", "8")
    _order(world, shop, others[1], shop.lentils, "1", "0")
    # oil (cartons of 6): 4 + 3 = 7, no extras; 2 in the group's stock are served first
    _order(world, shop, world.member, shop.oil, "4")
    _order(world, shop, others[2], shop.oil, "3")
    StockItem.objects.create(group=world.group, product=shop.oil, quantity=D("2"))
    # flour: 12 firm + 9 extras, against a minimum of 2 packs of 10
    _order(world, shop, others[1], flour, "12", "9")
    # oranges by weight
    _order(world, shop, others[2], shop.oranges, "3")

    client = client_for(world.coordinator)
    _response, shown, suppliers = _page_figures(client, shop.cycle)
    assert set(shown) == {shop.lentils.pk, shop.oil.pk, flour.pk, shop.oranges.pk}

    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)

    outcomes = {o.product_id: o for o in ProductOutcome.objects.filter(cycle=shop.cycle)}
    bought = {line.product_id: line.packs for line in PurchaseLine.objects.filter(purchase_order__cycle=shop.cycle)}
    for pid, row in shown.items():
        plan = row["plan"]
        assert plan.packs == outcomes[pid].proposed_packs, pid
        assert plan.packs == bought.get(pid, D("0")), pid
        assert plan.from_stock == outcomes[pid].from_stock, pid
        assert row["progress"].bought == plan.bought
    for po in PurchaseOrder.objects.filter(cycle=shop.cycle):
        shown_supplier = suppliers[po.supplier_id]
        assert (shown_supplier.amount_excl_vat, shown_supplier.packs) == (po.total_excl_vat, po.packs)
        assert (shown_supplier.below_minimum, shown_supplier.free_delivery) == (po.below_minimum, po.free_delivery)
    if rounding == "fill":  # the hand-checked figures of this example
        assert shown[shop.lentils.pk]["plan"].packs == 2  # 34 firm (9 over a pack) + 18 extras: the second pack is filled by them
        assert shown[shop.lentils.pk]["progress"].from_extras == 16
        assert shown[shop.oil.pk]["plan"].packs == 0 and shown[shop.oil.pk]["progress"].missing == 1  # 5 after stock
        assert shown[flour.pk]["plan"].packs == 2  # the minimum, reached with the extras


def test_the_page_says_what_is_missing_who_offered_extras_and_the_supplier_thresholds(world, client_for):
    shop = make_cycle(world)  # the farm: minimum 100 EUR, free delivery from 300 EUR
    neighbour = make_member(world, name="Zoé Martin")
    _order(world, shop, world.member, shop.lentils, "30", "2")  # 30 firm: 1 pack, 20 missing for the 2nd
    _order(world, shop, neighbour, shop.lentils, "5", "3")
    response, shown, suppliers = _page_figures(client_for(world.coordinator), shop.cycle)
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("\u00a0", " ").split())
    row = shown[shop.lentils.pk]
    assert row["plan"].packs == 1 and row["progress"].missing == D("15") and row["progress"].short == D("10")
    assert "Où en sont les commandes" in text
    assert "il manque 15 kg pour remplir un conditionnement de plus ; sinon 10 kg commandés" in text
    assert "Zoé Martin (3 kg)" in text.replace("( ", "(")  # the largest "up to" first
    assert "couvrent 5 kg" in text
    farm = suppliers[shop.farm.pk]
    assert farm.amount_excl_vat == D("50.00") and farm.below_minimum
    assert "il manque 50,00" in text  # to the minimum order
    assert "il manque 250,00" in text  # to free delivery
    assert "sous le minimum de commande" in text


def test_volunteers_and_closed_cycles_do_not_get_the_preview(world, client_for):
    shop = make_cycle(world)
    _order(world, shop, world.member, shop.lentils, "30", "2")
    volunteer_page = client_for(world.volunteer).get(reverse("orders:cycle_detail", args=[shop.cycle.pk]))
    assert volunteer_page.context["progress"] is None
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    closed_page = client_for(world.coordinator).get(reverse("orders:cycle_detail", args=[shop.cycle.pk]))
    assert closed_page.context["progress"] is None
    assert "Où en sont les commandes" not in closed_page.content.decode()


def test_members_of_groups_out_of_reach_are_counted_not_named(world, client_for):
    shop = make_cycle(world)
    far = make_member(world, group=world.other_group, name="Personne Lointaine")
    _order(world, shop, far, shop.lentils, "10", "3")
    response, shown, _suppliers = _page_figures(client_for(world.coordinator), shop.cycle)
    row = shown[shop.lentils.pk]
    assert world.other_group not in set(response.wsgi_request.scope.groups())  # Romans' coordinator
    assert row["progress"].short and row["extras"] == [] and row["extras_others"] == 1
    assert "Personne Lointaine" not in response.content.decode()


def test_products_follow_the_catalogue_family_order_not_the_codes(world, client_for):
    shop = make_cycle(world)  # lentils (pulses), oil (oils), oranges (fruit): "fruit" < "oils" < "pulses"
    assert family_rank(Family.PULSES) < family_rank(Family.OILS) < family_rank(Family.FRUIT)
    client = client_for(world.coordinator)
    names = ["Lentilles vertes", "Huile d&#x27;olive 1 L", "Oranges"]

    def in_order(text):
        places = [text.index(name) for name in names]
        return places == sorted(places)

    paper = client.get(reverse("orders:paper_entry", args=[shop.cycle.pk]), {"numero": world.member.number})
    assert in_order(paper.content.decode())
    behalf = client.get(reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk]))
    assert in_order(behalf.content.decode())
    pdf = client.get(reverse("orders:order_form_pdf", args=[shop.cycle.pk, world.group.pk]))
    pdf_text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    places = [pdf_text.index(name) for name in ["Lentilles vertes", "Huile d'olive 1 L", "Oranges"]]
    assert places == sorted(places)
    basket = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk]))
    assert in_order(basket.content.decode())
    client = client_for(world.coordinator)
    for product, quantity in ((shop.oranges, "3"), (shop.oil, "4"), (shop.lentils, "25")):
        _order(world, shop, world.member, product, quantity)
    progress_page = client.get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert progress_page.index("Lentilles vertes") < progress_page.index("Oranges")  # one supplier, two families
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    review = client_for(world.admin).get(reverse("orders:review", args=[shop.cycle.pk])).content.decode()
    assert in_order(review)


def test_the_supplier_purchase_order_does_not_print_the_minimum_not_reached(world, client_for):
    shop = make_cycle(world)
    _order(world, shop, world.member, shop.lentils, "25")  # 50 EUR: under the farm's 100 EUR
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    assert po.below_minimum  # the coordinator's pages say it
    client = client_for(world.coordinator)
    pdf = client.get(reverse("orders:purchase_order_pdf", args=[po.pk]))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "minimum" not in text.lower()
    assert "minimum" in client.get(reverse("orders:purchase_orders", args=[shop.cycle.pk])).content.decode()
