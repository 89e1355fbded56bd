"""A distribution day carried through to what a settlement needs."""

import datetime
from decimal import Decimal as D

from grappe.accounts import services
from grappe.accounts.queries import expected_invoice
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket
from grappe.orders.models import PurchaseOrder


def finish(world, day, invoice_extra=D("0")):
    """Every basket collected and charged, distributions closed, suppliers invoiced as delivered
    (plus `invoice_extra` on each invoice)."""
    for d in day.distributions:
        for basket in Basket.objects.filter(distribution=d):
            services.collect_basket(basket=basket, by=world.admin)
        distribution_services.close_distribution(distribution=d, by=world.admin, early=True)
    for po in PurchaseOrder.objects.filter(cycle=day.cycle).prefetch_related("lines"):
        amount = sum((expected_invoice(line) for line in po.lines.all()), D("0.00"))
        services.record_invoice(purchase_order=po, number=f"F-{po.pk}", date=datetime.date(2026, 11, 1),
                                amount=amount + invoice_extra, by=world.admin)


def issuer(association, name="CCAS de Romans", **fields):
    """A voucher issuer of the association's list (payments by voucher choose one)."""
    from grappe.accounts import vouchers

    return vouchers.find_issuer(association.pk, name) or vouchers.save_issuer(association=association, by=None,
                                                                              name=name, **fields)
