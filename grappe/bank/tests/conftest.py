"""What the bank tests share: members 42 and 977 as the statements name them, a supplier invoice."""

import datetime
from decimal import Decimal as D

from grappe.accounts import services as accounts
from grappe.accounts.models import Entry
from grappe.members.models import Member
from grappe.orders.models import PurchaseOrder
from grappe.orders.tests.factories import make_cycle, make_member


def free_numbers(world, *numbers):
    """The statements name members by number: free those numbers (the factory's sequence runs on across tests)."""
    for taken in Member.objects.filter(association=world.association, number__in=numbers):
        taken.number = 100_000 + taken.pk
        taken.save(update_fields=["number"])


def owe(member, amount):
    """A basket charged to the member (the ledger row collect_basket would write)."""
    return Entry.objects.create(association=member.association, member=member, kind=Entry.Kind.CHARGE, amount=-amount)


def members_42_and_977(world, *, dupont_paid=True):
    free_numbers(world, 42, 977)
    dupont = make_member(world, number=42, name="Dupont Marie", paid=dupont_paid)
    martin = make_member(world, number=977, name="Martin Karim")
    return dupont, martin


def purchase_order(world):
    """A purchase order to the Ferme du Diois (make_cycle's farm), to invoice."""
    shop = make_cycle(world, open_=False)
    return PurchaseOrder.objects.create(cycle=shop.cycle, supplier=shop.farm, number="BC-1")


def supplier_invoice(world, po, number, amount):
    return accounts.record_invoice(purchase_order=po, number=number, date=datetime.date(2026, 11, 20),
                                   amount=D(amount), by=world.admin)
