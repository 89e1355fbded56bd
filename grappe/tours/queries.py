"""Reads of the mobile planner, scoped by association: scenarios, communes considered, need table."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Member
from grappe.network.access import group_for, require_write
from grappe.network.models import Commune, Site
from grappe.orders.models import MemberOrder, OrderLine, StockItem

from . import dates, scoring
from .geo import haversine_km, road_km
from .indicators import AGED_75, FOOD_SHOP, POVERTY, REFERRALS
from .models import CandidateStop, Indicator, IndicatorValue, RunDay, RunVisit, Scenario, ScenarioRun, Tour

DISTRIBUTION_KM = "distribution_km"
KNOWN_LABELS = {
    AGED_75: _("Share aged 75 and over"),
    POVERTY: _("Poverty rate"),
    REFERRALS: _("Referrals by partners"),
    FOOD_SHOP: _("Distance to the nearest food shop"),
    DISTRIBUTION_KM: _("Distance to the nearest distribution point"),
}
KNOWN_UNITS = {AGED_75: "%", POVERTY: "%", REFERRALS: "", FOOD_SHOP: "km", DISTRIBUTION_KM: "km"}


def scenarios_for(association):
    latest = ScenarioRun.objects.order_by("-ran_at", "-pk")
    return (Scenario.objects.filter(association=association).select_related("depot", "group")
            .prefetch_related(Prefetch("runs", queryset=latest)))


def scenario_for(scope, pk, *, write: bool = False) -> Scenario:
    """A scenario of the association, for its planners (admins and coordinators read them all: planning
    the van is the association's). `write` (edit, run, adopt): a scenario made for one group's van is
    changed by an admin or that group's coordinator (403 for the others)."""
    if scope.association is None or not scope.is_coordinator:
        raise Http404
    try:
        scenario = scenarios_for(scope.association).get(pk=pk)
    except (Scenario.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and scenario.group_id is not None:
        require_write(scope, {scenario.group_id})
    return scenario


def tour_for(scope, group_pk) -> "Tour":
    """The adopted tour of one of the user's groups (staff), or 404."""
    if not scope.is_staff:
        raise Http404
    tour = tour_for_group(group_for(scope, group_pk))
    if tour is None:
        raise Http404
    return tour


def candidate_for(scenario: Scenario, pk: int) -> CandidateStop:
    try:
        return scenario.candidates.select_related("commune").get(pk=pk)
    except CandidateStop.DoesNotExist:
        raise Http404 from None


def considered_communes(scenario: Scenario) -> list[Commune]:
    condition = Q(pk__in=scenario.communes.values("pk")) if scenario.pk else Q(pk__in=[])
    if scenario.epci:
        condition |= Q(epci=scenario.epci)
    return list(Commune.objects.filter(condition).order_by("name"))


def epci_choices() -> list[str]:
    return list(Commune.objects.exclude(epci="").order_by("epci").values_list("epci", flat=True).distinct())


def distribution_sites(association, scenario: Scenario | None = None) -> list[Site]:
    """The association's existing distribution points with coordinates (the planned van's stops left out)."""
    sites = Site.objects.filter(group__association=association, retired_at__isnull=True, latitude__isnull=False,
                                longitude__isnull=False).select_related("group", "commune")
    if scenario is not None and scenario.group_id:
        sites = sites.exclude(group_id=scenario.group_id, is_stop=True)
    return list(sites)


@dataclass
class IndicatorColumn:
    key: str
    label: str
    unit: str
    weight: float
    higher_means_need: bool = True
    is_demo: bool = False
    source: str = ""


@dataclass
class CommuneNeed:
    commune: Commune
    values: dict
    score: scoring.Score
    nearest_site: Site | None = None

    @property
    def score_percent(self) -> float:
        return round(100 * self.score.score, 1)

    @property
    def weight(self) -> float:
        """Need-weighted population: the population times the need score."""
        return self.commune.population * self.score.score

    def cells(self, columns):
        """(column, value, normalised, imputed) per column, for the table."""
        out = []
        for column in columns:
            part = self.score.parts.get(column.key)
            out.append((column, self.values.get(column.key), part.normalised if part else None,
                        part.imputed if part else False))
        return out


@dataclass
class NeedTable:
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    sites: list = field(default_factory=list)

    @property
    def by_insee(self) -> dict:
        return {row.commune.insee: row for row in self.rows}


def indicator_columns(association, weights: dict) -> list[IndicatorColumn]:
    columns = []
    for indicator in Indicator.objects.filter(association=association):
        columns.append(IndicatorColumn(
            key=indicator.key, label=str(KNOWN_LABELS.get(indicator.key, indicator.label)),
            unit=indicator.unit, weight=float(weights.get(indicator.key, 0)),
            higher_means_need=indicator.higher_means_need, is_demo=indicator.is_demo, source=indicator.source,
        ))
    columns.append(IndicatorColumn(DISTRIBUTION_KM, str(KNOWN_LABELS[DISTRIBUTION_KM]), "km",
                                   float(weights.get(DISTRIBUTION_KM, 0))))
    return columns


def need_table(scenario: Scenario, weights: dict | None = None, communes: list | None = None) -> NeedTable:
    """Every commune considered with its indicators and need score (weights: the scenario's by default)."""
    weights = scenario.weights if weights is None else weights
    communes = considered_communes(scenario) if communes is None else communes
    columns = indicator_columns(scenario.association, weights)
    values: dict[str, dict] = {c.insee: {} for c in communes}
    for row in IndicatorValue.objects.filter(indicator__association=scenario.association,
                                             commune__in=[c.insee for c in communes]).values_list(
            "commune_id", "indicator__key", "value"):
        values[row[0]][row[1]] = float(row[2]) if row[2] is not None else None
    sites = distribution_sites(scenario.association, scenario)
    nearest: dict[str, Site | None] = {}
    detour = float(scenario.detour_factor)
    for commune in communes:
        best, best_km = None, None
        for site in sites:
            km = road_km(haversine_km(float(commune.latitude), float(commune.longitude),
                                      float(site.latitude), float(site.longitude)), detour)
            if best_km is None or km < best_km:
                best, best_km = site, km
        nearest[commune.insee] = best
        values[commune.insee][DISTRIBUTION_KM] = round(best_km, 1) if best_km is not None else None
    scores = scoring.need_scores(
        values, {c.key: max(c.weight, 0.0) for c in columns}, {c.key: c.higher_means_need for c in columns}
    )
    rows = [CommuneNeed(c, values[c.insee], scores[c.insee], nearest[c.insee]) for c in communes]
    rows.sort(key=lambda row: (-row.score.score, row.commune.name))
    return NeedTable(columns=columns, rows=rows, sites=sites)


def run_detail(run: ScenarioRun):
    """A run's chosen stops and its days with their visits, in two queries."""
    stops = list(run.stops.select_related("commune", "site"))
    days = list(RunDay.objects.filter(run=run).prefetch_related(
        Prefetch("visits", queryset=RunVisit.objects.select_related("stop").order_by("position"))))
    return stops, days


def tour_for_group(group) -> Tour | None:
    return Tour.objects.filter(group=group).select_related("run__scenario").first()


def schedule_of(tour: Tour) -> dates.Schedule:
    """The pure schedule of a tour: slots and pauses keyed by RunStop pk."""
    slots: dict[int, list] = {}
    pauses = {}
    for visit in RunVisit.objects.filter(day__run=tour.run).select_related("day", "stop"):
        slots.setdefault(visit.stop_id, []).append((visit.day.week, visit.day.weekday))
        stop = visit.stop
        if stop.pause_start and stop.pause_end:
            pauses[stop.pk] = ((stop.pause_start.month, stop.pause_start.day),
                               (stop.pause_end.month, stop.pause_end.day))
    return dates.Schedule(period_start=tour.period_start, slots={k: tuple(v) for k, v in slots.items()},
                          pauses=pauses)


def site_dates(site: Site, start: date, end: date) -> list[date]:
    """The dates the van serves this site (a stop of a mobile group) between start and end."""
    tour = tour_for_group(site.group)
    if tour is None:
        return []
    stop = tour.run.stops.filter(site=site).first()
    if stop is None:
        return []
    return dates.stop_dates(schedule_of(tour), stop.pk, start, end)


@dataclass
class SheetStop:
    visit: RunVisit
    site: Site | None
    members: int
    baskets: int = 0
    basket_members: list = field(default_factory=list)  # Member, by number: whose baskets to hand out
    loads: list = field(default_factory=list)  # Load: what to put in the van for this stop
    calls: list = field(default_factory=list)  # Call: whom to phone beforehand

    @property
    def address(self) -> str:
        """Where the van parks: the site's address (as the group keeps it), else the run's, and the commune."""
        stop = self.visit.stop
        street = (self.site.address if self.site is not None and self.site.address else stop.address).strip()
        commune = stop.commune.name if stop.commune_id else ""
        if commune and commune.lower() not in street.lower():
            street = f"{street}, {commune}" if street else commune
        return street

    @property
    def point(self) -> tuple[Decimal, Decimal] | None:
        place = self.site if self.site is not None and self.site.latitude is not None else self.visit.stop
        if place.latitude is None or place.longitude is None:
            return None
        return (Decimal(place.latitude).quantize(Decimal("0.00001")),
                Decimal(place.longitude).quantize(Decimal("0.00001")))

    @property
    def coordinates(self) -> str:
        """"44.65809, 5.47302": what a phone's map or a GPS takes."""
        return f"{self.point[0]}, {self.point[1]}" if self.point else ""

    @property
    def map_url(self) -> str:
        if not self.point:
            return ""
        lat, lon = self.point
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


@dataclass(frozen=True)
class Load:
    """One product to load for a stop: the sum of its orders' lines, in one unit (never kg plus litres)."""

    name: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True)
class Call:
    member: Member
    has_basket: bool


def baskets_by_stop(sites, day: date) -> dict[int, int]:
    """How many baskets each stop hands out on `day`: orders of the cycles that serve the stop that day.

    Tours sits above orders: it reads orders' models; orders never imports tours.
    """
    rows = (MemberOrder.objects
            .filter(stop__in=sites, cycle__cycle_groups__stops__distribution_date=day,
                    cycle__cycle_groups__stops__site=F("stop"), lines__quantity__gt=0)
            .values("stop_id").annotate(n=Count("pk", distinct=True)))
    return {row["stop_id"]: row["n"] for row in rows}


def route_sheet(tour: Tour, day: date) -> tuple[RunDay | None, list[SheetStop]]:
    """The van's stops on a date, in driving order, with the members attached to each stop."""
    schedule = schedule_of(tour)
    week, weekday = dates.slot_of(schedule, day)
    run_day = RunDay.objects.filter(run=tour.run, week=week, weekday=weekday).first()
    if run_day is None:
        return None, []
    served = set(dates.stops_on(schedule, day))
    visits = (run_day.visits.select_related("stop__site", "stop__commune")
              .annotate(members=Count("stop__site__members", filter=Q(stop__site__members__status="active")))
              .order_by("position"))
    visits = [v for v in visits if v.stop_id in served]
    baskets = baskets_by_stop([v.stop.site for v in visits if v.stop.site], day)
    return run_day, [SheetStop(v, v.stop.site, v.members, baskets.get(v.stop.site_id, 0)) for v in visits]


def _orders_at(sites, day: date):
    """The member orders handed out at these stops on `day`: orders of the cycles whose stop is there
    that day, with something ordered (as `baskets_by_stop` counts them)."""
    return (MemberOrder.objects
            .filter(stop__in=sites, cycle__cycle_groups__stops__distribution_date=day,
                    cycle__cycle_groups__stops__site=F("stop"), lines__quantity__gt=0)
            .distinct())


def fill_route_sheet(group, day: date, sheet: list[SheetStop]) -> list[StockItem]:
    """Complete each stop of a route sheet with its baskets (the members, by number), what to load for
    them (allotted quantities once the cycle is closed, else ordered ones, summed per product and unit)
    and the members to phone beforehand (active members of the stop who prefer a call or paper). Returns
    the van's stock to sell (the group's stock). A fixed number of queries."""
    sites = [item.site for item in sheet if item.site is not None]
    orders = list(_orders_at(sites, day).select_related("member").order_by("member__number"))
    baskets: dict[int, list] = {}
    for order in orders:
        baskets.setdefault(order.stop_id, []).append(order.member)
    loads: dict[int, dict[tuple, Decimal]] = {}
    for stop_id, name, unit, quantity, allotted in (
            OrderLine.objects.filter(order__in=[o.pk for o in orders])
            .values_list("order__stop_id", "name", "unit", "quantity", "allotted")):
        amount = allotted if allotted is not None else quantity
        if amount:
            per_stop = loads.setdefault(stop_id, {})
            per_stop[(name, unit)] = per_stop.get((name, unit), Decimal("0")) + amount
    callers = (Member.objects.filter(stop__in=sites, status=Member.Status.ACTIVE, erased_at__isnull=True,
                                     preferred_channel__in=[Member.Channel.CALL, Member.Channel.PAPER])
               .order_by("number"))
    with_basket = {member.pk for member in (o.member for o in orders)}
    calls: dict[int, list] = {}
    for member in callers:
        calls.setdefault(member.stop_id, []).append(Call(member, member.pk in with_basket))
    for item in sheet:
        if item.site is None:
            continue
        item.basket_members = baskets.get(item.site.pk, [])
        item.loads = [Load(name, unit, quantity) for (name, unit), quantity
                      in sorted(loads.get(item.site.pk, {}).items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1]))]
        item.calls = calls.get(item.site.pk, [])
    return list(StockItem.objects.filter(group=group, quantity__gt=0).select_related("product")
                .order_by("product__name"))
