"""Indicators for boards and funders: pure functions over simple rows. No Django.

Rows are built by grappe/reports/queries.py from the database; here they are plain dataclasses, so
every figure can be checked by hand on a small dataset (tests/test_indicators.py).

Counting rules (chosen where the issue was silent):
- A household is a member at a date d when it joined on or before d (joined_on, else the day its
  record was created) and has not left on or before d; households on the waiting list are not
  members. "Members" of a period are those at its last day.
- "Active buyers": distinct households with at least one non-zero line in a cycle distributed in
  the period. A "basket" is one household's order in one cycle (distribution date in the period).
- What was handed out comes from the distributions: the lines of collected baskets, at the quantity
  actually served (weighed), on the distribution's date (LineRow.basket_id is set). Only for a cycle
  and group with no distribution recorded at all do the orders stand in (allotted quantity, else
  ordered; basket_id None): those figures are "estimated" and counted apart. Values are quantity x
  unit price, rounded to the cent once per line (grappe.core.money).
- A basket is a collected basket (Basket status collected), or for the estimated part one
  household's order in one cycle.
- Shares of local / organic / fair trade are shares of the value at cost.
- Turnover is what households were charged for the baskets they collected: the charge entries of
  their accounts, net of charges reversed when a basket was reopened, dated by the distribution.
  A collected basket without any charge entry counts at its lines' prices.
- Tier adjustments: a solidarity household pays a little more than cost (money into the solidarity
  fund), a priority household a little less (money out of it): per served line (member price -
  cost) x quantity. Goods at cost = charged - money in + money out, so the three add up exactly.
- The solidarity fund's balance: money in and out per month (the same line by line adjustments), from
  the balance on the period's first day (every handed-out line before it, served or estimated).
- Membership fees per means of payment: the means recorded with the membership (members.Membership).
- Payments: payments into members' accounts per means of payment, net of reversed payments, on the
  day they were recorded; refunds apart.
- Volunteer hours: the length of every filled rota slot (start to end) on a distribution in the
  period; filled slots without both times are counted apart, not guessed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from grappe.catalogue.savings import SavingLine, savings
from grappe.core.money import line_total

SMALL = 5
SMALL_LABEL = "< 5"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day) -> bool:
        return day is not None and self.start <= day <= self.end

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class MemberRow:
    id: int
    group_id: int
    category: str  # "priority" or "solidarity"
    persons: int
    status: str  # "active", "waiting", "left"
    joined_on: date | None
    left_on: date | None
    created_on: date
    commune: str = ""
    stop_id: int | None = None


@dataclass(frozen=True)
class ReferralRow:
    partner: str
    created_on: date
    joined_on: date | None


@dataclass(frozen=True)
class FeeRow:
    member_id: int
    paid_on: date
    fee: Decimal
    means: str = ""  # members.Membership.Means: cash, cheque, card, transfer, voucher; "" when not recorded


@dataclass(frozen=True)
class LineRow:
    member_id: int
    cycle_id: int
    day: date  # distribution date of the member's group in that cycle
    family: str
    unit: str
    quantity: Decimal
    unit_price: Decimal  # what the member pays per unit
    unit_cost: Decimal  # cost price per unit
    is_local: bool = False
    is_organic: bool = False
    is_fair_trade: bool = False
    stop_id: int | None = None
    basket_id: int | None = None  # the collected basket it was served in; None: estimated from the order
    reference_price: Decimal | None = None  # the shop price nearby per unit (catalogue.ReferencePrice), if any

    # the line's amounts, each rounded once and computed once (several indicators read them; a
    # national cycle has 10^5 lines)
    paid: Decimal = field(init=False, repr=False, compare=False)
    at_cost: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "paid", line_total(self.unit_price, self.quantity))
        object.__setattr__(self, "at_cost", line_total(self.unit_cost, self.quantity))


@dataclass(frozen=True)
class BasketRow:
    """A basket prepared for a distribution (grappe.distribution), collected or not."""

    member_id: int
    day: date
    collected: bool
    id: int | None = None


@dataclass(frozen=True)
class SlotRow:
    """A place on a distribution's volunteer rota, filled (volunteer_id) or not, and its length."""

    volunteer_id: int | None
    day: date
    minutes: int | None = None  # None: the slot lacks a start or an end time


