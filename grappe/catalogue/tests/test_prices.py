"""Price history, the price at a date and members' prices in bulk."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grappe.catalogue import services
from grappe.catalogue.models import PriceChange, PriceTier
from grappe.catalogue.queries import current_prices, price_at
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.members.models import Member

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_new_product_has_its_first_price_in_the_history():
    product = make_product()
    change = product.price_changes.get()
    assert change.source == PriceChange.Source.INITIAL
    assert (change.pack_price_excl_vat, change.vat_rate) == (D("52.50"), D("5.50"))


def test_a_price_change_adds_a_row_and_the_old_price_stays_at_its_date():
    product = make_product()
    before = timezone.now()
    services.change_price(by=None, product=product, pack_price_excl_vat=D("55.00"))
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("55.00")
    assert product.price_changes.count() == 2
    assert price_at(product, before) == (D("52.50"), D("5.50"))
    assert price_at(product) == (D("55.00"), D("5.50"))


def test_the_same_price_again_records_nothing():
    product = make_product()
    assert services.change_price(by=None, product=product, pack_price_excl_vat=D("52.50")) is None
    assert product.price_changes.count() == 1


def test_a_future_price_waits_for_its_date():
    product = make_product()
    later = timezone.now() + timedelta(days=10)
    services.change_price(by=None, product=product, pack_price_excl_vat=D("60.00"), valid_from=later)
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("52.50")
    assert current_prices([product])[product.pk].pack_price_excl_vat == D("52.50")
    assert current_prices([product], when=later)[product.pk].pack_price_excl_vat == D("60.00")
    assert services.apply_due_prices(now=later + timedelta(seconds=1)) == 1
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("60.00")
    assert services.apply_due_prices(now=later + timedelta(seconds=2)) == 0


def test_current_prices_include_the_suppliers_passed_on_costs_and_the_tier():
    supplier = SupplierFactory(transport_cost_per_kg=D("0.10"), cost_share_percent=D("0"))
    product = make_product(supplier)
    PriceTier.objects.create(association=supplier.association, category=Member.Category.SOLIDARITY,
                             percent=D("15"))
    cost_price = current_prices([product], Member.Category.PRIORITY)[product.pk]
    assert cost_price.cost.total == D("2.315500")
    assert cost_price.price == cost_price.cost.total
    solidarity = current_prices([product], Member.Category.SOLIDARITY)[product.pk]
    assert solidarity.cost == cost_price.cost
    assert solidarity.tier_adjustment == D("0.347325")
    assert solidarity.price == D("2.662825")


def test_current_prices_take_two_queries_for_forty_products():
    supplier = SupplierFactory()
    products = [make_product(supplier) for _ in range(40)]
    with CaptureQueriesContext(connection) as queries:
        prices = current_prices(products, Member.Category.PRIORITY)
    assert len(prices) == 40
    assert len(queries) == 2


def test_the_apply_prices_command_is_idempotent():
    from io import StringIO

    from django.core.management import call_command

    product = make_product()
    PriceChange.objects.create(product=product, valid_from=timezone.now(),
                               pack_price_excl_vat=D("58.00"), vat_rate=D("5.50"))
    product.__class__.objects.filter(pk=product.pk).update(updated_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("apply_prices", stdout=out)
    assert out.getvalue().startswith("1 ")
    call_command("apply_prices", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("0 ")
    product.refresh_from_db()
    assert product.pack_price_excl_vat == D("58.00")


def test_the_demo_catalogue_loads_twice_without_changing_anything(db):
    from io import StringIO

    from grappe.catalogue import demo
    from grappe.catalogue.models import GroupSelection, Product, ReferencePrice, Supplier

    demo.load(StringIO())
    counts = (Supplier.objects.count(), Product.objects.count(), PriceChange.objects.count(),
              GroupSelection.objects.count(), ReferencePrice.objects.count())
    demo.load(StringIO())
    assert counts == (Supplier.objects.count(), Product.objects.count(), PriceChange.objects.count(),
                      GroupSelection.objects.count(), ReferencePrice.objects.count())
    assert counts[4] == len(demo.REFERENCE_PRICES)
    assert counts[1] >= 40
    romans = GroupSelection.objects.filter(group__name="Romans-sur-Isère")
    assert not romans.filter(product__family="hygiene").exists()
    assert romans.filter(product__family="fruit").count() == 3
