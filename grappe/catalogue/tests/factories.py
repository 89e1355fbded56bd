from decimal import Decimal

import factory

from grappe.catalogue import services
from grappe.catalogue.models import Family, Product, Supplier
from grappe.network.tests.factories import AssociationFactory


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Ferme {n}")
    kind = Supplier.Kind.PRODUCER


def make_product(supplier=None, *, by=None, **fields) -> Product:
    """A product created through the service (so it has its first price in the history)."""
    supplier = supplier or SupplierFactory()
    defaults = {
        "name": f"Lentilles vertes {Product.objects.count() + 1}",
        "reference": f"REF-{Product.objects.count() + 1}",
        "family": Family.PULSES,
        "unit": Product.Unit.KG,
        "pack_size": Decimal("25"),
        "pack_price_excl_vat": Decimal("52.50"),
        "vat_rate": Decimal("5.50"),
        "order_step": Decimal("0.5"),
        "is_bulk": True,
    }
    defaults.update(fields)
    return services.create_product(by=by, supplier=supplier, **defaults)
