"""Demo order cycles for VRAC Drôme: a past, confirmed cycle and an open one (Romans-sur-Isère, Die).

Runs after the network, members and catalogue demos (INSTALLED_APPS order). Idempotent: a cycle is
looked up by name and built only once. Skips with a message when what it needs is missing.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from grappe.catalogue.models import Product
from grappe.core.errors import DomainError
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup

from . import queries, services
from .models import Channel, CycleGroup, OrderCycle

PAST = "Commande d'automne (démo)"
OPEN = "Commande de saison (démo)"


def fill(cycle, members, rng, by, now=None):
    """Orders of a few products for each of `members` (at `now`, for a cycle in the past)."""
    offered = {}
    for member in members:
        if member.group_id not in offered:
            offered[member.group_id] = list(queries.offered_prices(cycle, member.group))
        prices = offered[member.group_id]
        chosen = rng.sample(prices, min(len(prices), rng.randint(2, 5)))
        lines = []
        for price in chosen:
            steps = rng.randint(1, 6)
            quantity = price.order_step * steps
            if price.max_per_member is not None:
                quantity = min(quantity, price.max_per_member // price.order_step * price.order_step)
            tolerance = price.order_step * rng.choice([0, 0, 1, 2]) if price.pack_size else Decimal("0")
            if price.max_per_member is not None and quantity + tolerance > price.max_per_member:
                tolerance = Decimal("0")
            lines.append(services.LineChange(price.product_id, quantity, tolerance))
        channel = rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.PHONE, Channel.PAPER])
        try:
            services.place_order(cycle=cycle, member=member, lines=lines, channel=channel,
                                 by=member.user if channel == Channel.ONLINE and member.user else by, now=now)
        except DomainError:
            continue  # e.g. a product not offered to this member's group


def _new_cycle(association, groups, name, by, days_to_distribution):
    now = timezone.now()
    cycle = services.create_cycle(
        association=association, name=name, opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=5),
        by=by, groups=[services.GroupPlan(g, timezone.localdate() + timedelta(days=days_to_distribution),
                                          site=g.sites.filter(is_stop=False).first()) for g in groups])
    CycleGroup.objects.filter(cycle=cycle).update(time="16:30-18:30")  # the hours of the groups' rhythm
    return cycle


def load(stdout):
    association = Association.objects.filter(slug="vrac-drome").first()
    groups = list(BuyingGroup.objects.filter(association=association, name__in=["Romans-sur-Isère", "Die"])
                  .order_by("name")) if association else []
    if association is None or len(groups) < 2 or not Product.objects.filter(association=association).exists():
        stdout.write("Commandes : démo ignorée (il faut d'abord le réseau, les adhérents et le catalogue).")
        return []
    by = get_user_model().objects.filter(username="coordination").first()
    year = timezone.localdate().year
    payers = list(Member.objects.filter(association=association, group__in=groups, status=Member.Status.ACTIVE,
                                        memberships__year=year, memberships__paid_on__isnull=False)
                  .select_related("group", "user").order_by("number"))
    rng = random.Random(2612)

    if not OrderCycle.objects.filter(association=association, name=PAST).exists():
        cycle = _new_cycle(association, groups, PAST, by, days_to_distribution=3)
        cycle = services.open_cycle(cycle=cycle, by=by)
        fill(cycle, [m for m in payers if m.number != 1][:40], rng, by)
        services.close_cycle(cycle=cycle, by=by, confirm=True)
        # closed two days ago, goods awaited, distributed in three days (accounts' demo adds a
        # cycle carried through to the end, a month ago)
        past = timezone.now() - timedelta(days=2)
        OrderCycle.objects.filter(pk=cycle.pk).update(opens_at=past - timedelta(days=7), closes_at=past,
                                                      opened_at=past - timedelta(days=7), closed_at=past,
                                                      ordered_at=past)
    if not OrderCycle.objects.filter(association=association, name=OPEN).exists():
        cycle = _new_cycle(association, groups, OPEN, by, days_to_distribution=9)
        cycle = services.open_cycle(cycle=cycle, by=by)
        fill(cycle, [m for m in payers if m.number != 1][40:70] + [m for m in payers if m.number == 1], rng, by)
    stdout.write(f"Commandes : « {PAST} » (commandée) et « {OPEN} » (ouverte).")
    return []
