"""Every indicator on a small dataset whose figures were worked out by hand (see the comments)."""

import math
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.reports import indicators as ind
from grappe.reports.indicators import FeeRow, LineRow, MemberRow, Period, ReferralRow

NOV = Period.month(2026, 11)


def member(pk, category, persons, status="active", joined=None, left=None, created=date(2020, 1, 1), commune="",
           stop=None):
    return MemberRow(id=pk, group_id=1, category=category, persons=persons, status=status, joined_on=joined,
                     left_on=left, created_on=created, commune=commune, stop_id=stop)


MEMBERS = [
    member(1, "priority", 3, joined=date(2025, 1, 10), commune="Die"),
    member(2, "priority", 1, joined=date(2026, 11, 5), commune="Die"),  # new in November
    member(3, "solidarity", 2, status="left", joined=date(2024, 3, 1), left=date(2026, 11, 20), commune="Crest"),
    member(4, "solidarity", 4, joined=date(2026, 12, 2)),  # joins after the period
    member(5, "priority", 2, status="waiting", created=date(2026, 11, 10)),  # waiting: not a member
    member(6, "priority", 1, joined=date(2026, 10, 1), commune="Saillans", stop=7),
    member(7, "solidarity", 2, joined=date(2020, 5, 5)),
]


def line(member_id, cycle, day, family, unit, qty, price, cost, **flags):
    return LineRow(member_id=member_id, cycle_id=cycle, day=day, family=family, unit=unit, quantity=D(qty),
                   unit_price=D(price), unit_cost=D(cost), **flags)


LINES = [
    line(1, 1, date(2026, 11, 3), "pulses", "kg", "2.5", "3.20", "3.00", is_local=True, is_organic=True),  # 8.00 / 7.50
    line(1, 1, date(2026, 11, 3), "fruit", "kg", "3", "2.10", "2.10"),  # 6.30 / 6.30
    line(6, 1, date(2026, 11, 3), "pulses", "kg", "1", "2.80", "3.00", is_organic=True, stop_id=7),  # 2.80 / 3.00
    line(7, 2, date(2026, 11, 17), "oils", "piece", "2", "7.50", "7.00", is_fair_trade=True),  # 15.00 / 14.00
    line(2, 2, date(2026, 12, 1), "pulses", "kg", "1", "3.20", "3.00"),  # December: outside
    line(2, 2, date(2026, 11, 17), "pulses", "kg", "0", "3.20", "3.00"),  # nothing ordered
]

REFERRALS = [
    ReferralRow("CCAS de Die", date(2026, 11, 2), date(2026, 11, 10)),
    ReferralRow("CCAS de Die", date(2026, 11, 15), None),
    ReferralRow("Centre social", date(2026, 10, 20), date(2026, 11, 5)),
    ReferralRow("Centre social", date(2026, 12, 1), None),
]

FEES = [FeeRow(1, date(2026, 11, 2), D("5.00")), FeeRow(2, date(2026, 11, 5), D("1.00")),
        FeeRow(6, date(2026, 10, 30), D("10.00"))]


def test_periods():
    assert NOV == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.month(2026, 12).end == date(2026, 12, 31)
    assert Period.year(2026) == Period(date(2026, 1, 1), date(2026, 12, 31))


def test_households_persons_new_left_and_buyers():
    # at 30 November: members 1, 2, 6, 7 (3 left on the 20th, 4 joins in December, 5 waits)
    assert ind.households(MEMBERS, LINES, NOV) == {
        "households": 4, "persons": 3 + 1 + 1 + 2, "new": 1, "left": 1, "active_buyers": 3}


def test_priority_share_against_the_threshold():
    # 3 priority (1, 2, 6) out of 4: 75.0 % >= 70 %
    assert ind.priority_share(MEMBERS, NOV, D("70")) == {
        "priority": 3, "solidarity": 1, "share": D("75.0"), "threshold": D("70"), "meets_threshold": True}
    assert ind.priority_share(MEMBERS, NOV, D("80"))["meets_threshold"] is False


