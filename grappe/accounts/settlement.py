"""Settlement of a cycle: the pure reconciliation (no Django), over Decimals.

What members were charged is split into the goods at cost and the tier adjustments (booked to
the solidarity fund). The goods at cost must equal what they cost the association:

    goods charged at cost = supplier invoices + passed-on costs
                            - increase in stock value - recorded losses
                            + rounding + explained differences          (and nothing else)

Each term is computed from its own records, never as a balancing figure:
- rounding is computed line by line: the cents a charge rounds away from served x unit cost, the
  cents a supplier line rounds away from delivered x unit price, likewise for passed-on costs,
  stock moves and losses. It is booked on its own line.
- what members' accounts were charged for the baskets (the ledger, net of reversals) may differ
  from what the baskets served say (a charge reversed by mistake...): that gap is money the
  association did (not) receive, so it is part of the margin, and a line of its own.

    margin      = goods charged at cost + ledger gap - cost of the goods served - rounding
                  (to the cent: the sub-cent rest is a rounding line of its own)

The margin is then split into lines, which add up to it exactly: each invoice that differs from
what its delivery should cost, passed-on costs recorded at another amount than the prices
recovered, the ledger gap, the differences a coordinator recorded, and whatever none of these
accounts for ("remainder"). A line is explained once it has a reason:

    explained   = the lines with a reason
    unexplained = margin - explained = the lines without a reason

A cycle is settled only when no line is left without a reason (so unexplained is 0.00, and two
unexplained lines that cancel out still block).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from grappe.core.money import ZERO, round_cents


@dataclass(frozen=True)
class Charge:
    """One charged line: quantity served, the member's unit price and the unit cost."""

    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal

    @property
    def amount(self) -> Decimal:
        return round_cents(self.quantity * self.unit_price)

    @property
    def at_cost(self) -> Decimal:
        return round_cents(self.quantity * self.unit_cost)


@dataclass(frozen=True)
class Purchase:
    """One supplier line as delivered: quantity, the amount it should be invoiced (incl. VAT, to the
    cent), and the cycle's unit prices (supplier part incl. VAT, passed-on part)."""

    quantity: Decimal
    amount: Decimal
    supplier_unit: Decimal
    passed_on_unit: Decimal


@dataclass(frozen=True)
class Invoice:
    label: str
    amount: Decimal
    expected: Decimal
    reason: str = ""


@dataclass(frozen=True)
class StockChange:
    """A quantity into (+) or out of (-) stock, or lost, valued at the cycle's unit cost."""

    quantity: Decimal
    unit_cost: Decimal


@dataclass(frozen=True)
class Difference:
    """A difference explained by a coordinator. key "other": part of the margin no recorded line
    accounts for; key "ledger": the part of the gap between members' accounts and baskets explained."""

    label: str
    amount: Decimal
    reason: str = ""
    key: str = "other"


@dataclass
class Line:
    key: str
    label: str
    amount: Decimal
    reason: str = ""


@dataclass
class Report:
    charged: Decimal
    tier_adjustments: Decimal
    at_cost: Decimal
    invoices: Decimal
    passed_on: Decimal
    stock_change: Decimal
    losses: Decimal
    cost_of_goods: Decimal
    rounding: Decimal
    margin: Decimal
    explained: Decimal
    unexplained: Decimal
    rounding_lines: list[Line] = field(default_factory=list)
    differences: list[Line] = field(default_factory=list)
    ledger_gap: Decimal = ZERO

    @property
    def to_explain(self) -> list[Line]:
        return [line for line in self.differences if line.amount != ZERO and not line.reason.strip()]

    @property
    def balanced(self) -> bool:
        return self.unexplained == ZERO and not self.to_explain

    @property
    def rounding_shown(self) -> list[Line]:
        """The rounding lines in cents, adding up to `rounding` as displayed (`allocate_cents`)."""
        cents = allocate_cents([line.amount for line in self.rounding_lines], self.rounding)
        return [Line(line.key, line.label, amount, line.reason) for line, amount in zip(self.rounding_lines, cents, strict=True)]


def _sum(values) -> Decimal:
    return sum(values, ZERO)


CENT = Decimal("0.01")


