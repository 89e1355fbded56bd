"""Rows for the indicators, read from the database for one scope (a set of groups) and period."""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate

from grappe.accounts.models import Entry
from grappe.catalogue.references import reference_history
from grappe.core.money import line_total
from grappe.distribution.models import Basket, BasketLine, Distribution, RotaSlot, slot_minutes
from grappe.members.models import Member, Membership, Referral
from grappe.network.models import BuyingGroup, Site
from grappe.orders.models import CycleGroup, CyclePrice, CycleStop, OrderCycle, OrderLine

from . import indicators as ind

# Cycles whose orders are final: closed or later (an open cycle's orders still change).
FINAL = [OrderCycle.Status.CLOSED, OrderCycle.Status.ORDERED, OrderCycle.Status.RECEIVED,
         OrderCycle.Status.DISTRIBUTED, OrderCycle.Status.SETTLED]


def member_rows(group_ids) -> list[ind.MemberRow]:
    rows = (Member.objects.filter(group__in=group_ids)
            .annotate(created_on=TruncDate("created_at"))
            .values_list("pk", "group_id", "category", "adults", "children", "status", "joined_on", "left_on",
                         "created_on", "commune__name", "stop_id"))
    return [ind.MemberRow(id=pk, group_id=group, category=category, persons=adults + children, status=status,
                          joined_on=joined, left_on=left, created_on=created, commune=commune or "", stop_id=stop)
            for pk, group, category, adults, children, status, joined, left, created, commune, stop in rows]


def referral_rows(group_ids, period: ind.Period) -> list[ind.ReferralRow]:
    rows = (Referral.objects.filter(group__in=group_ids)
            .filter(Q(created_at__date__range=(period.start, period.end))
                    | Q(joined_at__date__range=(period.start, period.end)))
            .annotate(created_on=TruncDate("created_at"), joined_on=TruncDate("joined_at"))
            .values_list("partner__name", "created_on", "joined_on"))
    return [ind.ReferralRow(partner=partner, created_on=created, joined_on=joined) for partner, created, joined in rows]


def fee_rows(group_ids, period: ind.Period) -> list[ind.FeeRow]:
    rows = (Membership.objects.filter(member__group__in=group_ids, paid_on__range=(period.start, period.end))
            .values_list("member_id", "paid_on", "fee", "means"))
    return [ind.FeeRow(member_id=member, paid_on=paid_on, fee=fee, means=means)
            for member, paid_on, fee, means in rows]


def line_rows(group_ids, period: ind.Period) -> list[ind.LineRow]:
    """What was handed out: the lines of collected baskets at the served quantity, and, for a cycle and
    group without any distribution recorded, the order lines (estimated; basket_id None)."""
    return served_rows(group_ids, period) + order_rows(group_ids, period)


def served_rows(group_ids, period: ind.Period) -> list[ind.LineRow]:
    rows = (BasketLine.objects.filter(basket__distribution__group__in=group_ids, basket__status=Basket.Status.COLLECTED,
                                      basket__distribution__date__range=(period.start, period.end))
            .annotate(given=Coalesce("served", "allotted")).filter(given__gt=0)
            .values_list("basket__member_id", "basket__distribution__cycle_id", "basket__distribution__date",
                         "product__family", "unit", "given", "unit_price", "unit_cost", "product__is_local",
                         "product__is_organic", "product__is_fair_trade", "basket__distribution__cycle_stop_id",
                         "basket__distribution__site_id", "basket__order__stop_id", "basket_id", "product_id"))
    rows = list(rows)
    references = reference_history({row[-1] for row in rows}, until=period.end)
    return [ind.LineRow(member_id=member, cycle_id=cycle, day=day, family=family, unit=unit, quantity=quantity,
                        unit_price=price, unit_cost=cost, is_local=local, is_organic=organic, is_fair_trade=fair,
                        stop_id=site if cycle_stop else order_stop, basket_id=basket,
                        reference_price=references.price(product, day))
            for (member, cycle, day, family, unit, quantity, price, cost, local, organic, fair, cycle_stop, site,
                 order_stop, basket, product) in rows]