def test_referrals_per_partner_made_and_joined():
    assert ind.referrals_per_partner(REFERRALS, NOV) == [
        {"partner": "CCAS de Die", "made": 2, "joined": 1}, {"partner": "Centre social", "made": 0, "joined": 1}]


def test_membership_fees():
    fees = ind.membership_fees(FEES, NOV)
    assert (fees["count"], fees["total"]) == (2, D("6.00"))
    # every means listed, even at zero; fees recorded without their means apart
    assert [(row["means"], row["count"], row["amount"]) for row in fees["by_means"]] == [
        ("cash", 0, D("0.00")), ("cheque", 0, D("0.00")), ("card", 0, D("0.00")), ("transfer", 0, D("0.00")),
        ("voucher", 0, D("0.00")), ("", 2, D("6.00"))]


def test_membership_fees_by_means_of_payment_add_up_to_the_total():
    rows = [FeeRow(1, date(2026, 11, 2), D("5.00"), "cash"), FeeRow(2, date(2026, 11, 3), D("1.00"), "cash"),
            FeeRow(3, date(2026, 11, 4), D("12.00"), "cheque"), FeeRow(4, date(2026, 11, 5), D("2.00"), "transfer"),
            FeeRow(5, date(2026, 11, 6), D("1.50"), "voucher"), FeeRow(6, date(2026, 12, 1), D("9.00"), "card")]
    fees = ind.membership_fees(rows, NOV)
    by_means = {row["means"]: (row["count"], row["amount"]) for row in fees["by_means"]}
    assert by_means == {"cash": (2, D("6.00")), "cheque": (1, D("12.00")), "card": (0, D("0.00")),
                        "transfer": (1, D("2.00")), "voucher": (1, D("1.50"))}  # December's card fee is not in November
    assert sum(amount for _count, amount in by_means.values()) == fees["total"] == D("21.50")
    assert sum(count for count, _amount in by_means.values()) == fees["count"] == 5
    outside = ind.for_outside({**ind.compute(members=[], referrals=[], fees=rows, lines=[], period=NOV,
                                             threshold=D("70"))})
    assert {row["means"]: row["count"] for row in outside["fees"]["by_means"]}["cash"] == "< 5"  # small counts masked


def test_the_solidarity_fund_month_by_month_from_its_opening_balance():
    def line(day, member, quantity, price, cost):
        return LineRow(member_id=member, cycle_id=1, day=day, family="pulses", unit="kg", quantity=D(quantity),
                       unit_price=D(price), unit_cost=D(cost), basket_id=member)

    lines = [line(date(2026, 10, 30), 1, "2", "2.20", "2.00"),      # before the period: in the opening
             line(date(2026, 11, 4), 2, "3", "2.20", "2.00"),       # +0.60 (solidarity)
             line(date(2026, 11, 4), 3, "2.5", "1.80", "2.00"),     # -0.50 (priority)
             line(date(2026, 11, 18), 4, "1.333", "1.8", "2.0"),    # 2.3994 -> 2.40, 2.666 -> 2.67: -0.27
             line(date(2026, 12, 2), 5, "1", "2.50", "2.50"),       # at cost: nothing
             line(date(2027, 1, 6), 2, "1", "2.20", "2.00")]        # after the period
    fund = ind.solidarity_fund(lines, Period(date(2026, 11, 1), date(2026, 12, 31)), opening=D("10.00"))
    assert [(m["month"], m["in"], m["out"], m["balance"]) for m in fund["months"]] == [
        (date(2026, 11, 1), D("0.60"), D("-0.77"), D("9.83")), (date(2026, 12, 1), D("0.00"), D("0.00"), D("9.83"))]
    assert (fund["opening"], fund["in"], fund["out"], fund["closing"]) == (D("10.00"), D("0.60"), D("-0.77"),
                                                                         D("9.83"))
    # the same movements as the turnover's money into and out of the fund
    turnover = ind.turnover(lines, Period(date(2026, 11, 1), date(2026, 12, 31)))
    assert (turnover["solidarity_in"], -turnover["solidarity_out"]) == (fund["in"], fund["out"])