@dataclass(frozen=True)
class ChargeRow:
    """A basket's charge in a member's account (positive: charged), or its reversal (negative)."""

    basket_id: int | None
    day: date  # the distribution's date
    amount: Decimal


@dataclass(frozen=True)
class PaymentRow:
    """Money into a member's account ("payment", net of reversals) or back out of it ("refund", positive)."""

    day: date
    means: str
    kind: str  # "payment" or "refund"
    amount: Decimal


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_member_on(row: MemberRow, day: date) -> bool:
    if row.status == "waiting":
        return False
    joined = row.joined_on or row.created_on
    return joined <= day and not (row.left_on is not None and row.left_on <= day)


def households(members: list[MemberRow], lines: list[LineRow], period: Period) -> dict:
    at_end = [m for m in members if is_member_on(m, period.end)]
    return {
        "households": len(at_end),
        "persons": sum(m.persons for m in at_end),
        "new": sum(1 for m in members if m.status != "waiting" and (m.joined_on or m.created_on) in period),
        "left": sum(1 for m in members if m.left_on in period),
        "active_buyers": len({line.member_id for line in lines if line.quantity > 0 and line.day in period}),
    }


def priority_share(members: list[MemberRow], period: Period, threshold: Decimal) -> dict:
    at_end = [m for m in members if is_member_on(m, period.end)]
    priority = sum(1 for m in at_end if m.category == "priority")
    share = percent(priority, len(at_end))
    return {"priority": priority, "solidarity": len(at_end) - priority, "share": share,
            "threshold": Decimal(threshold), "meets_threshold": share is None or share >= Decimal(threshold)}


def referrals_per_partner(referrals: list[ReferralRow], period: Period) -> list[dict]:
    made: Counter[str] = Counter()
    joined: Counter[str] = Counter()
    for row in referrals:
        if row.created_on in period:
            made[row.partner] += 1
        if row.joined_on in period:
            joined[row.partner] += 1
    partners = sorted(set(made) | set(joined))
    return [{"partner": p, "made": made[p], "joined": joined[p]} for p in partners]


# the means a membership fee is recorded with (members.Membership.Means), in the order reports show them
FEE_MEANS = ("cash", "cheque", "card", "transfer", "voucher")


def membership_fees(fees: list[FeeRow], period: Period) -> dict:
    """Memberships paid in the period (by the day of payment): how many and how much, in all and per
    means of payment (every means listed, even at zero; "" for fees recorded without their means)."""
    paid = [row for row in fees if row.paid_on in period]
    count: Counter[str] = Counter()
    amount: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in paid:
        count[row.means] += 1
        amount[row.means] += row.fee
    order = list(FEE_MEANS) + sorted(means for means in count if means not in FEE_MEANS)
    return {"count": len(paid), "total": sum((row.fee for row in paid), Decimal("0.00")),
            "by_means": [{"means": means, "count": count[means], "amount": amount[means]} for means in order
                         if means in FEE_MEANS or count[means]]}


def _in(lines, period):
    return [line for line in lines if line.day in period and line.quantity > 0]


def _handed(lines: list[LineRow], period: Period, baskets: list[BasketRow] | None = None) -> list[tuple]:
    """(day, key) per basket handed out in the period: collected baskets, plus the households' orders
    of cycles and groups without any distribution recorded (lines without basket_id)."""
    out: set[tuple[date, tuple]] = {(line.day, ("order", line.member_id, line.cycle_id)) for line in _in(lines, period)
           if baskets is None or line.basket_id is None}
    if baskets is not None:
        out |= {(row.day, ("basket", row.id if row.id is not None else (row.member_id, row.day)))
                for row in baskets if row.collected and row.day in period}
    return sorted(out, key=lambda item: (item[0], str(item[1])))


def _iso_week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def baskets_per_week(lines: list[LineRow], period: Period, baskets: list[BasketRow] | None = None) -> list[dict]:
    """Baskets handed out per ISO week of the distribution, weeks without baskets included."""
    weeks = Counter(_iso_week(day) for day, _key in _handed(lines, period, baskets))
    return [{"week": key, "monday": monday, "baskets": weeks[key]} for key, monday in weeks_of(period)]


