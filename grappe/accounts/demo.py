"""Demo data for the accounts: the association's credit limit, and one past cycle carried through to
the end (orders, receipt, distribution, payments, supplier invoices, settlement), so that the reports
and the funder's PDF have baskets, turnover and payments to show.

Runs after the orders and distribution demos (INSTALLED_APPS order). Everything goes through the
services, dated with their `now=` a few weeks before today, using the helpers of `simulation`.
Idempotent: the cycle is looked up by name and built only once (each demo runs in one transaction).
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from grappe.accounts import services, vouchers
from grappe.accounts.models import AccountSettings, VoucherIssuer
from grappe.accounts.queries import settlement_report
from grappe.accounts.simulation import count_cash, invoice_suppliers, pay_basket, receive, weigh
from grappe.distribution import services as distribution_services
from grappe.distribution.demo import TASKS
from grappe.distribution.models import Basket
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup
from grappe.orders import services as order_services
from grappe.orders.demo import fill
from grappe.orders.models import OrderCycle

DONE = "Commande distribuée (démo)"
# the food-voucher issuers of the demo (name, kind, address for the claims, contact, scheme)
ISSUERS = [
    ("CCAS de Romans-sur-Isère", VoucherIssuer.Kind.CCAS, "Place Jules Nadi\n26100 Romans-sur-Isère",
     "Service action sociale, 04 75 00 00 10", "Convention bons alimentaires 2026"),
    ("Département de la Drôme", VoucherIssuer.Kind.DEPARTEMENT, "26 avenue du Président Herriot\n26000 Valence",
     "Direction des solidarités", "Chèques d'accompagnement personnalisé"),
]
TUESDAY = 1
# who took which slot of the rota (the demo has three team logins; the other slots stay open)
ROTA = {"Romans-sur-Isère": {"Installation": "admin", "Pesée du vrac": "benevole", "Caisse": "coordination"},
        "Die": {"Pesée du vrac": "coordination", "Caisse": "admin"}}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def dates(today: dt.date) -> dict:
    """Romans hands out on a Tuesday about four weeks ago, Die on the Thursday after; ordering opened
    about six weeks ago and closed about five weeks ago; the goods arrived the day before."""
    romans = today - dt.timedelta(days=28)
    romans -= dt.timedelta(days=(romans.weekday() - TUESDAY) % 7)
    closes = _at(romans - dt.timedelta(days=6), 12)
    return {"Romans-sur-Isère": romans, "Die": romans + dt.timedelta(days=2), "opens": closes - dt.timedelta(days=7),
            "closes": closes, "received": _at(romans - dt.timedelta(days=1), 10),
            "invoiced": romans + dt.timedelta(days=10)}


def load(stdout) -> list:
    association = Association.objects.filter(slug="vrac-drome").first()
    if association is None:
        return []
    AccountSettings.objects.get_or_create(association=association, defaults={"negative_limit": Decimal("20.00")})
    for name, kind, address, contact, scheme in ISSUERS:
        if vouchers.find_issuer(association.pk, name) is None:
            vouchers.save_issuer(association=association, by=None, name=name, kind=kind, address=address,
                                 contact=contact, scheme_reference=scheme)
    if not OrderCycle.objects.filter(association=association, name=DONE).exists():
        _past_cycle(association, stdout)
    return []


def _past_cycle(association, stdout):
    groups = list(BuyingGroup.objects.filter(association=association, name__in=["Romans-sur-Isère", "Die"])
                  .order_by("name"))
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "coordination",
                                                                                  "benevole"])}
    if len(groups) < 2 or len(users) < 3:
        stdout.write("Comptes : cycle passé ignoré (il faut d'abord le réseau et les adhérents).")
        return
    coordinator, volunteer = users["coordination"], users["benevole"]
    rng = random.Random(2610)
    when = dates(timezone.localdate())

    cycle = order_services.create_cycle(
        association=association, name=DONE, opens_at=when["opens"], closes_at=when["closes"], by=coordinator,
        groups=[order_services.GroupPlan(g, when[g.name], site=g.sites.filter(is_stop=False).first())
                for g in groups])
    cycle = order_services.open_cycle(cycle=cycle, by=coordinator, now=when["opens"])
    payers = list(Member.objects.filter(association=association, group__in=groups, status=Member.Status.ACTIVE,
                                        memberships__year=timezone.localdate().year,
                                        memberships__paid_on__isnull=False)
                  .select_related("group", "user").order_by("number"))
    ordering = [m for m in payers if m.number == 1 or rng.random() < 0.8]  # most households, the demo login too
    fill(cycle, ordering, rng, coordinator, now=when["opens"] + dt.timedelta(days=1))
    cycle = order_services.close_cycle(cycle=cycle, by=coordinator, confirm=True, now=when["closes"])
    receive(rng, cycle, by=coordinator, now=when["received"])

    for distribution in distribution_services.create_distributions(cycle=cycle, by=coordinator):
        for task, starts_at, ends_at in TASKS:
            slot = distribution_services.add_slot(distribution=distribution, task=task, starts_at=starts_at,
                                                  ends_at=ends_at)
            helper = ROTA[distribution.group.name].get(task)
            if helper:
                distribution_services.sign_up(slot=slot, by=users[helper])
        baskets = (Basket.objects.filter(distribution=distribution).select_related("member", "distribution")
                   .prefetch_related("lines").order_by("member__number"))
        for index, basket in enumerate(baskets):
            now = _at(distribution.date, 17) + dt.timedelta(minutes=index)
            # a few households did not come, nor those whose whole order fell into shortages
            if rng.random() < 0.07 or not basket.lines.all():
                distribution_services.mark_not_collected(basket=basket, by=coordinator, now=_at(distribution.date, 19))
                continue
            weigh(rng, basket, by=volunteer, now=now)
            services.collect_basket(basket=basket, by=volunteer, now=now)
            pay_basket(rng, basket, distribution, by=coordinator, now=now, issuer=ISSUERS[0][0])
        count_cash(distribution, by=coordinator)
        distribution_services.close_distribution(distribution=distribution, by=coordinator,
                                                 now=_at(distribution.date, 19, 30))

    invoice_suppliers(cycle, when["invoiced"], by=users["admin"])
    issuer = vouchers.find_issuer(association.pk, ISSUERS[0][0])
    if vouchers.claim_preview(issuer, when["Romans-sur-Isère"], when["Die"])[0]:
        claim = vouchers.open_claim(association, issuer, when["Romans-sur-Isère"], when["Die"], by=users["admin"],
                                    now=_at(when["invoiced"], 17))
        stdout.write(f"Bons alimentaires : demande {claim.reference} ({claim.count} bons, {claim.total:.2f} €).")
    report = settlement_report(cycle)
    if report.balanced:
        services.settle_cycle(cycle=cycle, by=users["admin"], now=_at(when["invoiced"], 18))
    stdout.write(f"Comptes : « {DONE} » distribuée{' et soldée' if report.balanced else ''} "
                 f"({report.charged:.2f} € servis, marge {report.margin:.2f} €).")