def test_baskets_per_week_include_empty_weeks():
    weeks = ind.baskets_per_week(LINES, NOV)
    # 1 Nov 2026 is a Sunday: weeks from Monday 26 Oct to Monday 30 Nov
    assert [(w["week"], w["baskets"]) for w in weeks] == [
        ("2026-W44", 0), ("2026-W45", 2), ("2026-W46", 0), ("2026-W47", 1), ("2026-W48", 0), ("2026-W49", 0)]


def test_quantities_and_values_per_family():
    assert ind.per_family(LINES, NOV) == [
        {"family": "oils", "quantities": {"piece": D("2")}, "value": D("15.00"), "cost": D("14.00")},
        {"family": "pulses", "quantities": {"kg": D("3.5")}, "value": D("10.80"), "cost": D("10.50")},
        {"family": "fruit", "quantities": {"kg": D("3")}, "value": D("6.30"), "cost": D("6.30")},
    ]


def test_turnover_at_cost_and_tier_adjustments_estimated_from_orders():
    # no distribution recorded (no basket_id): all from the orders, hence all "estimated"
    # in: 0.50 (line 1) + 1.00 (oil); out: 0.20 (line 3); charged 32.10; at cost 32.10 - 1.50 + 0.20 = 30.80
    assert ind.turnover(LINES, NOV) == {"charged": D("32.10"), "at_cost": D("30.80"), "paid_by_members": D("32.10"),
                                        "solidarity_in": D("1.50"), "solidarity_out": D("0.20"),
                                        "solidarity_balance": D("1.30"), "estimated": D("32.10")}


def test_local_organic_fair_shares_of_value_at_cost():
    # local 7.50 / 30.80 = 24.35 %; organic 10.50 / 30.80 = 34.09 %; fair 14.00 / 30.80 = 45.45 %
    assert ind.label_shares(LINES, NOV) == {"local": D("24.4"), "organic": D("34.1"), "fair_trade": D("45.5")}


def test_communes_reached():
    assert ind.communes_reached(MEMBERS, NOV, {7: "Vassieux"}) == {"number": 3, "names": ["Die", "Saillans", "Vassieux"]}


def test_van_stops_households_attached_and_served():
    assert ind.van_stops(MEMBERS, LINES, NOV, {7: "Vassieux"}) == [{"stop": "Vassieux", "households": 1, "served": 1}]


def test_an_empty_scope_gives_zeroes_not_errors():
    figures = ind.compute(members=[], referrals=[], fees=[], lines=[], period=NOV, threshold=D("70"))
    assert figures["households"]["households"] == 0
    assert figures["priority"]["share"] is None and figures["labels"]["local"] is None
    assert figures["turnover"]["at_cost"] == D("0.00")


def test_small_counts_show_as_less_than_five_for_outside_readers():
    figures = ind.compute(members=MEMBERS, referrals=REFERRALS, fees=FEES, lines=LINES, period=NOV,
                          threshold=D("70"), stop_names={7: "Vassieux"}, stop_communes={7: "Vassieux"})
    outside = ind.for_outside(figures)
    assert outside["households"] == {"households": "< 5", "persons": 7, "new": "< 5", "left": "< 5",
                                     "active_buyers": "< 5"}
    assert outside["priority"]["priority"] == "< 5" and outside["priority"]["share"] is None
    assert outside["referrals"] == [{"partner": "CCAS de Die", "made": "< 5", "joined": "< 5"},
                                    {"partner": "Centre social", "made": 0, "joined": "< 5"}]
    assert outside["baskets"] == "< 5"
    assert (outside["fees"]["count"], outside["fees"]["total"]) == ("< 5", D("6.00"))  # amounts are not masked
    assert outside["fees"]["by_means"][-1] == {"means": "", "count": "< 5", "amount": D("6.00")}
    assert outside["van_stops"] == [{"stop": "Vassieux", "households": "< 5", "served": "< 5"}]
    assert outside["communes"]["number"] == 3  # communes are places, not people
    assert figures["households"]["households"] == 4  # the team's figures are untouched


