"""Reads of the villages' timetable: a van group's public page and each stop's poster.

Public: no sign-in, so only what a village hall may show. The group (mobile, not closed, with an adopted
tour), its association's name and phone, the host partner's name and phone, and for each active stop of
the tour its place (name, commune, address, the local contact written for the stop), its next visits and
its yearly pause. Never a member, a basket or a figure.

An active stop: a stop of the adopted run that became one of the group's van stops (a `Site` with
`is_stop`) and that the schedule serves at least once in its cycle.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.http import Http404

from grappe.network.models import BuyingGroup, Site
from grappe.orders.models import CycleStop, OrderCycle

from . import dates, visits
from .models import RunStop, RunVisit, Tour
from .queries import schedule_of

PAGE_WEEKS = 8  # the public page and the poster look this far ahead
PAGE_VISITS = 6  # the public page lists at most this many visits per stop
POSTER_VISITS = 10  # the poster at most this many (five rows of two): it stays one A4 page


@dataclass
class StopTimetable:
    site: Site
    run_stop: RunStop
    visits: list = field(default_factory=list)  # visits.Visit, in order
    pause_from: date | None = None  # the yearly pause, as dates of any year (only day and month are read)
    pause_until: date | None = None
    pause_in_window: bool = False
    resumes_on: date | None = None  # the first visit after the pause, when the window has none

    @property
    def commune(self) -> str:
        return self.site.commune.name if self.site.commune_id else ""

    @property
    def has_point(self) -> bool:
        return self.site.latitude is not None and self.site.longitude is not None


@dataclass
class GroupTimetable:
    group: BuyingGroup
    tour: Tour
    start: date
    end: date
    stops: list = field(default_factory=list)

    @property
    def association(self):
        return self.group.association


def public_group(association_slug: str, group_pk: int) -> tuple[BuyingGroup, Tour]:
    """The van group named by its association's slug and its number, with its adopted tour, or 404
    (unknown, another association's number, a fixed group, a closed group, no tour adopted)."""
    tour = (Tour.objects.select_related("group__association", "group__host", "run")
            .filter(group__pk=group_pk, group__association__slug=association_slug,
                    group__kind=BuyingGroup.Kind.MOBILE)
            .exclude(group__status=BuyingGroup.Status.CLOSED).first())
    if tour is None:
        raise Http404
    return tour.group, tour


def _slot_times(tour: Tour) -> dict[int, dict]:
    """RunStop pk -> {(week, weekday): (arrival, departure)}, as the villages are told them (to five minutes)."""
    times: dict[int, dict] = {}
    for visit in RunVisit.objects.filter(day__run=tour.run).select_related("day"):
        times.setdefault(visit.stop_id, {})[(visit.day.week, visit.day.weekday)] = visits.as_told(
            visit.arrival, visit.departure)
    return times


def _cycle_dates(sites, start: date, end: date) -> dict[int, list]:
    """Site pk -> the cycles' own dates for it near the window (cycles past their draft: a draft's dates
    are not yet told to anyone)."""
    margin = timedelta(days=2 * visits.REPLACES_WITHIN_DAYS)
    rows = (CycleStop.objects.filter(site__in=sites, distribution_date__gte=start - margin,
                                     distribution_date__lte=end + margin)
            .exclude(cycle_group__cycle__status=OrderCycle.Status.DRAFT)
            .values_list("site_id", "distribution_date", "time"))
    out: dict[int, list] = {}
    for site_id, day, time in rows:
        out.setdefault(site_id, []).append(visits.CycleDate(day, (time or "").strip()))
    return out


def _any_year(month_day) -> date:
    return date(2000, *month_day)  # a leap year, so 29 February is a date


def group_timetable(group: BuyingGroup, tour: Tour, today: date, *, weeks: int = PAGE_WEEKS,
                    stop_site: Site | None = None) -> GroupTimetable:
    """Every active stop of the tour (or only `stop_site`) with its visits from `today` for `weeks` weeks,
    in the order of the tour. A fixed number of queries, whatever the number of stops."""
    start = max(today, tour.period_start)
    end = today + timedelta(days=7 * weeks - 1)
    schedule = schedule_of(tour)
    run_stops = (RunStop.objects.filter(run=tour.run, site__group=group, site__is_stop=True)
                 .select_related("site__commune").order_by("site__position", "name"))
    if stop_site is not None:
        run_stops = run_stops.filter(site=stop_site)
    run_stops = [stop for stop in run_stops if schedule.slots.get(stop.pk)]
    times = _slot_times(tour)
    cycle_dates = _cycle_dates([stop.site for stop in run_stops], start, end)
    timetable = GroupTimetable(group=group, tour=tour, start=start, end=end)
    for stop in run_stops:
        row = StopTimetable(site=stop.site, run_stop=stop)
        row.visits = visits.stop_visits(schedule, stop.pk, times.get(stop.pk, {}), cycle_dates.get(stop.site_id, []),
                                        start, end)
        pause = schedule.pauses.get(stop.pk)
        if pause:
            row.pause_from, row.pause_until = _any_year(pause[0]), _any_year(pause[1])
            row.pause_in_window = visits.pause_touches(pause, start, end)
            if dates.in_pause(end, pause):  # the window ends in the pause: say when the van comes back
                row.resumes_on = visits.first_planned_after(schedule, stop.pk, end)
        timetable.stops.append(row)
    return timetable


def public_stop(group: BuyingGroup, tour: Tour, site_pk: int) -> Site:
    """An active stop of the group's tour, or 404."""
    site = Site.objects.filter(pk=site_pk, group=group, is_stop=True).first()
    if site is None:
        raise Http404
    stop = RunStop.objects.filter(run=tour.run, site=site).first()
    if stop is None or not schedule_of(tour).slots.get(stop.pk):
        raise Http404
    return site


def map_points(timetable: GroupTimetable) -> list[dict]:
    """The stops with a point, for the map (the list beside it says everything)."""
    return [{"name": row.site.name, "commune": row.commune, "lat": float(row.site.latitude),
             "lon": float(row.site.longitude), "anchor": f"arret-{row.site.pk}"}
            for row in timetable.stops if row.has_point]
