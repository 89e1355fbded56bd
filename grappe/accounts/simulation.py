"""One complete cycle through the real services, inside a new association of its own.

Used by `manage.py simulate_cycle`, by the property test over many random cycles and by the
benchmark. Nothing outside the new association is touched (no user is created: services run
with `by=None`, as the cron jobs do).
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
import uuid
from decimal import Decimal

from django.utils import timezone

from grappe.catalogue import services as catalogue_services
from grappe.catalogue.models import Family, GroupSelection, PriceTier, Product, Supplier
from grappe.core.money import round_cents, round_unit_price
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, BasketLine, Distribution, DistributionSettings
from grappe.members.models import Member, Membership
from grappe.network.models import Association, BuyingGroup
from grappe.orders import services as order_services
from grappe.orders.models import CyclePrice, OrderLine, PurchaseOrder, StockItem
from grappe.orders.services import GroupPlan, LineChange, ReceivedLine

from . import services, vouchers
from .models import AccountSettings, Means, Voucher, VoucherIssuer
from .queries import expected_invoice, settlement_report

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
FAMILIES = [Family.PULSES, Family.CEREALS, Family.OILS, Family.BREAKFAST, Family.DRIED_FRUIT, Family.FRUIT]


class Timer:
    def __init__(self):
        self.seconds = {}

    def step(self, name):
        timer = self

        class _Step:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.seconds[name] = round(time.perf_counter() - self.start, 3)

        return _Step()


def simulate(*, groups=2, households=20, products=8, seed=0, deferred_fees=0, bank_step=None) -> dict:
    """`deferred_fees`: the first households join without paying; each pays the first fee at her
    checkout (members.Membership, by the means of a `CheckoutFee`), money that never enters the
    ledger nor the cycle's books: the cycle must settle all the same.

    `bank_step`: the households who pay by transfer do so on the bank account instead of at the till
    (their basket is left on account); after the distributions, `bank_step(association=, cycle=,
    owed=[members])` is called (grappe.bank.simulation: a statement of their transfers, imported) and
    what it returns is the result's "bank". The settlement comes after it."""
    global _RUN_SALT
    _RUN_SALT = secrets.randbits(128)  # see services_key
    rng = random.Random(seed)
    timer = Timer()
    counts = {}
    today = timezone.localdate()

    with timer.step("setup"):
        slug = f"simulation-{seed}-{secrets.token_hex(4)}"
        association = Association.objects.create(name=f"Simulation {seed}", slug=slug)
        DistributionSettings.objects.create(association=association, weighing_tolerance_percent=Decimal("10"))
        AccountSettings.objects.create(association=association, negative_limit=Decimal("15.00"))
        vouchers.save_issuer(association=association, by=None, name="CCAS", kind=VoucherIssuer.Kind.CCAS)
        PriceTier.objects.create(association=association, category=Member.Category.SOLIDARITY,
                                 percent=Decimal(rng.choice(["0", "5", "10"])))
        PriceTier.objects.create(association=association, category=Member.Category.PRIORITY,
                                 percent=Decimal(rng.choice(["0", "-10"])))
        group_rows = BuyingGroup.objects.bulk_create(
            [BuyingGroup(association=association, name=f"Groupement {i + 1}") for i in range(groups)])
        members = []
        for i in range(households):
            priority = rng.random() < 0.7
            members.append(Member(
                association=association, group=group_rows[i % groups], number=i + 1, name=f"Foyer {i + 1}",
                category=Member.Category.PRIORITY if priority else Member.Category.SOLIDARITY,
                priority_basis=Member.PriorityBasis.REFERRAL if priority else "", joined_on=today))
        members = Member.objects.bulk_create(members, batch_size=1000)
        Membership.objects.bulk_create([Membership(member=m, year=today.year, fee=Decimal("1.00"), paid_on=today)
                                        for m in members[deferred_fees:]], batch_size=1000)
        suppliers = []
        for i in range(max(1, (products + 9) // 10)):
            suppliers.append(Supplier.objects.create(
                association=association, name=f"Fournisseur {i + 1}",
                transport_cost_per_kg=Decimal(rng.choice(["0", "0.0500", "0.1230"])),
                cost_share_percent=Decimal(rng.choice(["0", "1.50"]))))
        product_rows = []
        for i in range(products):
            bulk = rng.random() < 0.6
            pack = rng.choice([Decimal("5"), Decimal("12.5"), Decimal("25")]) if bulk else rng.choice(
                [None, Decimal("6"), Decimal("12")])
            product_rows.append(catalogue_services.create_product(
                by=None, supplier=suppliers[i % len(suppliers)], name=f"Produit {i + 1}", reference=f"P{i + 1}",
                family=FAMILIES[i % len(FAMILIES)], unit=Product.Unit.KG if bulk else Product.Unit.PIECE,
                is_bulk=bulk, pack_size=pack, order_step=Decimal("0.5") if bulk else ONE,
                pack_price_excl_vat=Decimal(rng.randint(150, 9000)) / 100, vat_rate=rng.choice(
                    [Decimal("5.50"), Decimal("20.00")]),
                weight_kg_per_unit=ONE if bulk else Decimal(rng.choice(["0.5", "1.2"]))))
        GroupSelection.objects.bulk_create([GroupSelection(group=g, product=p) for g in group_rows
                                            for p in product_rows])

    with timer.step("open"):
        now = timezone.now()
        cycle = order_services.create_cycle(
            association=association, name=f"Simulation {seed}", opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=1), by=None,
            groups=[GroupPlan(g, today + datetime.timedelta(days=3), place="Salle") for g in group_rows])
        cycle = order_services.open_cycle(cycle=cycle, by=None)
        prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle)}

    with timer.step("orders"):
        ids = sorted(prices)
        for member in members:
            chosen = rng.sample(ids, k=min(len(ids), rng.randint(1, 6)))
            lines = []
            for pid in chosen:
                price = prices[pid]
                steps = rng.randint(1, 8 if price.is_bulk else 3)
                tolerance = price.order_step * rng.randint(0, 2) if price.pack_size else ZERO
                lines.append(LineChange(pid, price.order_step * steps, tolerance))
            order_services.place_order(cycle=cycle, member=member, lines=lines, by=None)
        counts["order_lines"] = OrderLine.objects.filter(cycle=cycle).count()

    with timer.step("close"):
        cycle = order_services.close_cycle(cycle=cycle, by=None, confirm=True)
        counts["purchase_orders"] = PurchaseOrder.objects.filter(cycle=cycle).count()

    with timer.step("receipt"):
        counts["shortages"] = receive(rng, cycle)

    with timer.step("distribution"):
        distributions = distribution_services.create_distributions(cycle=cycle, by=None)
        payments = not_collected = instant = fees = 0
        owed: list | None = [] if bank_step is not None else None
        for d in distributions:
            baskets = list(Basket.objects.filter(distribution=d).select_related("member", "distribution")
                           .prefetch_related("lines"))
            stock = {item.product_id: item.quantity for item in StockItem.objects.filter(group_id=d.group_id)}
            for basket in baskets:
                if rng.random() < 0.05:
                    distribution_services.mark_not_collected(basket=basket, by=None)
                    not_collected += 1
                    continue
                weigh(rng, basket)
                if rng.random() < 0.05:
                    pid = rng.choice(ids)
                    if stock.get(pid, ZERO) >= 2:
                        distribution_services.add_from_stock(basket=basket, product_id=pid,
                                                             quantity=prices[pid].order_step, by=None)
                        stock[pid] -= prices[pid].order_step
                        instant += 1
                services.collect_basket(basket=basket, by=None)
                if deferred_fees and services.fee_due_at(basket) is not None:
                    services.take_first_fee(basket=basket, means=Means.CASH, by=None)
                    fees += 1
                payments += pay_basket(rng, basket, d, at_bank=owed)
            count_cash(d)
            distribution_services.close_distribution(distribution=d, by=None, early=True)
        counts.update(distributions=len(distributions), payments=payments, not_collected=not_collected, fees=fees,
                      instant_sales=instant,
                      baskets=Basket.objects.filter(distribution__cycle=cycle).count(),
                      basket_lines=BasketLine.objects.filter(basket__distribution__cycle=cycle).count())

    bank = None
    if bank_step is not None:
        with timer.step("bank"):
            bank = bank_step(association=association, cycle=cycle, owed=owed)

    with timer.step("invoices"):
        invoice_suppliers(cycle, today)

    with timer.step("settlement"):
        report = settlement_report(cycle)
        settled = report.balanced
        if settled:
            services.settle_cycle(cycle=cycle, by=None)

    with timer.step("vouchers"):  # the CCAS's vouchers of the day claimed, then paid back
        ccas = vouchers.find_issuer(association.pk, "CCAS")
        received = Voucher.objects.filter(association=association).count()
        claimed = 0
        first_day = today - datetime.timedelta(days=1)  # a run that crossed midnight
        if ccas is not None and vouchers.claim_preview(ccas, first_day, timezone.localdate())[0]:
            claim = vouchers.open_claim(association, ccas, first_day, timezone.localdate(), by=None)
            claimed = vouchers.mark_reimbursed(claim, on=timezone.localdate(), by=None).count
        counts.update(vouchers=received, vouchers_claimed=claimed)

    counts.update(groups=groups, households=households, products=products)
    return ({} if bank is None else {"bank": bank}) | {
        "association": slug, "cycle": cycle.pk, "seed": seed, "counts": counts, "seconds": timer.seconds,
        "total_seconds": round(sum(timer.seconds.values()), 3),
        "charged": f"{report.charged:.2f}", "tier_adjustments": f"{report.tier_adjustments:.2f}",
        "invoices": f"{report.invoices:.2f}", "stock_change": f"{report.stock_change:.2f}",
        "losses": f"{report.losses:.2f}", "rounding": f"{report.rounding:.2f}",
        "margin": f"{report.margin:.2f}", "unexplained": f"{report.unexplained:.2f}", "settled": settled,
    }


