"""Turn the indicators into what people read: a summary, tables and charts (same for page, PDF, XLSX)."""

import base64
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext

from grappe.accounts.models import Means
from grappe.catalogue.models import Family, Unit

from . import charts
from .indicators import for_outside


@dataclass
class Table:
    title: str
    header: list
    rows: list
    note: str = ""  # how the figures are counted, in one or two sentences under the table
    sheet: str = ""  # a shorter name for the XLSX sheet (at most 31 characters), when the title is longer


@dataclass
class Chart:
    title: str
    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


@dataclass
class Report:
    scope_label: str
    period_label: str
    outside: bool
    figures: dict
    summary: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)


def euros(value) -> str:
    return f"{number_format(value, 2, force_grouping=True)}\u00a0€"


def pct(value) -> str:
    return "—" if value is None else f"{number_format(value, 1)}\u00a0%"


def num(value) -> str:
    return value if isinstance(value, str) else number_format(value, force_grouping=True)


# The families' names, carried by this app's catalogue too (the catalogue app owns the choices).
FAMILY_NAMES = [gettext_noop("pulses"), gettext_noop("cereals and pasta"), gettext_noop("oils and condiments"),
                gettext_noop("breakfast"), gettext_noop("dried fruit and nuts"), gettext_noop("bakery and flour"),
                gettext_noop("hygiene and cleaning"), gettext_noop("fruit"), gettext_noop("other")]


def family_label(code: str) -> str:
    try:
        return str(Family(code).label)
    except ValueError:
        return code or str(Family.OTHER.label)


def quantity(value) -> str:
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(value, force_grouping=True)


def quantities_label(quantities: dict) -> str:
    return ", ".join(f"{quantity(q)}\u00a0{Unit(unit).label if unit in Unit.values else unit}"
                     for unit, q in quantities.items())


def build(figures: dict, *, scope_label: str, period, outside: bool, with_charts: bool = True) -> Report:
    shown = for_outside(figures) if outside else figures
    h, p, t, lab = shown["households"], shown["priority"], shown["turnover"], shown["labels"]
    report = Report(scope_label=scope_label, outside=outside, figures=shown,
                    period_label=pgettext("period of days", "from %(start)s to %(end)s") % {"start": date_format(period.start, "j F Y"),
                                                                    "end": date_format(period.end, "j F Y")})
    report.summary = [
        (_("Member households (at the end of the period)"), num(h["households"]), ""),
        (_("Persons in these households"), num(h["persons"]), ""),
        (_("New households"), num(h["new"]), ""),
        (_("Households that left"), num(h["left"]), ""),
        (_("Households that bought at least once"), num(h["active_buyers"]), ""),
        (_("Share of priority households"), pct(p["share"]), ""),
        (_("Minimum share required"), pct(p["threshold"]), ""),
        (_("Baskets handed out"), num(shown["baskets"]), baskets_help(shown)),
        (_("Charged to households for their baskets"), euros(t["charged"]), turnover_help(t)),
        (_("Purchases at cost price"), euros(t["at_cost"]),
         _("What was charged, less the money into the solidarity fund, plus the money out of it.")),
        (_("Solidarity fund: in (solidarity households)"), euros(t["solidarity_in"]), ""),
        (_("Solidarity fund: out (priority households)"), euros(t["solidarity_out"]), ""),
        (_("Local products (share of value at cost)"), pct(lab["local"]), _("Share of the value at cost of what was served at distributions.")),
        (_("Organic products (share of value at cost)"), pct(lab["organic"]), ""),
        (_("Fair-trade products (share of value at cost)"), pct(lab["fair_trade"]), ""),
        (_("Membership fees received"), euros(shown["fees"]["total"]),
         _("Memberships paid in the period, by the date of payment.")),
        (_("Memberships paid"), num(shown["fees"]["count"]), _("By means of payment: see the table below.")),
        (_("Communes reached"), num(shown["communes"]["number"]), ""),
    ]
    fund = shown["solidarity_fund"]
    report.summary[12:12] = [(_("Solidarity fund: balance at the end of the period"), euros(fund["closing"]),
                              _("Month by month: see the table below."))]
    report.summary += savings_rows(shown["savings"])
    if "handed_out" in shown:
        report.summary[8:8] = [(_("Baskets not collected"), num(shown["handed_out"]["not_collected"]), "")]
    if "payments" in shown:
        pay = shown["payments"]
        report.summary += [(_("Payments received"), euros(pay["received"]),
                            _("Payments into the households' accounts, less payments cancelled."))]
        report.summary += [(_("Payments received: %(means)s") % {"means": means_label(row["means"])},
                            euros(row["amount"]), "") for row in pay["by_means"]]
        report.summary += [(_("Refunds to households"), euros(pay["refunded"]), "")]
    if "volunteering" in shown:
        v = shown["volunteering"]
        report.summary += [(_("Volunteer hours"), hours(v["hours"]), volunteering_help(v)),
                           (_("Volunteer places filled on the rota"), num(v["slots"]), ""),
                           (_("Volunteers who took part"), num(v["volunteers"]), "")]
    report.tables = [
        Table(_("Referrals per partner"), [_("Partner"), _("Referrals made"), _("Households who joined")],
              [[r["partner"], num(r["made"]), num(r["joined"])] for r in shown["referrals"]]),
        Table(_("Products per family"), [_("Family"), _("Quantities"), _("Value at cost"), _("Paid by households")],
              [[family_label(f["family"]), quantities_label(f["quantities"]), euros(f["cost"]), euros(f["value"])]
               for f in shown["families"]]),
        Table(_("Van stops"), [_("Stop"), _("Households attached"), _("Households served")],
              [[s["stop"], num(s["households"]), num(s["served"])] for s in shown["van_stops"]]),
        baskets_table(shown),
        fees_table(shown["fees"]),
        fund_table(fund),
    ]
    if with_charts:
        report.charts = make_charts(figures, shown)
    return report


