"""The figures of an invoice against an independent reference: integer cents, VAT per rate."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from grappe.invoicing.amounts import Line, totals

rates = st.sampled_from([D("0"), D("5.5"), D("10"), D("20")])
lines = st.lists(st.builds(
    Line, description=st.just("x"),
    quantity=st.integers(1, 50_000).map(lambda n: D(n) / 1000),
    unit_price=st.integers(0, 100_000).map(lambda n: D(n) / 100),
    vat_rate=rates), min_size=1, max_size=20)


def reference_cents(quantity: D, price: D) -> int:
    """Half-up rounding of quantity × price to the cent, with integers only."""
    thousandths_times_cents = int(quantity * 1000) * int(price * 100)  # in 1/100000 €
    return (thousandths_times_cents + 500) // 1000


@given(lines)
def test_totals_match_an_integer_reference(invoice_lines):
    bases: dict[D, int] = {}
    for line in invoice_lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, 0) + reference_cents(line.quantity, line.unit_price)
    vat_cents = sum((cents * int(rate * 10) + 500) // 1000 for rate, cents in bases.items())
    figures = totals(invoice_lines)
    assert figures.net == D(sum(bases.values())) / 100
    assert figures.vat == D(vat_cents) / 100
    assert figures.gross == figures.net + figures.vat
    assert [item.rate for item in figures.breakdown] == sorted(bases)


def test_vat_is_computed_on_each_rate_total_not_line_by_line():
    three_small = [Line("a", D("1"), D("0.02"), D("20"))] * 3  # 0.004 each: 0.00 line by line, 0.01 on 0.06
    assert totals(three_small).vat == D("0.01")
