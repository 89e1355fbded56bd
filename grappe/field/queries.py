"""Reads of the field app: the tour day's bundle (what a device may hold), basket stamps, scoped lookups.

The bundle holds only what a volunteer may see at the van: never a member's category, its basis,
income or referral (grappe/field/tests/test_bundle.py checks its JSON).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.accounts.models import AccountSettings, CheckoutFee, Entry, Means
from grappe.accounts.services import fee_due_at
from grappe.accounts.vouchers import active_issuers
from grappe.catalogue.models import Unit
from grappe.core.money import format_euros, plain_number
from grappe.core.text import fold
from grappe.distribution.models import Basket, BasketLine, Distribution, DistributionSettings
from grappe.distribution.services import stock_available
from grappe.members.models import Member, Membership
from grappe.network.models import BuyingGroup
from grappe.orders.models import CyclePrice, StockItem, unit_word

from .models import FieldDevice, FieldEntry

ZERO = Decimal("0")
DEVICE_MEANS = (Means.CASH, Means.CHEQUE, Means.VOUCHER)  # what the van takes (no card terminal, no transfer)
COMING_DAYS = 7


# --- The tour day ---------------------------------------------------------------------------------

def day_distributions(group, day) -> QuerySet[Distribution]:
    """The group's distributions on `day`, in driving order (the stops' positions, which the adopted
    tour sets in its visiting order)."""
    return (Distribution.objects.filter(group=group, date=day)
            .select_related("site", "cycle_stop", "cycle")
            .order_by("site__position", "site__name", "pk"))


def day_baskets(device) -> QuerySet[Basket]:
    return Basket.objects.filter(distribution__group_id=device.group_id, distribution__date=device.day)


def coming_days(scope, today: dt.date) -> list[dict]:
    """The tour days of the user's mobile groups from today to a week ahead, each with its stops,
    baskets and the devices prepared for it: [{"group", "day", "stops", "baskets", "devices"}]."""
    groups = scope.groups().filter(kind=BuyingGroup.Kind.MOBILE)
    rows = (Distribution.objects.filter(group__in=groups, date__gte=today,
                                        date__lte=today + dt.timedelta(days=COMING_DAYS))
            .values("group_id", "date").annotate(stops=Count("pk", distinct=True), baskets=Count("baskets"))
            .order_by("date", "group_id"))
    names = {g.pk: g for g in groups}
    devices = defaultdict(list)
    for device in FieldDevice.objects.filter(group__in=groups, day__gte=today).select_related("prepared_by"):
        devices[(device.group_id, device.day)].append(device)
    return [{"group": names[row["group_id"]], "day": row["date"], "stops": row["stops"], "baskets": row["baskets"],
             "devices": devices.get((row["group_id"], row["date"]), [])} for row in rows]


# --- Stamps ---------------------------------------------------------------------------------------

def _digest(status: str, lines, entries, fee) -> str:
    text = json.dumps([status, sorted(lines), sorted(entries), fee], default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stamps(baskets) -> dict[int, str]:
    """Per basket id, a hash of what an entry from a device relies on: the basket's status, its lines
    (id, served, allotted), the account entries tied to it (its charges and corrections, and the
    member's payments at its distribution) and a membership fee taken at its checkout. Three queries."""
    baskets = list(baskets)
    if not baskets:
        return {}
    ids = [b.pk for b in baskets]
    id_set = set(ids)
    lines = defaultdict(list)
    for basket_id, pk, served, allotted in BasketLine.objects.filter(basket_id__in=ids).values_list(
            "basket_id", "pk", "served", "allotted"):
        lines[basket_id].append((pk, str(served), str(allotted)))
    by_place = {(b.member_id, b.distribution_id): b.pk for b in baskets}
    entries = defaultdict(list)
    query = Q(basket_id__in=ids)
    for b in baskets:
        query |= Q(member_id=b.member_id, distribution_id=b.distribution_id)
    for pk, basket_id, member_id, distribution_id, amount in Entry.objects.filter(query).values_list(
            "pk", "basket_id", "member_id", "distribution_id", "amount"):
        owner = basket_id if basket_id in id_set else by_place.get((member_id, distribution_id))
        if owner is not None:
            entries[owner].append((pk, str(amount)))
    fees = dict(CheckoutFee.objects.filter(basket_id__in=ids).values_list("basket_id", "pk"))
    return {b.pk: _digest(b.status, lines[b.pk], entries[b.pk], fees.get(b.pk)) for b in baskets}


def stamp(basket) -> str:
    return stamps([Basket.objects.get(pk=basket.pk)])[basket.pk]


# --- The bundle -----------------------------------------------------------------------------------

def decimal_text(value, places: int | None = None) -> str | None:
    """A decimal as the device reads it: a string with a dot, never an exponent."""
    if value is None:
        return None
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return format(value, "f")


def unit_label(unit: str) -> str:
    return str(Unit(unit).label) if unit in Unit.values else unit


def basket_rows(baskets) -> list[dict]:
    """The baskets as the device holds them (the bundle's and the results' shape), in the given order."""
    baskets = list(baskets)
    if not baskets:
        return []
    members = [b.member for b in baskets]
    balances = dict(Entry.objects.filter(member__in=members).values("member_id").annotate(s=Sum("amount"))
                    .values_list("member_id", "s"))
    charged = dict(Entry.objects.filter(basket__in=baskets).values("basket_id").annotate(s=Sum("amount"))
                   .values_list("basket_id", "s"))
    stamp_of = stamps(baskets)
    ever_paid = set(Membership.objects.filter(member__in=members, paid_on__isnull=False)
                    .values_list("member_id", flat=True))
    out = []
    for basket in baskets:
        member = basket.member
        before = (balances.get(member.pk) or ZERO) - (charged.get(basket.pk) or ZERO)
        # a first fee is due only from a household that never paid one: ask no more of the others
        fee = None if member.pk in ever_paid else fee_due_at(basket)
        out.append({
            "id": basket.pk, "stamp": stamp_of[basket.pk], "status": basket.status,
            "member": {"number": member.number, "name": member.name, "search": f"{fold(member.name)} {member.number}",
                       "phone_or_paper": member.preferred_channel in (Member.Channel.CALL, Member.Channel.PAPER)},
            "balance": decimal_text(before, 2), "fee_due": decimal_text(fee, 2),
            "lines": [{"id": line.pk, "product": line.product_id, "name": line.name, "unit": line.unit,
                       "unit_label": unit_label(line.unit), "allotted": decimal_text(line.allotted, 3),
                       "served": decimal_text(line.served, 3), "unit_price": decimal_text(line.unit_price, 6),
                       "weighed": line.is_bulk, "from_stock": line.from_stock}
                      for line in basket.lines.all()],
            "stock_prices": {},
        })
    return out


def _baskets(query) -> QuerySet[Basket]:
    return (query.select_related("member__association", "distribution")
            .prefetch_related(Prefetch("lines", queryset=BasketLine.objects.order_by("from_stock", "name", "pk")))
            .order_by("member__number"))


def fresh_basket(basket_id) -> dict | None:
    """One basket in the device's shape, read again (a result of the send)."""
    rows = basket_rows(_baskets(Basket.objects.filter(pk=basket_id)))
    if not rows:
        return None
    basket = Basket.objects.select_related("member", "distribution").get(pk=basket_id)
    rows[0]["stock_prices"] = stock_prices(basket)
    return rows[0]


def stock_prices(basket) -> dict[str, str]:
    """What this member pays for each product of the van's stock (the price of their tier)."""
    prices = CyclePrice.objects.filter(cycle_id=basket.distribution.cycle_id,
                                       product_id__in=StockItem.objects.filter(group_id=basket.distribution.group_id,
                                                                               quantity__gt=0).values("product_id"))
    return {str(p.product_id): decimal_text(p.price_for(basket.member.category), 6) for p in prices}


def stock_rows(distributions) -> tuple[list[dict], dict[int, CyclePrice]]:
    """The van's stock to sell: the group's stock of the products its day's cycles offer, less what its
    open distributions already take out of it."""
    if not distributions:
        return [], {}
    first = distributions[0]
    cycle_ids = {d.cycle_id for d in distributions}
    prices = {}
    for price in CyclePrice.objects.filter(cycle_id__in=cycle_ids).order_by("cycle_id"):
        prices.setdefault(price.product_id, price)
    out = []
    for item in (StockItem.objects.filter(group_id=first.group_id, quantity__gt=0, product_id__in=list(prices))
                 .select_related("product").order_by("product__name")):
        available = stock_available(first, item.product_id)
        if available <= 0:
            continue
        price = prices[item.product_id]
        out.append({"product": item.product_id, "name": price.name, "unit": price.unit,
                    "unit_label": unit_label(price.unit), "unit_price": decimal_text(price.price_priority, 6),
                    "quantity": decimal_text(available, 3)})
    return out, prices


def bundle(device) -> dict:
    """Everything the device keeps for its tour day (docs/field-protocol.md, "The bundle")."""
    distributions = list(day_distributions(device.group, device.day))
    stock, prices = stock_rows(distributions)
    tolerance = DistributionSettings.for_association(device.association_id).weighing_tolerance_percent
    limit = AccountSettings.for_association(device.association_id).negative_limit
    by_distribution = defaultdict(list)
    baskets = list(_baskets(Basket.objects.filter(distribution__in=distributions)))
    for row, basket in zip(basket_rows(baskets), baskets, strict=True):
        row["stock_prices"] = {str(pid): decimal_text(price.price_for(basket.member.category), 6)
                               for pid, price in prices.items() if any(s["product"] == pid for s in stock)}
        by_distribution[basket.distribution_id].append(row)
    local = timezone.localtime
    return {
        "device": {"id": device.pk, "label": device.label},
        "prepared_at": local(device.prepared_at).isoformat(),
        "send_only_after": local(device.send_only_after).isoformat(),
        "day": device.day.isoformat(), "group": {"id": device.group_id, "name": device.group.name},
        "tolerance_percent": decimal_text(tolerance, 2), "negative_limit": decimal_text(limit, 2),
        "means": [{"code": code, "label": str(Means(code).label).capitalize()} for code in DEVICE_MEANS],
        # the association's active food-voucher issuers, offered as suggestions (the server matches names folded)
        "voucher_issuers": list(active_issuers(device.association_id).values_list("name", flat=True)),
        "stock": stock,
        "stops": [{"distribution": d.pk, "name": d.place or (d.site.name if d.site else ""),
                   "place": d.site.address if d.site else "", "time": d.cycle_stop.time if d.cycle_stop else "",
                   "position": position, "closed": d.status != Distribution.Status.PLANNED,
                   "baskets": by_distribution.get(d.pk, [])}
                  for position, d in enumerate(distributions, start=1)],
    }


# --- Scoped lookups (coordinators) ----------------------------------------------------------------

def _coordinated(scope) -> QuerySet[BuyingGroup]:
    if scope.association is None or not scope.is_coordinator:
        return BuyingGroup.objects.none()
    groups = BuyingGroup.objects.filter(association=scope.association)
    return groups if scope.is_admin else groups.filter(pk__in=scope.coordinated_ids)


def devices_for(scope) -> QuerySet[FieldDevice]:
    """The devices of the groups the user coordinates (admins: the association's), with their counts."""
    return (FieldDevice.objects.filter(association=scope.association, group__in=_coordinated(scope))
            .select_related("group", "prepared_by", "revoked_by")
            .annotate(received=Count("entries"),
                      refused=Count("entries", filter=Q(entries__status=FieldEntry.Status.REFUSED))))


def device_for(scope, pk, *, write: bool = False) -> FieldDevice:
    """A device of a group the user coordinates, or 404 (reading and revoking are the coordinators')."""
    try:
        return devices_for(scope).get(pk=pk)
    except (FieldDevice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def refused_for(scope) -> QuerySet[FieldEntry]:
    """The refused entries no coordinator has handled yet, of the groups the user coordinates."""
    return (FieldEntry.objects.filter(status=FieldEntry.Status.REFUSED, handled_at__isnull=True,
                                      device__association=scope.association, device__group__in=_coordinated(scope))
            .select_related("device__group", "basket__member", "basket__distribution")
            .order_by("device_at", "received_at"))


def refused_entry_for(scope, pk, *, write: bool = False) -> FieldEntry:
    """A refused entry waiting, of a group the user coordinates, or 404 (handling it is theirs too)."""
    try:
        return refused_for(scope).get(pk=pk)
    except (FieldEntry.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None


# --- What an entry said, in words (the coordinators' list) ----------------------------------------

def _quantity(value, unit: str) -> str:
    try:
        return f"{plain_number(Decimal(str(value)))} {unit_word(unit, Decimal(str(value)))}"
    except (ArithmeticError, ValueError, TypeError):
        return str(value)[:20]


def describe(entry) -> str:
    """What the volunteer entered, in the reader's language: "Paiement de 12,50 € (espèces)"..."""
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    try:
        return _describe(entry, payload)
    except (ArithmeticError, ValueError, TypeError, AttributeError):
        return json.dumps(payload, ensure_ascii=False)[:300]


def _describe(entry, payload) -> str:
    kind = entry.kind
    if kind in (FieldEntry.Kind.SERVED, FieldEntry.Kind.COLLECTED):
        lines = payload.get("lines") or {}
        names = {str(line.pk): line for line in BasketLine.objects.filter(
            basket_id=entry.basket_id, pk__in=[int(k) for k in lines if str(k).isdigit()])} if entry.basket_id else {}
        parts = [f"{names[k].name} {_quantity(v, names[k].unit)}" if k in names else f"#{k} {v}"
                 for k, v in lines.items()]
        if kind == FieldEntry.Kind.SERVED:
            return _("Weights: %(lines)s") % {"lines": " ; ".join(parts)}
        return _("Basket handed over") + (f" ({' ; '.join(parts)})" if parts else "")
    if kind == FieldEntry.Kind.NOT_COLLECTED:
        return str(_("Basket not collected"))
    if kind == FieldEntry.Kind.STOCK_SALE:
        price = CyclePrice.objects.filter(product_id=payload.get("product")).order_by("-pk").first()
        name = price.name if price else f"#{payload.get('product')}"
        return _("Sale from the van's stock: %(product)s %(quantity)s") % {
            "product": name, "quantity": _quantity(payload.get("quantity"), price.unit if price else "")}
    if kind == FieldEntry.Kind.PAYMENT:
        means = payload.get("means")
        label = str(Means(means).label) if means in Means.values else str(means)
        text = _("Payment of %(amount)s (%(means)s)") % {"amount": format_euros(Decimal(str(payload.get("amount")))),
                                                         "means": label}
        details = ", ".join(str(payload.get(k)) for k in ("issuer", "reference") if payload.get(k))
        return f"{text} {details}".strip()
    if kind == FieldEntry.Kind.FEE:
        means = payload.get("means")
        return _("Membership fee (%(means)s)") % {
            "means": str(Means(means).label) if means in Means.values else str(means)}
    if kind == FieldEntry.Kind.ON_ACCOUNT:
        return str(_("Left on account"))
    return json.dumps(payload, ensure_ascii=False)[:300]