FEE_MEANS_LABELS = {"cash": gettext_lazy("cash"), "cheque": gettext_lazy("cheque"), "card": gettext_lazy("card"),
                    "transfer": gettext_lazy("transfer"), "voucher": gettext_lazy("food voucher"),
                    "": gettext_lazy("means not recorded")}


def fees_table(fees: dict) -> Table:
    rows = [[str(FEE_MEANS_LABELS.get(row["means"], row["means"])), num(row["count"]), euros(row["amount"])]
            for row in fees["by_means"]]
    rows.append([_("Total"), num(fees["count"]), euros(fees["total"])])
    return Table(_("Membership fees by means of payment"), [_("Means of payment"), pgettext("how many", "Number"), _("Amount")],
                 rows, _("Memberships paid in the period, counted on the day they were paid, by the means recorded "
                         "with them (at a checkout or on the member's page)."), sheet=_("Fees by means of payment"))


def signed_euros(value) -> str:
    """"+12,40 €", "−3,10 €" (a true minus sign), "0,00 €": money in and out of the fund."""
    if value > 0:
        return "+" + euros(value)
    if value < 0:
        return "\u2212" + euros(-value)
    return euros(value)


def fund_table(fund: dict) -> Table:
    rows = [[_("Balance at the start of the period"), "", "", euros(fund["opening"])]]
    rows += [[date_format(m["month"], "F Y"), signed_euros(m["in"]), signed_euros(m["out"]), euros(m["balance"])]
             for m in fund["months"]]
    rows.append([_("Whole period"), signed_euros(fund["in"]), signed_euros(fund["out"]), euros(fund["closing"])])
    return Table(_("Solidarity fund month by month"),
                 [_("Month"), _("Into the fund"), _("Out of the fund"), _("Balance")], rows,
                 _("Solidarity households pay a little more than the cost price: that extra goes into the fund. "
                   "Priority households pay a little less: the fund pays the difference. For each product handed "
                   "out, the price paid less the cost price, to the cent, counted on the day of the distribution; "
                   "the balance, at the end of each month, adds up everything since the first distribution. These "
                   "are the price-tier adjustments of each cycle's settlement."), sheet=_("Solidarity fund"))


def money_or_dash(value) -> str:
    return "—" if value is None else euros(value)


def savings_rows(saved: dict) -> list[tuple]:
    """What households saved against the shop prices nearby: the method in one sentence, the share of
    spending it covers, then the totals and averages for all and for the priority households."""
    priority = saved["priority"]
    return [
        (_("Saved by households against shop prices"), money_or_dash(saved["saved"]), _(
            "For each product with a shop price (what the same product costs per unit in an ordinary shop "
            "nearby, as last seen on or before the day of the distribution), the quantity handed out times the "
            "shop price less the price paid, counted even when negative; products without a shop price count "
            "for nothing.")),
        (_("Share of spending that had a shop price to compare"), pct(saved["share"]),
         _("The savings cover only this share of what households paid.")),
        (_("Saved per household that bought"), money_or_dash(saved["per_household"]), ""),
        (_("Saved by priority households"), money_or_dash(priority["saved"]), ""),
        (_("Saved per priority household that bought"), money_or_dash(priority["per_household"]), ""),
        (_("Share of priority households' spending that had a shop price"), pct(priority["share"]), ""),
    ]