def order_rows(group_ids, period: ind.Period) -> list[ind.LineRow]:
    """Order lines of final cycles whose group has no distribution recorded for that cycle.

    The (cycle, group) pairs and the cycles' unit costs are read first (a few rows), then the lines
    of those cycles in one plain query: no per-line subquery, whose plan PostgreSQL may get badly
    wrong on a big fresh table (53 s instead of 2 s for a 200,000-line cycle before ANALYZE).
    """
    days = {(cycle, group): day for cycle, group, day in CycleGroup.objects.filter(
        group__in=group_ids, cycle__status__in=FINAL, distribution_date__range=(period.start, period.end))
        .values_list("cycle_id", "group_id", "distribution_date")}
    cycle_ids = {cycle for cycle, _group in days}
    recorded = set(Distribution.objects.filter(cycle_id__in=cycle_ids).values_list("cycle_id", "group_id"))
    days = {pair: day for pair, day in days.items() if pair not in recorded}
    if not days:
        return []
    cycle_ids = {cycle for cycle, _group in days}
    costs = {(cycle, product): cost for cycle, product, cost in CyclePrice.objects.filter(
        cycle_id__in=cycle_ids).values_list("cycle_id", "product_id", "unit_cost")}
    rows = (OrderLine.objects.filter(cycle_id__in=cycle_ids, order__group_id__in={g for _c, g in days})
            .annotate(served=Coalesce("allotted", "quantity")).filter(served__gt=0)
            .values_list("order__member_id", "cycle_id", "order__group_id", "product_id", "product__family", "unit",
                         "served", "unit_price", "product__is_local", "product__is_organic",
                         "product__is_fair_trade", "order__stop_id"))
    rows = list(rows)
    references = reference_history({row[3] for row in rows}, until=period.end)
    out = []
    for member, cycle, group, product, family, unit, quantity, price, local, organic, fair, stop in rows:
        day = days.get((cycle, group))
        if day is None:
            continue
        cost = costs.get((cycle, product))
        out.append(ind.LineRow(member_id=member, cycle_id=cycle, day=day, family=family, unit=unit, quantity=quantity,
                               unit_price=price, unit_cost=cost if cost is not None else price, is_local=local,
                               is_organic=organic, is_fair_trade=fair, stop_id=stop,
                               reference_price=references.price(product, day)))
    return out


def fund_opening(group_ids, day) -> Decimal:
    """The solidarity fund's balance on `day`: the movements (indicators.fund_movement) of every line
    handed out before it, in collected baskets and, for cycles without a distribution, in orders.

    Served lines are read grouped by (quantity, price, cost) with their count, only where the price
    differs from the cost: identical lines are rounded alike, so years of baskets stay a few rows."""
    before = ind.Period(datetime.date.min, day - datetime.timedelta(days=1))
    rows = (BasketLine.objects.filter(basket__distribution__group__in=group_ids,
                                      basket__status=Basket.Status.COLLECTED, basket__distribution__date__lt=day)
            .exclude(unit_price=F("unit_cost"))
            .annotate(given=Coalesce("served", "allotted")).filter(given__gt=0)
            .order_by().values("given", "unit_price", "unit_cost").annotate(lines=Count("pk"))
            .values_list("given", "unit_price", "unit_cost", "lines"))
    total = sum(((line_total(price, given) - line_total(cost, given)) * count for given, price, cost, count in rows),
                Decimal("0.00"))
    return total + sum((ind.fund_movement(line) for line in order_rows(group_ids, before)), Decimal("0.00"))


