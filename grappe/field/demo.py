"""Demo: a tour day of VRAC mobile Haut Diois, ready to be prepared for the road (grappe.field).

Runs after the tours demo (INSTALLED_APPS order), which adopted a tour whose stops are the group's
sites. Here: households attached to the stops (some prefer a phone call or paper), their memberships
paid, the products the van offers, a confirmed cycle served on the next date the van visits at
least three stops (from today), its distributions and baskets, and the van's stock to sell.
Everything goes through the services. Idempotent: the cycle is looked up by name and built once.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from grappe.catalogue.models import GroupSelection, Product
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Distribution
from grappe.members.models import Member, Membership
from grappe.network.models import Association, BuyingGroup, Role
from grappe.orders import services as order_services
from grappe.orders.models import CycleStop, OrderCycle, StockItem, StockMove
from grappe.tours.models import Tour
from grappe.tours.queries import route_sheet

GROUP = "VRAC mobile Haut Diois"
CYCLE = "Tournée du camion (démo)"
FIRST_NUMBER = 401
# (name, preferred channel): invented households, accents on purpose (the device searches without them)
HOUSEHOLDS = [
    ("Étienne Müller", "call"), ("Hélène Faure", "sms"), ("Noël Garcin", "paper"),
    ("Françoise Odier", "sms"), ("Raymond Chênevière", "call"), ("Zoé Arnaud", "sms"),
    ("Anaïs Peyrot", "email"), ("Gérald Roux", "paper"), ("Josée Brémond", "sms"),
    ("Aimé Reynaud", "call"), ("Maïté Bouvier", "sms"), ("Cécile Lagier", "paper"),
]
# what the van offers (catalogue references): small steps, so a few households fill the packs
PRODUCTS = ["LV25", "HT5", "NV-POM18", "SD-SAV24", "SD-SL5", "SD-LES5"]
STOCK = {"NV-POM18": Decimal("12"), "SD-SAV24": Decimal("10"), "HT5": Decimal("4")}
MIN_STOPS = 3


def clock(minutes: int, up: bool = False) -> str:
    """570 -> "9 h 30", 660 -> "11 h" (the way the posters and the device write times), to the five
    minutes below (or above, for an end: `up`), as a village is told the van's hours."""
    minutes = (int(minutes) + (4 if up else 0)) // 5 * 5
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def tour_day(tour, today: dt.date, days: int = 35):
    """The first date from `today` on which the van serves at least MIN_STOPS stops, with those stops."""
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        _run_day, stops = route_sheet(tour, day)
        stops = [s for s in stops if s.site is not None]
        if len(stops) >= MIN_STOPS:
            return day, stops
    return None, []


def load(stdout) -> list:
    association = Association.objects.filter(slug="vrac-drome").first()
    group = BuyingGroup.objects.filter(association=association, name=GROUP).first() if association else None
    tour = Tour.objects.filter(group=group).select_related("run").first() if group else None
    if tour is None:
        stdout.write("Terrain : démo ignorée (il faut d'abord la tournée de VRAC mobile Haut Diois).")
        return []
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "benevole"])}
    volunteer_role = Role.objects.filter(user=users.get("benevole"), association=association,
                                         kind=Role.Kind.VOLUNTEER).first()
    if volunteer_role is not None:
        volunteer_role.groups.add(group)  # the demo volunteer also rides in the van
    by = users.get("admin")
    if OrderCycle.objects.filter(association=association, name=CYCLE).exists():
        stdout.write(f"Terrain : « {CYCLE} » existe déjà.")
        return []
    day, stops = tour_day(tour, timezone.localdate())
    if day is None:
        stdout.write("Terrain : aucune date de tournée avec trois arrêts dans les cinq semaines.")
        return []
    sites = [s.site for s in stops]
    members = _households(association, group, sites)
    products = list(Product.objects.filter(association=association, reference__in=PRODUCTS))
    for product in products:
        GroupSelection.objects.get_or_create(group=group, product=product)

    now = timezone.now()
    # closed before the orders demo's cycle (two days ago), which the distribution demo takes as the
    # latest closed cycle for its rota
    opens, closes = now - dt.timedelta(days=7), now - dt.timedelta(days=3)
    cycle = order_services.create_cycle(
        association=association, name=CYCLE, opens_at=opens, closes_at=closes, by=by,
        groups=[order_services.GroupPlan(group, day, stops=tuple((site, day) for site in sites))])
    for stop in stops:
        CycleStop.objects.filter(cycle_group__cycle=cycle, site=stop.site).update(
            time=f"{clock(stop.visit.arrival)} – {clock(stop.visit.departure, up=True)}")
    cycle = order_services.open_cycle(cycle=cycle, by=by, now=opens)
    rng = random.Random(2614)
    prices = {p.product_id: p for p in cycle.prices.all()}
    for member in members:
        lines = []
        for product_id in rng.sample(sorted(prices), min(len(prices), 3)):
            price = prices[product_id]
            lines.append(order_services.LineChange(product_id, price.order_step * rng.randint(1, 3)))
        order_services.place_order(cycle=cycle, member=member, lines=lines, by=by,
                                   channel=rng.choice(["phone", "paper"]), now=opens + dt.timedelta(days=1))
    # the van keeps what fills the packs (the stock it sells from)
    cycle = order_services.close_cycle(cycle=cycle, by=by, confirm=True, stock_group=group, now=closes)
    distributions = distribution_services.create_distributions(cycle=cycle, by=by, now=closes)
    by_product = {p.reference: p for p in products}
    moves = [StockMove(group_id=group.pk, product_id=by_product[ref].pk, kind=StockMove.Kind.SURPLUS,
                       quantity=quantity, unit_cost=prices[by_product[ref].pk].unit_cost, by=by, at=closes,
                       reason="Stock du camion (démo)")
             for ref, quantity in STOCK.items() if ref in by_product and by_product[ref].pk in prices]
    order_services.apply_stock_moves(moves)
    baskets = sum(d.baskets.count() for d in Distribution.objects.filter(pk__in=[d.pk for d in distributions]))
    stock = StockItem.objects.filter(group=group, quantity__gt=0).count()
    stdout.write(f"Terrain : tournée du {day:%d/%m/%Y}, {len(distributions)} arrêts, {baskets} paniers, "
                 f"{stock} produits dans le camion.")
    return []


def _households(association, group, sites) -> list[Member]:
    """Households attached to the day's stops, their membership of the year paid."""
    year = timezone.localdate().year
    members = []
    for index, (name, channel) in enumerate(HOUSEHOLDS):
        site = sites[index % len(sites)]
        priority = index % 3 == 0
        member, _created = Member.objects.get_or_create(
            association=association, number=FIRST_NUMBER + index,
            defaults={"group": group, "stop": site, "name": name, "first_name": name.split()[0],
                      "adults": 1 + index % 2, "children": index % 3 == 1,
                      "phone": f"04 75 21 {10 + index:02d} {30 + index:02d}", "preferred_channel": channel,
                      "commune": site.commune,
                      "category": Member.Category.PRIORITY if priority else Member.Category.SOLIDARITY,
                      "priority_basis": Member.PriorityBasis.ASSESSMENT if priority else "",
                      "joined_on": dt.date(year - 1, 9, 1)})
        Membership.objects.get_or_create(member=member, year=year,
                                         defaults={"fee": Decimal("1"), "paid_on": dt.date(year, 1, 10),
                                                   "means": "cash"})
        members.append(member)
    return members