def baskets_help(shown) -> str:
    text = _("Baskets collected at distributions.")
    if shown.get("estimated_baskets"):
        count = shown["estimated_baskets"]
        text += " " + ngettext("Of which %(count)s counted from its order: no distribution was recorded for it.",
                               "Of which %(count)s counted from orders: no distribution was recorded for them.",
                               count if isinstance(count, int) else 2) % {"count": num(count)}
    return text


def turnover_help(turnover) -> str:
    text = _("From the households' accounts: what they were charged for the baskets they collected, less "
             "charges cancelled when a basket was reopened.")
    if turnover["estimated"]:
        text += " " + _("%(amount)s of it comes from orders at their prices, where no distribution or charge "
                        "was recorded.") % {"amount": euros(turnover["estimated"])}
    return text


def volunteering_help(volunteering) -> str:
    text = _("Filled rota slots, each from its start to its end.")
    if volunteering["slots_without_times"]:
        count = volunteering["slots_without_times"]
        text += " " + ngettext("%(count)s filled slot has no times and is not counted.",
                               "%(count)s filled slots have no times and are not counted.", count) % {"count": num(count)}
    return text


def hours(value) -> str:
    return f"{quantity(value)}\u00a0h"


def means_label(code: str) -> str:
    return str(Means(code).label) if code in Means.values else code


WEEKS_SHOWN = 16  # beyond, baskets are shown per month


def by_month(figures: dict) -> bool:
    return len(figures["baskets_per_week"]) > WEEKS_SHOWN


def baskets_table(shown: dict) -> Table:
    if by_month(shown):
        return Table(_("Baskets per month"), [_("Month"), _("Baskets")],
                     [[date_format(m["month"], "F Y"), num(m["baskets"])] for m in shown["baskets_per_month"]])
    return Table(_("Baskets per week"), [_("Week of"), _("Baskets")],
                 [[date_format(w["monday"], "j M Y"), num(w["baskets"])] for w in shown["baskets_per_week"]])


def make_charts(figures: dict, shown: dict) -> list[Chart]:
    out = []
    p = figures["priority"]
    if p["share"] is not None and shown["priority"]["share"] is not None:
        out.append(Chart(_("Priority households"), charts.share_with_threshold(
            p["share"], p["threshold"], title=_("Share of priority households"), label_share=_("share:"),
            label_threshold=_("minimum:")), _("Share of priority households: %(share)s, minimum %(min)s.") % {
            "share": pct(p["share"]), "min": pct(p["threshold"])}))
    monthly = by_month(figures)
    key, day_key, fmt = ("baskets_per_month", "month", "M y") if monthly else ("baskets_per_week", "monday", "j/m")
    title = _("Baskets per month") if monthly else _("Baskets per week")
    rows = figures[key]
    masked = any(isinstance(row["baskets"], str) for row in shown[key])
    if any(row["baskets"] for row in rows) and not masked:  # a chart would show the masked counts
        out.append(Chart(title, charts.bars([date_format(row[day_key], fmt) for row in rows],
                                            [row["baskets"] for row in rows], title=title),
                         _("%(title)s: see the table below.") % {"title": title}))
    families = figures["families"]
    if families:
        out.append(Chart(_("Value at cost per family"), charts.bars(
            [family_label(f["family"]) for f in families], [f["cost"] for f in families],
            title=_("Value at cost per family (EUR)"), unit="€", horizontal=True),
            _("Value at cost per family: see the table below.")))
    referrals = figures["referrals"]
    masked = any(isinstance(r[k], str) for r in shown["referrals"] for k in ("made", "joined"))
    if referrals and not masked:
        out.append(Chart(_("Referrals per partner"), charts.grouped(
            [r["partner"] for r in referrals], {_("Referrals made"): [r["made"] for r in referrals],
                                                _("Households who joined"): [r["joined"] for r in referrals]},
            title=_("Referrals per partner")), _("Referrals per partner: see the table below.")))
    return out