@pytest.mark.parametrize("count, shown", [(0, 0), (1, "< 5"), (4, "< 5"), (5, 5), (120, 120)])
def test_the_small_count_rule(count, shown):
    assert ind.small(count) == shown


def test_each_line_is_rounded_once_and_the_total_is_their_sum():
    # three households take 0.335 kg at 1.00 EUR (cost 0.90): each pays 0.335 -> 0.34, total 1.02
    # (rounding the sum instead would give 1.005 -> 1.01); at cost 0.3015 -> 0.30 each, 0.90 in all;
    # 0.04 a line to the fund: 0.12
    lines = [line(m, 1, date(2026, 11, 3), "pulses", "kg", "0.335", "1.00", "0.90") for m in (1, 2, 3)]
    t = ind.turnover(lines, NOV)
    assert (t["charged"], t["at_cost"], t["solidarity_in"], t["solidarity_out"]) == (
        D("1.02"), D("0.90"), D("0.12"), D("0.00"))
    assert ind.per_family(lines, NOV)[0]["value"] == D("1.02")


# --- Properties: each indicator against a computation written differently (exact fractions, row by
# row, sets instead of counters), never the indicator's own formula.

def cents(amount: F) -> F:
    """Half-up to the cent for non-negative fractions, with integers only."""
    return F(math.floor(amount * 100 + F(1, 2)), 100)


def tenth(amount: F) -> F:
    return F(math.floor(amount * 10 + F(1, 2)), 10)


DAYS = st.dates(min_value=date(2026, 10, 20), max_value=date(2026, 12, 10))
ROWS = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), DAYS, st.sampled_from(["pulses", "oils", "fruit"]),
                          st.decimals("0", "50", places=3), st.decimals("0.5", "9", places=2),
                          st.decimals("0.5", "9", places=2), st.booleans(), st.booleans(), st.booleans()),
                max_size=30)


def as_lines(rows):
    return [line(m, cycle, day, family, "kg", str(q), str(p), str(c), is_local=loc, is_organic=org,
                 is_fair_trade=fair) for m, cycle, day, family, q, p, c, loc, org, fair in rows]


def counted(rows):
    """The rows that count: in November, something ordered; with each amount worked out exactly."""
    out = []
    for m, cycle, day, family, q, p, c, loc, org, fair in rows:
        if date(2026, 11, 1) <= day <= date(2026, 11, 30) and q > 0:
            out.append({"member": m, "cycle": cycle, "day": day, "family": family, "q": F(str(q)),
                        "paid": cents(F(str(q)) * F(str(p))), "cost": cents(F(str(q)) * F(str(c))),
                        "local": loc, "organic": org, "fair": fair})
    return out


@given(ROWS)
def test_turnover_is_the_sum_of_each_lines_amounts(rows):
    t = ind.turnover(as_lines(rows), NOV)
    ref = counted(rows)
    assert F(t["charged"]) == sum((r["paid"] for r in ref), F(0)) == F(t["estimated"])
    assert F(t["at_cost"]) == sum((r["cost"] for r in ref), F(0))
    assert F(t["solidarity_in"]) == sum((r["paid"] - r["cost"] for r in ref if r["paid"] > r["cost"]), F(0))
    assert F(t["solidarity_out"]) == sum((r["cost"] - r["paid"] for r in ref if r["cost"] > r["paid"]), F(0))


