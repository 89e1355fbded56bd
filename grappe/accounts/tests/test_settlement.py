"""The pure reconciliation: margin 0.00 whenever the flows are consistent, and every difference found."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.accounts.settlement import Charge, Difference, Invoice, Purchase, StockChange, cents, reconcile

ZERO = D("0.00")
prices = st.decimals(min_value=D("0.10"), max_value=D("30"), places=6)
quantities = st.decimals(min_value=D("0"), max_value=D("40"), places=3)


@st.composite
def consistent_cycle(draw):
    """Products bought, served (in several lines), part to stock and part damaged: quantities balance."""
    charges, purchases, stock, losses, invoices = [], [], [], [], []
    for _ in range(draw(st.integers(1, 5))):
        supplier_unit = draw(prices)
        passed_on = draw(st.decimals(min_value=D("0"), max_value=D("1"), places=6))
        cost = supplier_unit + passed_on
        tier = draw(st.sampled_from([D("0"), D("0.1"), D("-0.1")]))
        served = draw(st.lists(quantities, min_size=0, max_size=6))
        to_stock = draw(st.decimals(min_value=D("-5"), max_value=D("20"), places=3))
        damaged = draw(st.decimals(min_value=D("0"), max_value=D("3"), places=3))
        delivered = sum(served, D("0")) + to_stock + damaged
        for q in served:
            charges.append(Charge(q, (cost * (1 + tier)).quantize(D("0.000001")), cost))
        amount = cents(delivered * supplier_unit + draw(st.decimals(min_value=D("-0.004"), max_value=D("0.004"),
                                                                    places=3)))
        purchases.append(Purchase(delivered, amount, supplier_unit, passed_on))
        invoices.append(Invoice("F", amount, amount))
        stock.append(StockChange(to_stock, cost))
        losses.append(StockChange(damaged, cost))
    recovered = sum((p.quantity * p.passed_on_unit for p in purchases), D("0"))
    return dict(charges=charges, purchases=purchases, invoices=invoices, passed_on_costs=[cents(recovered)],
                stock=stock, losses=losses)


@settings(max_examples=300, deadline=None)
@given(consistent_cycle())
def test_consistent_flows_have_zero_margin_and_nothing_unexplained(cycle):
    report = reconcile(**cycle)
    assert report.margin == ZERO
    assert report.unexplained == ZERO
    assert report.at_cost + report.tier_adjustments == report.charged
    assert report.cost_of_goods + report.rounding == report.at_cost


@settings(max_examples=100, deadline=None)
@given(consistent_cycle(), st.decimals(min_value=D("0.01"), max_value=D("50"), places=2))
def test_an_invoice_above_the_delivery_is_a_difference_until_explained(cycle, extra):
    invoice = cycle["invoices"][0]
    cycle["invoices"][0] = Invoice("F", invoice.amount + extra, invoice.expected)
    report = reconcile(**cycle)
    assert report.margin == -extra and report.unexplained == -extra and not report.balanced
    cycle["invoices"][0] = Invoice("F", invoice.amount + extra, invoice.expected, reason="price rise")
    assert reconcile(**cycle).unexplained == ZERO


def test_goods_vanishing_show_as_an_unexplained_difference():
    purchases = [Purchase(D("10"), D("20.00"), D("2"), D("0"))]
    charges = [Charge(D("9"), D("2"), D("2"))]  # one kilo neither served, stocked nor recorded lost
    report = reconcile(charges=charges, purchases=purchases, invoices=[Invoice("F", D("20.00"), D("20.00"))],
                       passed_on_costs=[], stock=[], losses=[])
    assert report.margin == D("-2.00") and not report.balanced
    explained = reconcile(charges=charges, purchases=purchases, invoices=[Invoice("F", D("20.00"), D("20.00"))],
                          passed_on_costs=[], stock=[], losses=[],
                          differences=[Difference("missing kilo", D("-2.00"), "spilt")])
    assert explained.balanced


def test_tier_adjustments_are_booked_apart_from_the_goods():
    report = reconcile(charges=[Charge(D("10"), D("2.2"), D("2"))], purchases=[Purchase(D("10"), D("20.00"), D("2"),
                       D("0"))], invoices=[Invoice("F", D("20.00"), D("20.00"))], passed_on_costs=[], stock=[],
                       losses=[])
    assert report.charged == D("22.00") and report.tier_adjustments == D("2.00") and report.margin == ZERO