def basket_rows(group_ids, period: ind.Period) -> list[ind.BasketRow]:
    """Baskets collected or not collected at distributions in the period (grappe.distribution)."""
    rows = (Basket.objects.filter(distribution__group__in=group_ids,
                                  distribution__date__range=(period.start, period.end))
            .exclude(status=Basket.Status.WAITING).values_list("pk", "member_id", "distribution__date", "status"))
    return [ind.BasketRow(id=pk, member_id=member, day=day, collected=status == Basket.Status.COLLECTED)
            for pk, member, day, status in rows]


def slot_rows(group_ids, period: ind.Period) -> list[ind.SlotRow]:
    rows = (RotaSlot.objects.filter(distribution__group__in=group_ids,
                                    distribution__date__range=(period.start, period.end))
            .values_list("volunteer_id", "distribution__date", "starts_at", "ends_at"))
    return [ind.SlotRow(volunteer_id=volunteer, day=day,
                        minutes=slot_minutes(start, end) if start is not None and end is not None else None)
            for volunteer, day, start, end in rows]


def charge_rows(group_ids, period: ind.Period) -> list[ind.ChargeRow]:
    """Baskets' charges in the members' accounts and their reversals, by the distribution's date."""
    rows = (Entry.objects.filter(distribution__group__in=group_ids,
                                 distribution__date__range=(period.start, period.end))
            .filter(Q(kind=Entry.Kind.CHARGE) | Q(kind=Entry.Kind.CORRECTION, reverses__kind=Entry.Kind.CHARGE))
            .values_list("basket_id", "distribution__date", "amount"))
    return [ind.ChargeRow(basket_id=basket, day=day, amount=-amount) for basket, day, amount in rows]


def payment_rows(group_ids, period: ind.Period) -> list[ind.PaymentRow]:
    """Payments and refunds in the members' accounts (and their reversals), by the day they were recorded."""
    money = (Entry.Kind.PAYMENT, Entry.Kind.REFUND)
    rows = (Entry.objects.filter(member__group__in=group_ids, at__date__range=(period.start, period.end))
            .filter(Q(kind__in=money) | Q(kind=Entry.Kind.CORRECTION, reverses__kind__in=money))
            .annotate(day=TruncDate("at")).values_list("kind", "reverses__kind", "means", "amount", "day"))
    out = []
    for kind, reversed_kind, means, amount, day in rows:
        kind = reversed_kind or kind
        out.append(ind.PaymentRow(day=day, means=means, kind="refund" if kind == Entry.Kind.REFUND else "payment",
                                  amount=-amount if kind == Entry.Kind.REFUND else amount))
    return out


def stops(group_ids) -> tuple[dict, dict]:
    sites = Site.objects.filter(group__in=group_ids, is_stop=True).values_list("pk", "name", "commune__name")
    return {pk: name for pk, name, _c in sites}, {pk: commune for pk, _n, commune in sites if commune}


def visited_stops(group_ids, period: ind.Period) -> set[int]:
    """Van stops a cycle whose orders are final visited in the period (its stop date in the period)."""
    return set(CycleStop.objects.filter(cycle_group__group__in=group_ids, cycle_group__cycle__status__in=FINAL,
                                        distribution_date__range=(period.start, period.end))
               .values_list("site_id", flat=True))


def figures(*, association, group_ids, period: ind.Period) -> dict:
    group_ids = list(BuyingGroup.objects.filter(association=association, pk__in=group_ids).values_list("pk", flat=True))
    stop_names, stop_communes = stops(group_ids)
    return ind.compute(members=member_rows(group_ids), referrals=referral_rows(group_ids, period),
                       fees=fee_rows(group_ids, period), lines=line_rows(group_ids, period), period=period,
                       threshold=association.priority_threshold, stop_names=stop_names,
                       stop_communes=stop_communes, visited_stops=visited_stops(group_ids, period),
                       baskets=basket_rows(group_ids, period),
                       slots=slot_rows(group_ids, period), charges=charge_rows(group_ids, period),
                       payment_rows=payment_rows(group_ids, period),
                       fund_opening=fund_opening(group_ids, period.start))
