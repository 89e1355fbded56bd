"""Pages: a member's basket, orders on behalf and on paper, closing, purchase orders, receipt, stock."""

from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse

from grappe.orders import services
from grappe.orders.models import OrderChange, OrderCycle, OrderLine, PurchaseOrder, StockItem

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    return make_cycle(world)


def closed(world, shop):
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"), tolerance=D("5"),
                      by=world.member_user)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oil, quantity=D("4"), by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)


def test_member_sees_the_basket_with_prices_pack_note_and_bulk_note(world, shop, client_for):
    response = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Lentilles vertes" in text and "2,11" in text
    assert f'name="t-{shop.lentils.pk}"' in text  # tolerance only for pack products
    assert f'name="t-{shop.oranges.pk}"' not in text


def test_member_saves_a_basket_and_the_stepper_adds_one_step(world, shop, client_for):
    client = client_for(world.member_user)
    url = reverse("orders:basket", args=[shop.cycle.pk])
    client.post(url, {f"q-{shop.lentils.pk}": "2,5", f"t-{shop.lentils.pk}": "1", "save": "1"})
    client.post(url, {f"q-{shop.lentils.pk}": "2,5", f"t-{shop.lentils.pk}": "1", "plus": str(shop.lentils.pk)})
    line = OrderLine.objects.get()
    assert (line.quantity, line.tolerance) == (D("3"), D("1"))
    assert OrderChange.objects.filter(on_behalf=False, channel="online").count() == 2


def test_member_gets_a_french_refusal_for_a_wrong_step(world, shop, client_for):
    response = client_for(world.member_user).post(reverse("orders:basket", args=[shop.cycle.pk]),
                                                  {f"q-{shop.lentils.pk}": "0,3", "save": "1"}, follow=True)
    assert "0,5" in response.content.decode()
    assert not OrderLine.objects.exists()


def test_volunteer_orders_on_behalf_by_phone(world, shop, client_for):
    client = client_for(world.volunteer)
    url = reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk])
    client.post(url, {f"q-{shop.oil.pk}": "2", "channel": "phone", "save": "1"})
    change = OrderChange.objects.get()
    assert (change.by, change.on_behalf, change.channel) == (world.volunteer, True, "phone")


def test_paper_entry_by_member_number(world, shop, client_for):
    client = client_for(world.volunteer)
    url = reverse("orders:paper_entry", args=[shop.cycle.pk])
    page = client.get(url, {"numero": world.member.number})
    assert world.member.name in page.content.decode()
    client.post(url, {"numero": world.member.number, "save": "1", f"q-{shop.oranges.pk}": "3"})
    assert OrderLine.objects.get().quantity == 3
    assert OrderChange.objects.get().channel == "paper"


def test_paper_order_form_is_a_pdf_prefilled_with_the_member(world, shop, client_for):
    response = client_for(world.volunteer).get(
        reverse("orders:order_form_pdf", args=[shop.cycle.pk, world.group.pk]), {"adherent": world.member.pk})
    assert response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert world.member.name in text and "Lentilles vertes" in text


def test_coordinator_closes_reviews_changes_packs_and_confirms(world, shop, client_for):
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"), tolerance=D("5"),
                      by=world.member_user)
    client = client_for(world.admin)  # the cycle covers Romans and Die: changed by an admin or a coordinator of both
    client.post(reverse("orders:cycle_close", args=[shop.cycle.pk]), {"confirmed": "1"})
    review = reverse("orders:review", args=[shop.cycle.pk])
    page = client.post(review, {f"packs-{shop.lentils.pk}": "0", "recompute": "1"})
    assert page.status_code == 200 and OrderCycle.objects.get().status == "closed"
    client.post(review, {f"packs-{shop.lentils.pk}": "1", "confirm": "1", "confirmed": "1"})
    assert OrderCycle.objects.get().status == "ordered"
    assert OrderLine.objects.get().allotted == D("25")


def test_a_second_close_shows_a_message(world, shop, client_for):
    client = client_for(world.admin)
    client.post(reverse("orders:cycle_close", args=[shop.cycle.pk]), {"confirmed": "1"})
    response = client.post(reverse("orders:cycle_close", args=[shop.cycle.pk]), {"confirmed": "1"}, follow=True)
    assert "déjà" in response.content.decode() or "already" in response.content.decode()