@given(ROWS)
def test_families_add_up_to_the_turnover_row_by_row(rows):
    families = ind.per_family(as_lines(rows), NOV)
    ref = counted(rows)
    for family in {r["family"] for r in ref}:
        entry = next(f for f in families if f["family"] == family)
        mine = [r for r in ref if r["family"] == family]
        assert F(entry["value"]) == sum((r["paid"] for r in mine), F(0))
        assert F(entry["cost"]) == sum((r["cost"] for r in mine), F(0))
        assert F(entry["quantities"]["kg"]) == sum((r["q"] for r in mine), F(0))
    assert {f["family"] for f in families} == {r["family"] for r in ref}
    assert [f["value"] for f in families] == sorted((f["value"] for f in families), reverse=True)


@given(ROWS)
def test_label_shares_are_exact_shares_of_the_cost_rounded_to_a_tenth(rows):
    shares = ind.label_shares(as_lines(rows), NOV)
    ref = counted(rows)
    whole = sum((r["cost"] for r in ref), F(0))
    for name, flag in (("local", "local"), ("organic", "organic"), ("fair_trade", "fair")):
        if whole == 0:
            assert shares[name] is None
        else:
            assert F(shares[name]) == tenth(sum((r["cost"] for r in ref if r[flag]), F(0)) * 100 / whole)


@given(ROWS)
def test_baskets_are_the_distinct_orders_of_the_period_week_by_week(rows):
    weeks = ind.baskets_per_week(as_lines(rows), NOV)
    ref = counted(rows)
    orders = {(r["member"], r["cycle"], r["day"]) for r in ref}
    assert sum(w["baskets"] for w in weeks) == len(orders) == ind.basket_count(as_lines(rows), NOV)["baskets"]
    for w in weeks:  # each week: the orders handed out from its Monday to its Sunday
        assert w["baskets"] == sum(1 for _m, _c, day in orders if w["monday"] <= day < w["monday"] + timedelta(7))
    assert weeks[0]["monday"] <= NOV.start and weeks[-1]["monday"] + timedelta(7) > NOV.end


def test_baskets_per_month_for_long_periods():
    months = ind.baskets_per_month(LINES, Period(date(2026, 10, 15), date(2026, 12, 31)))
    # November: (1, c1), (6, c1), (7, c2); December: (2, c2)
    assert [(m["month"], m["baskets"]) for m in months] == [
        (date(2026, 10, 1), 0), (date(2026, 11, 1), 3), (date(2026, 12, 1), 1)]


def test_baskets_handed_out_per_week():
    rows = [ind.BasketRow(1, date(2026, 11, 3), True), ind.BasketRow(6, date(2026, 11, 3), True),
            ind.BasketRow(7, date(2026, 11, 17), False), ind.BasketRow(2, date(2026, 12, 1), True)]
    out = ind.baskets_handed_out(rows, NOV)
    assert (out["handed_out"], out["not_collected"]) == (2, 1)
    assert [(w["week"], w["baskets"]) for w in out["per_week"]][:3] == [("2026-W44", 0), ("2026-W45", 2),
                                                                         ("2026-W46", 0)]


def test_volunteering_counts_filled_slots_and_people():
    rows = [ind.SlotRow(10, date(2026, 11, 3)), ind.SlotRow(10, date(2026, 11, 17)), ind.SlotRow(11, date(2026, 11, 3)),
            ind.SlotRow(None, date(2026, 11, 3)), ind.SlotRow(12, date(2026, 10, 3))]
    assert ind.volunteering(rows, NOV) == {"slots": 3, "volunteers": 2, "open_slots": 1, "minutes": 0,
                                           "hours": D("0.00"), "slots_without_times": 3}


def test_distribution_figures_are_absent_not_zero_without_the_distribution_app():
    figures = ind.compute(members=[], referrals=[], fees=[], lines=[], period=NOV, threshold=D("70"))
    assert "handed_out" not in figures and "volunteering" not in figures


