"""A small open cycle for tests: two groups, two suppliers, three products, paid members."""

import datetime
from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import timezone

from grappe.catalogue.models import GroupSelection
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.members.models import Member, Membership
from grappe.members.tests.factories import MemberFactory
from grappe.orders import services
from grappe.orders.services import GroupPlan


def pay(member, year=None):
    Membership.objects.get_or_create(member=member, year=year or timezone.localdate().year,
                                     defaults={"fee": D("1.00"), "paid_on": timezone.localdate()})
    return member


def make_member(world, group=None, category=Member.Category.PRIORITY, paid=True, **fields):
    extra = {} if category == Member.Category.PRIORITY else {"priority_basis": ""}
    member = MemberFactory(association=world.association, group=group or world.group, category=category,
                           **extra, **fields)
    return pay(member) if paid else member


def make_cycle(world, open_=True, now=None, **fields):
    """An open cycle for world.group and world.other_group with lentils (25 kg), oil (carton of 6)
    and oranges (by the kg, no pack), offered in both groups. `now`: the moment it is built at (it
    opened an hour before, closes two days after, is handed out a week after; world.member paid
    the membership of that year); the real clock when not given."""
    farm = SupplierFactory(association=world.association, name="Ferme du Diois", email="ferme@example.org",
                           minimum_order_amount=D("100.00"), free_delivery_threshold=D("300.00"))
    mill = SupplierFactory(association=world.association, name="Huilerie", email="huile@example.org")
    lentils = make_product(farm, name="Lentilles vertes", reference="LV25", pack_size=D("25"),
                           pack_price_excl_vat=D("50.00"), vat_rate=D("5.50"), order_step=D("0.5"), is_bulk=True)
    oil = make_product(mill, name="Huile d'olive 1 L", reference="HO6", unit="piece", pack_size=D("6"),
                       pack_price_excl_vat=D("60.00"), vat_rate=D("5.50"), order_step=D("1"), is_bulk=False,
                       max_per_member=D("4"), family="oils")
    oranges = make_product(farm, name="Oranges", reference="OR", pack_size=None,
                           pack_price_excl_vat=D("2.00"), vat_rate=D("5.50"), order_step=D("1"), is_bulk=False,
                           family="fruit")
    for group in (world.group, world.other_group):
        for product in (lentils, oil, oranges):
            GroupSelection.objects.get_or_create(group=group, product=product)
    now = now or timezone.now()
    day = timezone.localdate(now) + datetime.timedelta(days=7)
    cycle = services.create_cycle(
        association=world.association, name="Commande de test", opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2), by=world.coordinator,
        groups=[GroupPlan(world.group, day, place="Salle des fêtes"), GroupPlan(world.other_group, day)], **fields)
    if open_:
        cycle = services.open_cycle(cycle=cycle, by=world.coordinator, now=now)
    pay(world.member, year=timezone.localdate(now).year)
    return SimpleNamespace(cycle=cycle, farm=farm, mill=mill, lentils=lentils, oil=oil, oranges=oranges)


def make_cycle_with_basket(world):
    """make_cycle, with world.member's basket holding 2 kg of oranges."""
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oranges, quantity=D("2"),
                      by=world.member_user)
    return shop