def test_member_change_after_closing_is_refused_with_a_message(world, shop, client_for):
    closed(world, shop)
    response = client_for(world.member_user).post(reverse("orders:basket", args=[shop.cycle.pk]),
                                                  {f"q-{shop.lentils.pk}": "1", "save": "1"}, follow=True)
    assert "message-error" in response.content.decode()
    assert OrderLine.objects.get(product=shop.lentils).quantity == 20


def test_purchase_orders_pdf_csv_and_email(world, shop, client_for, django_capture_on_commit_callbacks):
    closed(world, shop)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    client = client_for(world.admin)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    assert client.get(reverse("orders:purchase_orders", args=[shop.cycle.pk])).status_code == 200
    assert client.get(reverse("orders:purchase_order_pdf", args=[po.pk]))["Content-Type"] == "application/pdf"
    csv_text = client.get(reverse("orders:purchase_order_csv", args=[po.pk])).content.decode("utf-8-sig")
    assert "LV25;Lentilles vertes;1" in csv_text
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves after the commit
        client.post(reverse("orders:purchase_order_send", args=[po.pk]))
    assert mail.outbox[0].to == ["ferme@example.org"] and mail.outbox[0].attachments[0][2] == "application/pdf"
    assert PurchaseOrder.objects.get(pk=po.pk).status == "sent"


def test_receipt_page_records_a_shortage(world, shop, client_for):
    closed(world, shop)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    line = po.lines.get()
    client_for(world.admin).post(reverse("orders:receipt", args=[po.pk]), {f"delivered-{line.pk}": "20",
                                                                                  f"damaged-{line.pk}": "0"})
    assert OrderLine.objects.get(product=shop.lentils).allotted == D("20")


def test_stock_adjustment_page(world, shop, client_for):
    client = client_for(world.coordinator)
    client.post(reverse("orders:stock"), {"group": world.group.pk, "product": shop.lentils.pk, "kind": "inventory",
                                          "quantity": "4", "reason": "inventaire"})
    assert StockItem.objects.get().quantity == 4
    assert client.get(reverse("orders:stock")).status_code == 200


def test_staff_pages_render(world, shop, client_for):
    client = client_for(world.coordinator)
    for name, args in [("orders:cycle_list", []), ("orders:cycle_detail", [shop.cycle.pk]),
                       ("orders:cycle_create", []), ("orders:paper_entry", [shop.cycle.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_coordinator_creates_and_opens_a_cycle(world, client_for):
    make_cycle(world)  # products offered in both groups
    client = client_for(world.admin)
    client.post(reverse("orders:cycle_create"), {
        "name": "Printemps", "opens_at": "2026-01-01T08:00", "closes_at": "2030-01-01T08:00",
        "distribution_date": "2030-01-05", "groups": [world.group.pk], "strategy": "fifo", "rounding": "fill"})
    cycle = OrderCycle.objects.get(name="Printemps")
    client.post(reverse("orders:cycle_open", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert (cycle.status, cycle.strategy, cycle.prices.count()) == ("open", "fifo", 3)


def test_member_menu_says_commander(world, shop, client_for):
    page = client_for(world.member_user).get(reverse("orders:my_orders"))
    assert reverse("orders:basket", args=[shop.cycle.pk]) in page.content.decode()


def test_outsider_gets_404_everywhere(world, shop, client_for):
    closed(world, shop)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator)
    po = PurchaseOrder.objects.first()
    client = client_for(world.outsider)
    pk = shop.cycle.pk
    urls = [reverse("orders:cycle_detail", args=[pk]), reverse("orders:basket", args=[pk]),
            reverse("orders:on_behalf", args=[pk, world.member.pk]), reverse("orders:paper_entry", args=[pk]),
            reverse("orders:order_form_pdf", args=[pk, world.group.pk]), reverse("orders:review", args=[pk]),
            reverse("orders:purchase_orders", args=[pk]), reverse("orders:purchase_order_pdf", args=[po.pk]),
            reverse("orders:purchase_order_csv", args=[po.pk]), reverse("orders:receipt", args=[po.pk]),
            reverse("orders:my_orders")]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [reverse("orders:cycle_close", args=[pk]), reverse("orders:purchase_order_send", args=[po.pk])]:
        assert client.post(url).status_code == 404, url


def test_member_cannot_reach_staff_pages(world, shop, client_for):
    client = client_for(world.member_user)
    assert client.get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).status_code == 404
    assert client.get(reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk])).status_code == 404


def test_volunteer_of_another_group_cannot_order_for_a_member(world, shop, client_for):
    other = make_member(world, group=world.other_group)
    url = reverse("orders:on_behalf", args=[shop.cycle.pk, other.pk])
    assert client_for(world.volunteer).get(url).status_code == 404


def test_basket_page_query_count_does_not_grow_with_the_products(world, shop, client_for, django_assert_max_num_queries):
    from grappe.catalogue.models import GroupSelection
    from grappe.catalogue.tests.factories import make_product
    from grappe.orders.models import CyclePrice

    for i in range(10):
        product = make_product(shop.farm, name=f"Produit {i}", reference=f"X{i}", pack_size=D("10"))
        GroupSelection.objects.create(group=world.group, product=product)
        CyclePrice.objects.create(cycle=shop.cycle, product=product, supplier=shop.farm, name=product.name, unit="kg",
                                  order_step=D("1"), pack_size=D("10"), pack_price_excl_vat=D("10"), vat_rate=D("5.5"),
                                  unit_cost=D("1"), price_priority=D("1"), price_solidarity=D("1"))
        services.set_line(cycle=shop.cycle, member=world.member, product=product, quantity=D("1"), by=world.member_user)
    client = client_for(world.member_user)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("orders:basket", args=[shop.cycle.pk])).status_code == 200