# --- What was recorded at the distributions and in the accounts (November 2026) -------------------
# Basket 101 (household 1, 3 Nov), 102 (household 6 at van stop 7, 3 Nov), 104 (household 2, 17 Nov):
# collected. Basket 103 (household 7, 17 Nov): not collected, so no lines. Household 7 also ordered in
# cycle 3 of a group without any distribution recorded (24 Nov): that order stands in, "estimated".

def served(member_id, cycle, day, family, unit, qty, price, cost, basket, **flags):
    return line(member_id, cycle, day, family, unit, qty, price, cost, basket_id=basket, **flags)


SERVED = [
    # lentils weighed at 2.4 kg (2.5 allotted): 2.4 x 3.20 = 7.68 charged, 2.4 x 3.00 = 7.20 at cost
    served(1, 1, date(2026, 11, 3), "pulses", "kg", "2.4", "3.20", "3.00", 101, is_local=True, is_organic=True),
    served(1, 1, date(2026, 11, 3), "fruit", "kg", "3", "2.10", "2.10", 101),  # 6.30 / 6.30
    # a priority household pays less: 1.1 x 2.80 = 3.08 charged, 1.1 x 3.00 = 3.30 at cost
    served(6, 1, date(2026, 11, 3), "pulses", "kg", "1.1", "2.80", "3.00", 102, is_organic=True, stop_id=7),
    served(2, 2, date(2026, 11, 17), "oils", "piece", "2", "7.50", "7.00", 104, is_fair_trade=True),  # 15.00 / 14.00
    line(7, 3, date(2026, 11, 24), "pulses", "kg", "1", "3.20", "3.00"),  # estimated from the order: 3.20 / 3.00
    served(5, 4, date(2026, 12, 1), "pulses", "kg", "9", "3.00", "3.00", 106),  # December: outside
]

BASKETS = [ind.BasketRow(1, date(2026, 11, 3), True, id=101), ind.BasketRow(6, date(2026, 11, 3), True, id=102),
           ind.BasketRow(7, date(2026, 11, 17), False, id=103), ind.BasketRow(2, date(2026, 11, 17), True, id=104),
           ind.BasketRow(5, date(2026, 12, 1), True, id=106)]

CHARGES = [
    ind.ChargeRow(101, date(2026, 11, 3), D("13.98")),  # 7.68 + 6.30
    ind.ChargeRow(101, date(2026, 11, 3), D("-13.98")),  # basket reopened: charge reversed...
    ind.ChargeRow(101, date(2026, 11, 3), D("13.98")),  # ...and charged again once handed out
    ind.ChargeRow(102, date(2026, 11, 3), D("3.08")),
    # basket 104 has no charge entry (handed out before the accounts were kept): its lines' prices count
    ind.ChargeRow(106, date(2026, 12, 1), D("27.00")),  # December: outside
]


def test_turnover_is_what_households_were_charged_for_collected_baskets():
    # charged from the accounts: 13.98 - 13.98 + 13.98 + 3.08 = 17.06
    # no charge recorded: basket 104's lines 15.00, the estimated order 3.20 -> estimated 18.20
    # charged = 17.06 + 18.20 = 35.26
    # in: 7.68 - 7.20 = 0.48, 15.00 - 14.00 = 1.00, 3.20 - 3.00 = 0.20 -> 1.68; out: 3.30 - 3.08 = 0.22
    # at cost = 35.26 - 1.68 + 0.22 = 33.80 (= 7.20 + 6.30 + 3.30 + 14.00 + 3.00)
    assert ind.turnover(SERVED, NOV, CHARGES) == {
        "charged": D("35.26"), "at_cost": D("33.80"), "paid_by_members": D("35.26"), "solidarity_in": D("1.68"),
        "solidarity_out": D("0.22"), "solidarity_balance": D("1.46"), "estimated": D("18.20")}