def baskets_per_month(lines: list[LineRow], period: Period, baskets: list[BasketRow] | None = None) -> list[dict]:
    """Baskets per calendar month of the distribution (for long periods), months without baskets included."""
    months = Counter((day.year, day.month) for day, _key in _handed(lines, period, baskets))
    return [{"month": first, "baskets": months[(first.year, first.month)]} for first in months_of(period)]


def basket_count(lines: list[LineRow], period: Period, baskets: list[BasketRow] | None = None) -> dict:
    """Baskets handed out in the period, and how many of them are estimated from orders."""
    handed = _handed(lines, period, baskets)
    return {"baskets": len(handed), "estimated_baskets": sum(1 for _day, key in handed if key[0] == "order")}


def weeks_of(period: Period) -> list[tuple[str, date]]:
    out, day = [], period.start - timedelta(days=period.start.weekday())
    while day <= period.end:
        iso = day.isocalendar()
        out.append((f"{iso[0]}-W{iso[1]:02d}", day))
        day += timedelta(days=7)
    return out


def baskets_handed_out(baskets: list[BasketRow], period: Period) -> dict:
    """Baskets actually collected at distributions in the period, per ISO week, and those not collected."""
    per_week: Counter[str] = Counter()
    handed = missed = 0
    for row in baskets:
        if row.day not in period:
            continue
        if row.collected:
            handed += 1
            iso = row.day.isocalendar()
            per_week[f"{iso[0]}-W{iso[1]:02d}"] += 1
        else:
            missed += 1
    return {"handed_out": handed, "not_collected": missed,
            "per_week": [{"week": key, "monday": monday, "baskets": per_week[key]} for key, monday in weeks_of(period)]}