def receive(rng, cycle, by=None, now=None) -> int:
    """Receipts of every purchase order of `cycle`: a few shortages and damaged items; returns the shortages."""
    shortages = 0
    for po in PurchaseOrder.objects.filter(cycle=cycle).prefetch_related("lines"):
        received = []
        for line in po.lines.all():
            delivered, damaged = line.quantity, ZERO
            roll = rng.random()
            if roll < 0.15 and line.quantity > 1:
                delivered = (line.quantity * Decimal(rng.randint(50, 95)) / HUNDRED).quantize(ONE)
                shortages += 1
            elif roll < 0.22 and line.quantity >= 1:
                damaged = ONE
            received.append(ReceivedLine(line.pk, delivered, damaged))
        order_services.record_receipt(purchase_order=po, lines=received, by=by, now=now)
    return shortages


def weigh(rng, basket, by=None, now=None) -> None:
    """Bulk lines of a basket served a little above or below what was allotted (within 9 %)."""
    served = {}
    for line in basket.lines.all():
        if line.is_bulk and line.allotted > 0:
            gap = line.allotted * Decimal(rng.randint(-90, 90)) / 1000  # within 9 %
            served[line.pk] = (line.allotted + gap).quantize(Decimal("0.005"))
    if served:
        distribution_services.record_served(basket=basket, served=served, by=by, now=now)


