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
- an invoice that differs from what the delivery should cost, a passed-on cost recorded at another
  amount than what the prices recovered, or any other adjustment, is an *explained difference*
  only once someone gave its reason; otherwise it stays *unexplained*.

    margin      = goods charged at cost - cost of the goods served - rounding
    unexplained = margin - explained differences

A healthy cycle has margin 0.00 (no invoice or cost differences) or a margin fully explained
(unexplained 0.00); a cycle is settled only when unexplained is 0.00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Charge:
    """One charged line: quantity served, the member's unit price and the unit cost."""

    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)

    @property
    def at_cost(self) -> Decimal:
        return cents(self.quantity * self.unit_cost)


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
    label: str
    amount: Decimal
    reason: str = ""


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

    @property
    def balanced(self) -> bool:
        return self.unexplained == ZERO


def _sum(values) -> Decimal:
    return sum(values, ZERO)


def reconcile(*, charges: list[Charge], purchases: list[Purchase], invoices: list[Invoice],
              passed_on_costs: list[Decimal], stock: list[StockChange], losses: list[StockChange],
              differences: list[Difference] = ()) -> Report:
    charged = _sum(c.amount for c in charges)
    at_cost = _sum(c.at_cost for c in charges)
    tier = charged - at_cost
    invoiced = _sum(i.amount for i in invoices)
    passed_on = _sum(cents(a) for a in passed_on_costs)
    stock_exact = _sum(s.quantity * s.unit_cost for s in stock)
    loss_exact = _sum(s.quantity * s.unit_cost for s in losses)
    stock_change = cents(stock_exact)
    lost = cents(loss_exact)
    cost_of_goods = invoiced + passed_on - stock_change - lost

    # rounding, source by source (exact value minus the cents booked)
    served_exact = _sum(c.quantity * c.unit_cost for c in charges)
    bought_exact = _sum(p.quantity * p.supplier_unit for p in purchases)
    recovered_exact = _sum(p.quantity * p.passed_on_unit for p in purchases)
    expected_invoices = _sum(p.amount for p in purchases)
    rounding_lines = [
        Line("charges", "charges to members", at_cost - served_exact),
        Line("purchases", "supplier lines", bought_exact - expected_invoices),
        Line("passed_on", "passed-on costs", recovered_exact - cents(recovered_exact)),
        Line("stock", "stock value", stock_change - stock_exact),
        Line("losses", "losses", lost - loss_exact),
    ]
    rounding = _sum(line.amount for line in rounding_lines)

    diffs: list[Line] = []
    for invoice in invoices:
        gap = invoice.expected - invoice.amount  # an invoice above what it should be lowers the margin
        if gap != ZERO:
            diffs.append(Line("invoice", invoice.label, gap, invoice.reason))
    passed_gap = cents(recovered_exact) - passed_on
    if passed_gap != ZERO:
        diffs.append(Line("passed_on", "passed-on costs recorded differ from those recovered", passed_gap))
    for d in differences:
        diffs.append(Line("other", d.label, cents(d.amount), d.reason))

    margin = at_cost - cost_of_goods - rounding
    explained = _sum(d.amount for d in diffs if d.reason.strip())
    unexplained = margin - explained
    # the exact sums carry sub-cent parts that cancel; the report shows cents
    return Report(charged=charged, tier_adjustments=tier, at_cost=at_cost, invoices=invoiced, passed_on=passed_on,
                  stock_change=stock_change, losses=lost, cost_of_goods=cost_of_goods, rounding=rounding,
                  margin=margin, explained=explained, unexplained=unexplained, rounding_lines=rounding_lines,
                  differences=diffs)