def test_families_and_labels_use_the_served_quantities():
    # pulses: 2.4 + 1.1 + 1 = 4.5 kg (not the 2.5 allotted); 7.68 + 3.08 + 3.20 = 13.96; 7.20 + 3.30 + 3.00 = 13.50
    assert ind.per_family(SERVED, NOV) == [
        {"family": "oils", "quantities": {"piece": D("2")}, "value": D("15.00"), "cost": D("14.00")},
        {"family": "pulses", "quantities": {"kg": D("4.5")}, "value": D("13.96"), "cost": D("13.50")},
        {"family": "fruit", "quantities": {"kg": D("3")}, "value": D("6.30"), "cost": D("6.30")},
    ]
    # at cost 33.80: local 7.20 -> 21.30 %; organic 7.20 + 3.30 = 10.50 -> 31.07 %; fair 14.00 -> 41.42 %
    assert ind.label_shares(SERVED, NOV) == {"local": D("21.3"), "organic": D("31.1"), "fair_trade": D("41.4")}


def test_baskets_handed_out_per_week_are_collected_baskets_plus_estimated_orders():
    # W45: baskets 101 and 102 (3 Nov); W47: 104 (103 was not collected); W48: household 7's order (24 Nov)
    weeks = ind.baskets_per_week(SERVED, NOV, BASKETS)
    assert [(w["week"], w["baskets"]) for w in weeks] == [
        ("2026-W44", 0), ("2026-W45", 2), ("2026-W46", 0), ("2026-W47", 1), ("2026-W48", 1), ("2026-W49", 0)]
    assert ind.basket_count(SERVED, NOV, BASKETS) == {"baskets": 4, "estimated_baskets": 1}
    # October to December, per month: November 4, December basket 106
    months = ind.baskets_per_month(SERVED, Period(date(2026, 10, 1), date(2026, 12, 31)), BASKETS)
    assert [m["baskets"] for m in months] == [0, 4, 1]


def test_buyers_and_van_stops_served_come_from_the_served_lines():
    # households 1, 6, 2 (collected) and 7 (estimated order); 5 is in December
    assert ind.households(MEMBERS, SERVED, NOV)["active_buyers"] == 4
    assert ind.van_stops(MEMBERS, SERVED, NOV, {7: "Vassieux"}) == [{"stop": "Vassieux", "households": 1, "served": 1}]


PAYMENTS = [
    ind.PaymentRow(date(2026, 11, 3), "cash", "payment", D("20.00")),
    ind.PaymentRow(date(2026, 11, 3), "cheque", "payment", D("13.98")),
    ind.PaymentRow(date(2026, 11, 17), "cash", "payment", D("5.00")),
    ind.PaymentRow(date(2026, 11, 18), "cash", "payment", D("-5.00")),  # that cash payment cancelled
    ind.PaymentRow(date(2026, 11, 17), "voucher", "payment", D("10.00")),
    ind.PaymentRow(date(2026, 11, 20), "cash", "refund", D("2.00")),
    ind.PaymentRow(date(2026, 12, 2), "transfer", "payment", D("50.00")),  # December: outside
]


def test_payments_received_per_means_of_payment():
    # cash 20.00 + 5.00 - 5.00 = 20.00; cheque 13.98; voucher 10.00; total 43.98; refunds 2.00
    assert ind.payments(PAYMENTS, NOV) == {
        "received": D("43.98"), "refunded": D("2.00"),
        "by_means": [{"means": "cash", "amount": D("20.00")}, {"means": "cheque", "amount": D("13.98")},
                     {"means": "voucher", "amount": D("10.00")}]}


SLOTS = [
    ind.SlotRow(10, date(2026, 11, 3), 120),  # 17:00 - 19:00
    ind.SlotRow(11, date(2026, 11, 3), 30),  # 16:30 - 17:00
    ind.SlotRow(10, date(2026, 11, 17), 150),  # 16:30 - 19:00
    ind.SlotRow(12, date(2026, 11, 17), None),  # filled, no times (carried over from the old text)
    ind.SlotRow(None, date(2026, 11, 17), 60),  # nobody: not counted
    ind.SlotRow(13, date(2026, 10, 27), 120),  # October: outside
]