def invoice_suppliers(cycle, day, by=None) -> None:
    """Each purchase order invoiced at what was delivered and paid on `day`; the costs the cycle's
    prices recovered beyond the suppliers' prices (transport, shared costs) booked as passed on."""
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle)}
    recovered = ZERO
    for po in PurchaseOrder.objects.filter(cycle=cycle).prefetch_related("lines").select_related("supplier"):
        amount = sum((expected_invoice(line) for line in po.lines.all()), Decimal("0.00"))
        invoice = services.record_invoice(purchase_order=po, number=f"F-{po.number}", date=day,
                                          amount=amount, due_date=day + datetime.timedelta(days=30), by=by)
        if amount > 0:
            services.pay_supplier(invoice=invoice, amount=amount, date=day, by=by)
        for line in po.lines.all():
            price = prices[line.product_id]
            delivered = line.quantity if line.delivered is None else line.delivered
            size = line.pack_size or ONE
            supplier_unit = round_unit_price(line.pack_price_excl_vat * (ONE + line.vat_rate / HUNDRED) / size)
            recovered += delivered * (price.unit_cost - supplier_unit)
    if round_cents(recovered):
        services.record_passed_on_cost(cycle=cycle, label="Transport et frais", amount=round_cents(recovered), by=by)


def pay_basket(rng, basket, distribution, by=None, now=None, at_bank: list | None = None, issuer="CCAS") -> int:
    """Mixed payments for a collected basket; returns how many payments were recorded. `at_bank`: the
    households who pay by transfer leave the basket on account and are added to it (they pay on the
    bank account; the bank step books their transfers). `issuer`: the name of one of the association's
    voucher issuers (the vouchers' payments need one)."""
    total = round_cents(sum((line.amount for line in BasketLine.objects.filter(basket=basket)), ZERO))
    if total <= 0:
        return 0
    roll = rng.random()
    member = basket.member
    common = {"member": member, "by": by, "distribution": distribution, "now": now}
    if roll < 0.45:
        services.record_payment(amount=total, means=Means.CASH, key=services_key(rng), **common)
        return 1
    if roll < 0.6:
        services.record_payment(amount=total, means=Means.CARD, **common)
        return 1
    if roll < 0.7:
        services.record_payment(amount=total, means=Means.CHEQUE, reference=f"{rng.randint(1, 999999):07d}", **common)
        return 1
    if roll < 0.8 and total > 5:
        services.record_payment(amount=Decimal("5.00"), means=Means.VOUCHER, issuer=issuer,
                                reference=f"B{rng.randint(1, 99999)}", voucher_value=Decimal("5.00"), **common)
        services.record_payment(amount=total - Decimal("5.00"), means=Means.CASH, **common)
        return 2
    if roll < 0.9 and at_bank is not None:
        services.leave_on_account(member=member, by=by, confirmed=True)
        at_bank.append(member)
        return 0
    if roll < 0.9:
        services.record_payment(amount=total, means=Means.TRANSFER, **common)
        return 1
    try:
        services.leave_on_account(member=member, by=by)
        return 0
    except services.BelowLimit:
        services.record_payment(amount=total, means=Means.CASH, **common)
        return 1


_RUN_SALT = 0


def services_key(rng):
    """A payment form's idempotency key. The bits drawn from `rng` keep the random sequence (and so the
    figures) of a seed; a salt drawn per run makes the key unique, so that running the same seed twice on
    one database does not reuse the first run's keys (the column is unique across associations)."""
    return uuid.UUID(int=rng.getrandbits(128) ^ _RUN_SALT, version=4)


def count_cash(distribution: Distribution, by=None):
    expected = services.expected_takings(distribution)
    services.record_cash_count(distribution=distribution, counted={m: v for m, v in expected.items()},
                               reasons={}, by=by)