def volunteering(slots: list[SlotRow], period: Period) -> dict:
    """Rota places filled, distinct volunteers and hours given (filled slots' lengths, start to end)."""
    in_period = [row for row in slots if row.day in period]
    filled = [row for row in in_period if row.volunteer_id is not None]
    minutes = sum(row.minutes for row in filled if row.minutes is not None)
    return {"slots": len(filled), "volunteers": len({row.volunteer_id for row in filled}),
            "open_slots": len(in_period) - len(filled), "minutes": minutes,
            "hours": (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            "slots_without_times": sum(1 for row in filled if row.minutes is None)}


def per_family(lines: list[LineRow], period: Period) -> list[dict]:
    """Quantity per unit, value paid and value at cost, per product family (largest value first)."""
    families: dict[str, dict] = {}
    for line in _in(lines, period):
        entry = families.setdefault(line.family, {"family": line.family, "quantities": defaultdict(Decimal),
                                                  "value": Decimal("0.00"), "cost": Decimal("0.00")})
        entry["quantities"][line.unit] += line.quantity
        entry["value"] += line.paid
        entry["cost"] += line.at_cost
    out = [dict(entry, quantities=dict(sorted(entry["quantities"].items()))) for entry in families.values()]
    return sorted(out, key=lambda entry: (-entry["value"], entry["family"]))


def turnover(lines: list[LineRow], period: Period, charges: list[ChargeRow] | None = None) -> dict:
    """What households were charged for their baskets, split into goods at cost and tier adjustments.

    Served lines (basket_id set): the charge entries of their baskets (`charges`; None when the
    accounts are not kept: the lines' prices stand in, as for a basket without any charge). Lines
    estimated from orders (basket_id None): their prices and costs. `estimated` is the part of
    `charged` that does not come from the accounts."""
    charged_per_basket: dict = defaultdict(Decimal)
    for row in charges or ():
        if row.day in period:
            charged_per_basket[row.basket_id] += row.amount
    charged = sum(charged_per_basket.values(), Decimal("0.00"))
    estimated = fund_in = fund_out = Decimal("0.00")
    for line in _in(lines, period):
        line_cost, line_paid = line.at_cost, line.paid
        if line.basket_id is None or line.basket_id not in charged_per_basket:
            charged += line_paid
            estimated += line_paid
        if line_paid > line_cost:
            fund_in += line_paid - line_cost
        else:
            fund_out += line_cost - line_paid
    return {"charged": charged, "at_cost": charged - fund_in + fund_out, "paid_by_members": charged,
            "solidarity_in": fund_in, "solidarity_out": fund_out, "solidarity_balance": fund_in - fund_out,
            "estimated": estimated}


def months_of(period: Period) -> list[date]:
    """The first day of each calendar month the period touches."""
    out, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        out.append(date(year, month, 1))
        year, month = year + (month == 12), month % 12 + 1
    return out


def fund_movement(line: LineRow) -> Decimal:
    """What one handed-out line puts into the solidarity fund (> 0: a solidarity household paid above
    cost) or takes out of it (< 0: a priority household paid below cost): its price less its cost,
    each rounded to the cent as on the basket (the settlement's tier adjustment, line by line)."""
    return line.paid - line.at_cost


def solidarity_fund(lines: list[LineRow], period: Period, opening: Decimal = Decimal("0.00")) -> dict:
    """The solidarity fund month by month: money in (positive), money out (negative) and the balance
    at the end of each month, from `opening` (the fund's balance on the period's first day: every
    movement before it). Over a cycle's lines, in + out is the settlement's tier adjustments."""
    moves: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for line in _in(lines, period):
        movement = fund_movement(line)
        moves[(line.day.year, line.day.month)][0 if movement > 0 else 1] += movement
    balance, months = opening, []
    total_in = total_out = Decimal("0.00")
    for first in months_of(period):
        into, out = moves[(first.year, first.month)]
        balance += into + out
        total_in, total_out = total_in + into, total_out + out
        months.append({"month": first, "in": into, "out": out, "balance": balance})
    return {"opening": opening, "in": total_in, "out": total_out, "closing": opening + total_in + total_out,
            "months": months}


def payments(rows: list[PaymentRow], period: Period) -> dict:
    """Payments received per means of payment (net of reversed payments), and refunds, in the period."""
    received: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    refunded = Decimal("0.00")
    for row in rows:
        if row.day not in period:
            continue
        if row.kind == "refund":
            refunded += row.amount
        else:
            received[row.means or "other"] += row.amount
    by_means = [{"means": means, "amount": amount} for means, amount in sorted(received.items()) if amount]
    return {"received": sum(received.values(), Decimal("0.00")), "refunded": refunded, "by_means": by_means}


def label_shares(lines: list[LineRow], period: Period) -> dict:
    total = local = organic = fair = Decimal("0.00")
    for line in _in(lines, period):
        cost = line.at_cost
        total += cost
        local += cost if line.is_local else 0
        organic += cost if line.is_organic else 0
        fair += cost if line.is_fair_trade else 0
    return {"local": percent(local, total), "organic": percent(organic, total), "fair_trade": percent(fair, total)}


def communes_reached(members: list[MemberRow], period: Period, stop_communes: dict | None = None) -> dict:
    """Communes where member households live, plus those of the groups' van stops."""
    names = {m.commune for m in members if m.commune and is_member_on(m, period.end)}
    names |= {name for name in (stop_communes or {}).values() if name}
    return {"number": len(names), "names": sorted(names)}


def active_stops(lines: list[LineRow], period: Period, stop_names: dict, visited=None) -> set:
    """The van stops active in the period: visited by a cycle (`visited`, the stops' ids; None when
    unknown: every stop) or where something was handed out. A stop defined but never served is left out."""
    if visited is None:
        return set(stop_names)
    return {pk for pk in stop_names if pk in visited} | {line.stop_id for line in _in(lines, period)
                                                          if line.stop_id in stop_names}


def van_stops(members: list[MemberRow], lines: list[LineRow], period: Period, stop_names: dict,
              visited=None) -> list[dict]:
    """Per van stop active in the period: households attached to it at the period's end, and households
    served there."""
    active = active_stops(lines, period, stop_names, visited)
    attached = Counter(m.stop_id for m in members if m.stop_id in active and is_member_on(m, period.end))
    served: dict[int, set] = defaultdict(set)
    for line in _in(lines, period):
        if line.stop_id in active:
            served[line.stop_id].add(line.member_id)
    return [{"stop": stop_names[pk], "households": attached[pk], "served": len(served[pk])}
            for pk in sorted(active, key=lambda pk: stop_names[pk])]


def household_savings(members: list[MemberRow], lines: list[LineRow], period: Period) -> dict:
    """What households saved against the reference prices (rule: catalogue/savings.py), for all the
    households who bought in the period and for the priority ones: the total, the average per household
    and the share of spending that had a reference. Each total is rounded once."""
    priority_ids = {m.id for m in members if m.category == "priority"}
    in_period = [line for line in lines if line.day in period]

    def of(chosen: list[LineRow]) -> dict:
        result = savings(SavingLine(line.quantity, line.unit_price, line.reference_price) for line in chosen)
        buyers = len({line.member_id for line in chosen if line.quantity > 0})
        per_household = ((result.saved / buyers).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                         if buyers else None)
        return {"saved": result.saved, "households": buyers, "per_household": per_household,
                "spending": result.spending, "compared_spending": result.compared_spending,
                "share": percent(result.compared_spending, result.spending) if result.spending else None}

    everyone = of(in_period)
    return everyone | {"priority": of([line for line in in_period if line.member_id in priority_ids])}


def compute(*, members, referrals, fees, lines, period: Period, threshold: Decimal, stop_names=None,
            stop_communes=None, visited_stops=None, baskets=None, slots=None, charges=None, payment_rows=None,
            fund_opening: Decimal = Decimal("0.00")) -> dict:
    """Every indicator this module knows, for one scope and period. `baskets` and `slots` come from the
    distribution app, `charges` and `payment_rows` from the accounts app: None when it is not installed
    (the figures are then absent, not zero; turnover then reads the lines' prices). `fund_opening`: the
    solidarity fund's balance on the period's first day (the movements of every line before it).
    `visited_stops`: ids of the van stops a cycle visited in the period (None: unknown, every stop counts);
    only active stops are listed and their communes counted."""
    stop_names = stop_names or {}
    active = active_stops(lines, period, stop_names, visited_stops)
    stop_communes = {pk: name for pk, name in (stop_communes or {}).items() if pk in active}
    extra = {}
    if baskets is not None:
        extra["handed_out"] = baskets_handed_out(baskets, period)
    if slots is not None:
        extra["volunteering"] = volunteering(slots, period)
    if payment_rows is not None:
        extra["payments"] = payments(payment_rows, period)
    counted = basket_count(lines, period, baskets)
    return extra | {
        "period": {"start": period.start, "end": period.end},
        "households": households(members, lines, period),
        "priority": priority_share(members, period, threshold),
        "referrals": referrals_per_partner(referrals, period),
        "fees": membership_fees(fees, period),
        "baskets_per_week": baskets_per_week(lines, period, baskets),
        "baskets_per_month": baskets_per_month(lines, period, baskets),
        "baskets": counted["baskets"],
        "estimated_baskets": counted["estimated_baskets"],
        "families": per_family(lines, period),
        "turnover": turnover(lines, period, charges),
        "labels": label_shares(lines, period),
        "communes": communes_reached(members, period, stop_communes),
        "van_stops": van_stops(members, lines, period, stop_names, visited_stops),
        "savings": household_savings(members, lines, period),
        "solidarity_fund": solidarity_fund(lines, period, fund_opening),
    }


# --- the small-count rule ----------------------------------------------------------------------

def small(count: int):
    """A count of people for outside readers: 1 to 4 shows as "< 5" (0 stays 0: it names nobody)."""
    return SMALL_LABEL if 0 < count < SMALL else count


COUNT_KEYS = {"households", "persons", "new", "left", "active_buyers", "priority", "solidarity", "made", "joined",
              "count", "baskets", "served", "handed_out", "not_collected", "volunteers", "estimated_baskets"}


def for_outside(figures: dict) -> dict:
    """The same figures with every count of people below 5 masked, and shares over fewer than 5
    households hidden (a share of 3 households would give them away)."""

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return small(value)
        return value

    out = walk(figures)
    priority = figures["priority"]
    if 0 < priority["priority"] + priority["solidarity"] < SMALL:
        out["priority"]["share"] = None
    return out
