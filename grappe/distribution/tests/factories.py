"""A cycle ready for its distribution: ordered, confirmed, baskets prepared."""

from decimal import Decimal as D
from types import SimpleNamespace

from grappe.distribution import services
from grappe.distribution.models import Basket, Distribution
from grappe.members.models import Member
from grappe.orders import services as order_services
from grappe.orders.tests.factories import make_cycle, make_member


def make_day(world, receipt=None):
    """world.member and a solidarity member in world.group order lentils (bulk), oil and oranges;
    another member in world.other_group orders lentils. Closed, confirmed, baskets prepared."""
    shop = make_cycle(world)
    jeanne = world.member
    paul = make_member(world, category=Member.Category.SOLIDARITY, name="Durand Paul")
    other = make_member(world, group=world.other_group, name="Roux Alice")
    for member, product, quantity in [(jeanne, shop.lentils, "5"), (jeanne, shop.oil, "2"), (jeanne, shop.oranges, "3"),
                                      (paul, shop.lentils, "20"), (paul, shop.oil, "4"), (other, shop.lentils, "10")]:
        order_services.set_line(cycle=shop.cycle, member=member, product=product, quantity=D(quantity), by=None)
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    distributions = services.create_distributions(cycle=shop.cycle, by=world.coordinator)
    day = Distribution.objects.get(cycle=shop.cycle, group=world.group)
    return SimpleNamespace(
        shop=shop, cycle=shop.cycle, distributions=distributions, day=day, jeanne=jeanne, paul=paul, other=other,
        jeanne_basket=Basket.objects.get(distribution=day, member=jeanne),
        paul_basket=Basket.objects.get(distribution=day, member=paul))