def test_volunteer_hours_are_the_filled_slots_lengths():
    # 120 + 30 + 150 = 300 minutes = 5 hours; volunteers 10, 11, 12; one slot without times
    assert ind.volunteering(SLOTS, NOV) == {"slots": 4, "volunteers": 3, "open_slots": 1, "minutes": 300,
                                            "hours": D("5.00"), "slots_without_times": 1}
    # 45 minutes is 0.75 h, 20 minutes 0.33 h (rounded to the hundredth)
    assert ind.volunteering([ind.SlotRow(1, date(2026, 11, 3), 45)], NOV)["hours"] == D("0.75")
    assert ind.volunteering([ind.SlotRow(1, date(2026, 11, 3), 20)], NOV)["hours"] == D("0.33")


def test_the_new_counts_follow_the_small_count_rule():
    figures = ind.compute(members=MEMBERS, referrals=[], fees=[], lines=SERVED, period=NOV, threshold=D("70"),
                          baskets=BASKETS, slots=SLOTS, charges=CHARGES, payment_rows=PAYMENTS)
    outside = ind.for_outside(figures)
    assert (figures["baskets"], figures["estimated_baskets"]) == (4, 1)
    assert (outside["baskets"], outside["estimated_baskets"]) == ("< 5", "< 5")
    assert outside["volunteering"]["volunteers"] == "< 5"
    assert outside["volunteering"]["hours"] == D("5.00")  # hours are not people
    assert outside["turnover"]["charged"] == D("35.26") and outside["payments"]["received"] == D("43.98")
    assert [w["baskets"] for w in outside["baskets_per_week"]] == [0, "< 5", 0, "< 5", "< 5", 0]


def test_savings_in_total_per_household_and_for_priority_households():
    lines = [
        line(1, 1, date(2026, 11, 3), "pulses", "kg", "2.5", "3.20", "3.00", reference_price=D("4.00")),  # +2.00
        line(1, 1, date(2026, 11, 3), "fruit", "kg", "3", "2.10", "2.10"),  # no reference: 6.30 not compared
        line(6, 1, date(2026, 11, 3), "pulses", "kg", "1", "2.80", "3.00", reference_price=D("2.50")),  # −0.30
        line(7, 2, date(2026, 11, 17), "oils", "piece", "2", "7.50", "7.00", reference_price=D("9.10")),  # +3.20
        line(2, 2, date(2026, 12, 1), "pulses", "kg", "1", "3.20", "3.00", reference_price=D("9.00")),  # December
    ]
    saved = ind.compute(members=MEMBERS, referrals=[], fees=[], lines=lines, period=NOV, threshold=D("70"))["savings"]
    # all: 2.00 − 0.30 + 3.20 = 4.90 over 3 households (1, 6, 7) → 1.63; spending 8.00 + 6.30 + 2.80 + 15.00
    # = 32.10, of which compared 8.00 + 2.80 + 15.00 = 25.80 → 80.4 %
    assert (saved["saved"], saved["households"], saved["per_household"]) == (D("4.90"), 3, D("1.63"))
    assert (saved["spending"], saved["compared_spending"], saved["share"]) == (D("32.10"), D("25.80"), D("80.4"))
    # priority households 1 and 6: 2.00 − 0.30 = 1.70 over 2 → 0.85; compared 10.80 of 17.10 → 63.2 %
    priority = saved["priority"]
    assert (priority["saved"], priority["households"], priority["per_household"]) == (D("1.70"), 2, D("0.85"))
    assert priority["share"] == D("63.2")


def test_no_reference_no_saving_and_no_share_when_nothing_was_bought():
    saved = ind.compute(members=[], referrals=[], fees=[], lines=[], period=NOV, threshold=D("70"))["savings"]
    assert saved["saved"] == D("0.00") and saved["share"] is None and saved["per_household"] is None
