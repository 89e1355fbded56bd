"""A small tour day of a van for tests (grappe.field and its browser test).

`make_tour_day(world)` builds, through the services: a mobile group "VRAC mobile Test" that
world.coordinator coordinates and world.volunteer serves (their roles gain the group), three van
stops (sites, positions 1 to 3) served on one date (today by default), two households per stop
(accented names; one prefers a phone call), their memberships paid, a confirmed cycle whose baskets
hold lentils (weighed, bulk, by the kg) and olive oil (by the piece), and the van's stock: 5 kg of
apples and 3 kg of lentils to sell. Returns a SimpleNamespace:

    group, sites [3], day, cycle, distributions [3, in stop order], members [6], baskets [6, in stop
    then member order], lentils, oil, apples (products)

Usage::

    from grappe.field.tests.factories import make_tour_day

    def test_something(world):
        tour = make_tour_day(world)
        device, token = services.prepare_device(group=tour.group, day=tour.day, label="Tablette",
                                                by=world.volunteer, now=...)
"""

import datetime
from decimal import Decimal as D
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from grappe.catalogue.models import GroupSelection
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket
from grappe.members.models import Member
from grappe.network.models import BuyingGroup, Role, Site
from grappe.orders import services as order_services
from grappe.orders.models import CycleStop, StockMove
from grappe.orders.tests.factories import make_member

HOUSEHOLDS = ["Étienne Müller", "Hélène Faure", "Noël Garcin", "Zoé Arnaud", "Anaïs Peyrot", "Gérald Roux"]
STOPS = [("Luc-en-Diois, place de la Mairie", "9 h 30 – 11 h"), ("Glandage, salle des fêtes", "11 h 30 – 12 h 30"),
         ("Beaurières, lavoir", "14 h – 15 h")]


def make_tour_day(world, day=None, now=None, households=HOUSEHOLDS):
    """The tour day described in the module docstring; `now`: when it is built (the real clock if not
    given); `day`: the date of the tour (the date of `now` if not given)."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    group = BuyingGroup.objects.create(association=world.association, name="VRAC mobile Test",
                                       kind=BuyingGroup.Kind.MOBILE)
    for user in (world.coordinator, world.volunteer):
        for role in Role.objects.filter(user=user, association=world.association):
            role.groups.add(group)
        user.__dict__.pop("_grappe_scope", None)
    sites = [Site.objects.create(group=group, name=name, is_stop=True, position=position,
                                 address=f"{name}, 26310")
             for position, (name, _time) in enumerate(STOPS, start=1)]
    farm = SupplierFactory(association=world.association, name="Ferme du Haut Diois", email="ferme@example.org")
    lentils = make_product(farm, name="Lentilles vertes", reference="T-LV", pack_size=None,
                           pack_price_excl_vat=D("3.00"), vat_rate=D("5.50"), order_step=D("0.5"), is_bulk=True)
    oil = make_product(farm, name="Huile d'olive 1 L", reference="T-HO", unit="piece", pack_size=None,
                       pack_price_excl_vat=D("9.00"), vat_rate=D("5.50"), order_step=D("1"), is_bulk=False,
                       family="oils")
    apples = make_product(farm, name="Pommes", reference="T-PO", pack_size=None, pack_price_excl_vat=D("2.00"),
                          vat_rate=D("5.50"), order_step=D("0.5"), is_bulk=True, family="fruit")
    for product in (lentils, oil, apples):
        GroupSelection.objects.get_or_create(group=group, product=product)
    members = [make_member(world, group=group, name=name, stop=sites[index // 2], first_name=name.split()[0],
                           category=Member.Category.PRIORITY if index % 2 else Member.Category.SOLIDARITY,
                           preferred_channel="call" if index == 0 else "sms")
               for index, name in enumerate(households)]
    opens = now - datetime.timedelta(days=3)
    cycle = order_services.create_cycle(
        association=world.association, name="Tournée de test", opens_at=opens,
        closes_at=now - datetime.timedelta(days=1), by=world.coordinator,
        groups=[order_services.GroupPlan(group, day, stops=tuple((site, day) for site in sites))])
    for site, (_name, time) in zip(sites, STOPS, strict=True):
        CycleStop.objects.filter(cycle_group__cycle=cycle, site=site).update(time=time)
    cycle = order_services.open_cycle(cycle=cycle, by=world.coordinator, now=opens)
    for index, member in enumerate(members):
        lines = [order_services.LineChange(lentils.pk, D("2") + D("0.5") * index),
                 order_services.LineChange(oil.pk, D("1") + index % 2)]
        order_services.place_order(cycle=cycle, member=member, lines=lines, by=world.coordinator,
                                   channel="phone", now=opens + datetime.timedelta(hours=1))
    cycle = order_services.close_cycle(cycle=cycle, by=world.coordinator, confirm=True,
                                       now=now - datetime.timedelta(days=1))
    distributions = distribution_services.create_distributions(cycle=cycle, by=world.coordinator)
    distributions.sort(key=lambda d: d.site.position)
    prices = {p.product_id: p for p in cycle.prices.all()}
    with transaction.atomic():  # the stock ledger writes inside its caller's transaction
        order_services.apply_stock_moves([
            StockMove(group_id=group.pk, product_id=product.pk, kind=StockMove.Kind.SURPLUS, quantity=quantity,
                      unit_cost=prices[product.pk].unit_cost, at=now, reason="stock du camion")
            for product, quantity in ((apples, D("5")), (lentils, D("3")))])
    baskets = list(Basket.objects.filter(distribution__in=distributions).select_related("member", "distribution")
                   .order_by("distribution__site__position", "member__number"))
    return SimpleNamespace(group=group, sites=sites, day=day, cycle=cycle, distributions=distributions,
                           members=members, baskets=baskets, lentils=lentils, oil=oil, apples=apples)