def allocate_cents(amounts: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """`amounts` (exact, sub-cent) shown in cents so that they add up to `total` (in cents; normally
    their sum rounded): each is rounded down to the cent, then the cents still missing go one by one
    to the largest remainders (largest remainder method; ties to the first). Each shown amount is
    within a cent of its exact value when `total` is the rounded sum."""
    floors = [(a / CENT).to_integral_value(rounding="ROUND_FLOOR") * CENT for a in amounts]
    missing = int((round_cents(total) - sum(floors, ZERO)) / CENT)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    shown = list(floors)
    if not order:
        return shown
    for k in range(abs(missing)):
        if missing > 0:
            shown[order[k % len(order)]] += CENT
        else:
            shown[order[-1 - k % len(order)]] -= CENT
    return shown


def reconcile(*, charges: list[Charge], purchases: list[Purchase], invoices: list[Invoice],
              passed_on_costs: list[Decimal], stock: list[StockChange], losses: list[StockChange],
              differences: Sequence[Difference] = (), ledger: Decimal | None = None) -> Report:
    """`ledger`: what members' accounts were charged for the cycle's baskets, net of reversals
    (None: what the baskets say)."""
    charged = _sum(c.amount for c in charges)
    at_cost = _sum(c.at_cost for c in charges)
    tier = charged - at_cost
    ledger_gap = ZERO if ledger is None else round_cents(ledger) - charged
    invoiced = _sum(i.amount for i in invoices)
    passed_on = _sum(round_cents(a) for a in passed_on_costs)
    stock_exact = _sum(s.quantity * s.unit_cost for s in stock)
    loss_exact = _sum(s.quantity * s.unit_cost for s in losses)
    stock_change = round_cents(stock_exact)
    lost = round_cents(loss_exact)
    cost_of_goods = invoiced + passed_on - stock_change - lost

    # rounding, source by source (exact value minus the cents booked)
    served_exact = _sum(c.quantity * c.unit_cost for c in charges)
    bought_exact = _sum(p.quantity * p.supplier_unit for p in purchases)
    recovered_exact = _sum(p.quantity * p.passed_on_unit for p in purchases)
    expected_invoices = _sum(p.amount for p in purchases)
    rounding_lines = [
        Line("charges", "charges to members", at_cost - served_exact),
        Line("purchases", "supplier lines", bought_exact - expected_invoices),
        Line("passed_on", "passed-on costs", recovered_exact - round_cents(recovered_exact)),
        Line("stock", "stock value", stock_change - stock_exact),
        Line("losses", "losses", lost - loss_exact),
    ]
    # what is left below the cent once every source is rounded (goods vanished at a unit cost with
    # six decimals): the margin is shown and explained in cents, so this rest is rounding too
    margin_exact = at_cost + ledger_gap - cost_of_goods - _sum(line.amount for line in rounding_lines)
    margin = round_cents(margin_exact)
    rounding_lines.append(Line("margin", "margin to the cent", margin_exact - margin))
    rounding = _sum(line.amount for line in rounding_lines)

    diffs: list[Line] = []
    for invoice in invoices:
        gap = invoice.expected - invoice.amount  # an invoice above what it should be lowers the margin
        if gap != ZERO:
            diffs.append(Line("invoice", invoice.label, gap, invoice.reason))
    passed_gap = round_cents(recovered_exact) - passed_on
    if passed_gap != ZERO:
        diffs.append(Line("passed_on", "passed-on costs recorded differ from those recovered", passed_gap))
    ledger_label = "members' accounts differ from the baskets served"
    ledger_explained = [d for d in differences if d.key == "ledger" and d.reason.strip() and round_cents(d.amount)]
    for d in ledger_explained:
        diffs.append(Line("ledger", ledger_label, round_cents(d.amount), d.reason))
    ledger_rest = ledger_gap - _sum(round_cents(d.amount) for d in ledger_explained)
    if ledger_rest != ZERO:
        diffs.append(Line("ledger", ledger_label, ledger_rest))
    for d in differences:
        if d.key != "ledger":
            diffs.append(Line("other", d.label, round_cents(d.amount), d.reason))
    remainder = margin - _sum(d.amount for d in diffs)
    if remainder != ZERO:
        diffs.append(Line("remainder", "difference no recorded line accounts for", remainder))

    explained = _sum(d.amount for d in diffs if d.reason.strip())
    unexplained = margin - explained
    return Report(charged=charged, tier_adjustments=tier, at_cost=at_cost, invoices=invoiced, passed_on=passed_on,
                  stock_change=stock_change, losses=lost, cost_of_goods=cost_of_goods, rounding=rounding,
                  margin=margin, explained=explained, unexplained=unexplained, rounding_lines=rounding_lines,
                  differences=diffs, ledger_gap=ledger_gap)