def test_the_review_lists_a_few_members_per_product_those_served_short_first(world, shop, client_for, monkeypatch):
    from grappe.members.models import Member
    from grappe.orders import views

    from .factories import make_member

    monkeypatch.setattr(views, "REVIEW_SHARES", 3)
    full = [make_member(world, name=f"Prioritaire {i}") for i in range(3)]
    short = [make_member(world, name=f"Solidaire {i}", category=Member.Category.SOLIDARITY) for i in range(2)]
    for member in full:
        services.set_line(cycle=shop.cycle, member=member, product=shop.lentils, quantity=D("5"), by=None)
    for member in short:
        services.set_line(cycle=shop.cycle, member=member, product=shop.lentils, quantity=D("10"), by=None)
    client = client_for(world.admin)
    client.post(reverse("orders:cycle_close", args=[shop.cycle.pk]), {"confirmed": "1"})
    # one sack of 25 kg for 35 kg: priority households served in full (15 kg), the two others share 10 kg
    page = client.post(reverse("orders:review", args=[shop.cycle.pk]),
                       {f"packs-{shop.lentils.pk}": "1", "recompute": "1"}).content.decode()
    assert "Ce que reçoivent 5 adhérents" in page and "Et 2 autres adhérents" in page
    assert "Solidaire 0" in page and "Solidaire 1" in page
    assert sum(f"Prioritaire {i}" in page for i in range(3)) == 1


def test_a_pooled_cycles_dispatch_plan_is_shown_one_group_at_a_time(world, shop, client_for, monkeypatch):
    from grappe.orders import views

    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("25"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    client = client_for(world.admin)
    url = reverse("orders:purchase_orders", args=[shop.cycle.pk])
    assert "Lentilles vertes</td>" in client.get(url).content.decode()  # two groups: the whole plan
    monkeypatch.setattr(views, "DISPATCH_GROUPS_AT_ONCE", 1)
    page = client.get(url).content.decode()
    assert "choisissez-en un" in page and "Lentilles vertes</td>" not in page
    page = client.get(url, {"groupe": world.group.pk}).content.decode()
    assert "Lentilles vertes</td>" in page and f"?groupe={world.group.pk}" in page
    assert "Lentilles vertes</td>" not in client.get(url, {"groupe": world.other_group.pk}).content.decode()


def test_the_loading_list_of_one_group(world, shop, client_for):
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("25"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    url = reverse("distribution:loading", args=[shop.cycle.pk])
    response = client_for(world.admin).get(url, {"groupe": world.group.pk})
    assert response["Content-Type"] == "application/pdf"
    assert client_for(world.admin).get(url, {"groupe": world.elsewhere_group.pk}).status_code == 404
