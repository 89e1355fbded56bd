"""Writes of the mobile planner: indicator import, scenarios and their runs, adopting a run as a tour."""

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import round_cents
from grappe.core.tabular import decode_text
from grappe.network.models import BuyingGroup, Commune, Site

from . import dates, indicators, retiring
from .covering import select_stops
from .geo import haversine_km, matrices, osrm_table, road_km, travel_minutes
from .models import (
    VISITS_PER_PERIOD,
    CandidateStop,
    Indicator,
    IndicatorValue,
    RunDay,
    RunStop,
    RunVisit,
    Scenario,
    ScenarioJob,
    ScenarioRun,
    Tour,
)
from .queries import KNOWN_LABELS, KNOWN_UNITS, considered_communes, need_table
from .routing import DayRules
from .scheduling import StopSpec, plan_period

log = logging.getLogger(__name__)


class PlannerError(DomainError):
    pass


# --- Indicator import ----------------------------------------------------------------------------

ISSUE_MESSAGES = {
    "empty_file": _("The file is empty."),
    "no_code_column": _("No column holds the commune's INSEE code (expected insee, CODGEO or code_insee; "
                        "found: %(headers)s)."),
    "no_indicator_column": _("No indicator column besides the commune code and name."),
    "missing_code": _("The commune code is missing."),
    "bad_code": _("« %(code)s » is not an INSEE commune code (5 characters, e.g. 26113)."),
    "duplicate_code": _("Commune %(code)s already appears on line %(first_line)s."),
    "unknown_commune": _("No commune has the INSEE code %(code)s in Grappe."),
    "too_many_cells": _("The row has more cells (%(found)s) than the header (%(expected)s)."),
    "bad_number": _("« %(value)s » in column %(column)s is not a number (write it like 12,5; leave it empty, "
                    "or write s or nd, if it is unknown)."),
    "negative": _("« %(value)s » in column %(column)s is negative."),
    "over_100": _("« %(value)s » in column %(column)s is a share above 100 %%."),
    "more_old_than_people": _("More people aged 75 and over (%(old)s) than inhabitants (%(pop)s)."),
}


def describe_issue(issue: indicators.Issue) -> str:
    message = ISSUE_MESSAGES.get(issue.code, issue.code)
    return str(message) % issue.params if issue.params else str(message).replace("%%", "%")


def read_upload(uploaded) -> str:
    raw = uploaded.read()
    if len(raw) > 5 * 1024 * 1024:
        raise PlannerError(_("The file is larger than 5 MB."))
    try:
        return decode_text(raw)[0]
    except UnicodeDecodeError:
        raise PlannerError(_("The file could not be read as text (CSV expected).")) from None


def preview_indicators(text: str) -> indicators.Parsed:
    """Parse the CSV and flag the codes of communes Grappe does not know. Writes nothing."""
    parsed = indicators.parse(text)
    known = set(Commune.objects.filter(insee__in=[r.code for r in parsed.rows]).values_list("insee", flat=True))
    for row in parsed.rows:
        if indicators.CODE.match(row.code.lower()) and row.code not in known:
            row.issues.append(indicators.Issue("unknown_commune", {"code": row.code}))
    return parsed


@dataclass
class ImportResult:
    rows: int
    values: int
    skipped: int
    indicators: list


@transaction.atomic
def import_indicators(*, association, text: str, by, keep_valid: bool = False, source: str = "",
                      is_demo: bool = False) -> ImportResult:
    """Write the indicator values of the file. Any error writes nothing, unless keep_valid is chosen."""
    parsed = preview_indicators(text)
    if parsed.issues:
        raise PlannerError(_("The file cannot be imported: %(reason)s"),
                           reason=describe_issue(parsed.issues[0]))
    if parsed.error_rows and not keep_valid:
        raise PlannerError(_("%(count)s rows have an error: nothing was imported. Correct the file, or choose "
                             "to import only the valid rows."), count=len(parsed.error_rows))
    rows = parsed.valid_rows
    if not rows:
        raise PlannerError(_("No valid row to import."))
    now = timezone.now()
    written = 0
    keys = []
    for column in parsed.columns:
        label = column.header if not column.known else str(KNOWN_LABELS.get(column.key, column.header))
        indicator, created = Indicator.objects.get_or_create(
            association=association, key=column.key,
            defaults={"label": label[:150], "unit": KNOWN_UNITS.get(column.key, column.unit), "source": source,
                      "is_demo": is_demo, "updated_at": now},
        )
        if not created:
            Indicator.objects.filter(pk=indicator.pk).update(updated_at=now, is_demo=is_demo,
                                                             source=source or indicator.source)
        existing = {v.commune_id: v for v in IndicatorValue.objects.filter(indicator=indicator,
                                                                           commune__in=[r.code for r in rows])}
        create, update = [], []
        for row in rows:
            raw = row.values.get(column.key)
            value = None if raw is None else Decimal(str(round(raw, 4)))
            current = existing.get(row.code)
            if current is None:
                create.append(IndicatorValue(indicator=indicator, commune_id=row.code, value=value))
            elif current.value != value:
                current.value = value
                update.append(current)
        IndicatorValue.objects.bulk_create(create)
        IndicatorValue.objects.bulk_update(update, ["value"])
        written += len(create) + len(update)
        keys.append(column.key)
    log.info("indicators imported by %s: %s rows, keys %s", by, len(rows), keys)
    return ImportResult(rows=len(rows), values=written, skipped=len(parsed.error_rows), indicators=keys)


# --- Scenarios -----------------------------------------------------------------------------------

@transaction.atomic
def save_scenario(*, form, association, by) -> Scenario:
    """Save a scenario form (new or changed) and make sure every commune considered is a candidate."""
    scenario = form.save(commit=False)
    scenario.association = association
    if scenario.pk is None:
        scenario.created_by = by
    scenario.save()
    form.save_m2m()
    add_commune_candidates(scenario=scenario)
    return scenario


def add_commune_candidates(*, scenario: Scenario) -> int:
    """One candidate stop at the centre of each commune considered that has none yet."""
    have = set(scenario.candidates.filter(is_commune_centre=True).values_list("commune_id", flat=True))
    new = [CandidateStop(scenario=scenario, commune=c, name=c.name, latitude=c.latitude, longitude=c.longitude)
           for c in considered_communes(scenario) if c.insee not in have]
    CandidateStop.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def save_weights(*, scenario: Scenario, weights: dict) -> Scenario:
    if any(w < 0 for w in weights.values()):
        raise PlannerError(_("A weight cannot be negative."))
    Scenario.objects.filter(pk=scenario.pk).update(weights={k: float(v) for k, v in weights.items()})
    scenario.weights = {k: float(v) for k, v in weights.items()}
    return scenario


def minutes_of(value) -> int:
    return value.hour * 60 + value.minute


def day_rules(scenario: Scenario) -> DayRules:
    """The rules of the van's working day that a scenario sets."""
    return DayRules(day_start=minutes_of(scenario.day_start), day_end=minutes_of(scenario.day_end),
                    capacity_kg=scenario.capacity_kg, break_minutes=scenario.break_minutes)


def cycle_start(scenario: Scenario) -> date:
    return scenario.period_start or dates.next_monday(timezone.localdate())


def paused_weeks(candidate: CandidateStop, start: date, weekdays: list[int], weeks: int = 4) -> frozenset:
    """Weeks of the period (numbered 1..weeks, as scheduling.py counts) in which every working day
    falls in the stop's seasonal pause."""
    if not (candidate.pause_start and candidate.pause_end):
        return frozenset()
    pause = ((candidate.pause_start.month, candidate.pause_start.day),
             (candidate.pause_end.month, candidate.pause_end.day))
    out = set()
    for week in range(weeks):
        days = [start + timedelta(days=7 * week + d) for d in weekdays]
        if days and all(dates.in_pause(day, pause) for day in days):
            out.add(week + 1)
    return frozenset(out)


def reach_ok(scenario: Scenario, road: float) -> bool:
    if scenario.reach_mode == Scenario.ReachMode.MINUTES:
        return travel_minutes(road, float(scenario.speed_kmh)) <= float(scenario.reach)
    return road <= float(scenario.reach)


def route_matrices(points, scenario: Scenario):
    """Metres and minutes between points: OSRM's road times when configured, else the estimate."""
    if settings.OSRM_URL:
        try:
            return osrm_table(points, settings.OSRM_URL)
        except Exception:  # noqa: BLE001 - any failure of the optional server falls back to the estimate
            log.warning("OSRM table failed, falling back to the straight-line estimate", exc_info=True)
    return matrices(points, detour=float(scenario.detour_factor), speed_kmh=float(scenario.speed_kmh))


@dataclass
class Inputs:
    """What a run needs, read at once: the solve itself reads nothing more from the database."""

    scenario: Scenario
    communes: list
    candidates: list
    demand: dict
    population: dict
    weekdays: list
    start: date
    parameters: dict
    fixed_served: set = field(default_factory=set)  # INSEE codes of communes a fixed site already serves


@dataclass
class Solution:
    optimal: bool
    gap: float
    seconds: float
    covered_weight: float
    total_weight: float
    covers: dict
    chosen: list
    covered: set
    own: dict  # candidate pk -> the covered communes for which it is the nearest chosen stop
    plan: object = None
    unplaced: list = field(default_factory=list)  # chosen candidates the four weeks give no visit


def check_runnable(scenario: Scenario) -> None:
    """The refusals a run would give at once, so that a request to run says them before queuing."""
    if not considered_communes(scenario):
        raise PlannerError(_("No commune is considered: choose an intercommunality or communes."))
    if not scenario.working_weekdays:
        raise PlannerError(_("Choose at least one working day."))


def gather(*, scenario: Scenario) -> Inputs:
    """Read the scenario and its communes, candidates and need scores (one short transaction, no lock)."""
    with transaction.atomic():
        scenario = Scenario.objects.select_related("depot", "association").get(pk=scenario.pk)
        check_runnable(scenario)
        communes = considered_communes(scenario)
        weekdays = sorted({int(d) for d in scenario.working_weekdays})
        add_commune_candidates(scenario=scenario)
        candidates = list(scenario.candidates.filter(excluded=False).select_related("commune"))
        if not candidates:
            raise PlannerError(_("No candidate stop: add one, or include a commune centre."))
        table = need_table(scenario, communes=communes)
        fixed = fixed_served(scenario, communes)
    parameters = parameters_of(scenario, len(communes), len(candidates))
    parameters["fixed_served"] = sorted(c.name for c in communes if c.insee in fixed)
    return Inputs(
        scenario=scenario, communes=communes, candidates=candidates,
        demand={row.commune.insee: row.weight for row in table.rows if row.commune.insee not in fixed},
        population={c.insee: c.population for c in communes if c.insee not in fixed}, weekdays=weekdays,
        start=cycle_start(scenario), parameters=parameters, fixed_served=fixed,
    )


def fixed_served(scenario: Scenario, communes: list) -> set:
    """The considered communes that have a site of a fixed group (not closed) of the association: Die's
    room serves Die, so a van stop nearby does not count Die again as covered (nor as need to cover)."""
    insee = {c.insee for c in communes}
    return set(Site.objects.filter(group__association=scenario.association, group__kind=BuyingGroup.Kind.FIXED,
                                   commune_id__in=insee)
               .exclude(group__status=BuyingGroup.Status.CLOSED).values_list("commune_id", flat=True))


def _hold_for_tests() -> None:
    """Test hook: with GRAPPE_TEST_HOLD_SOLVE set, say so on stdout and wait for ever, so that a test can
    kill the worker in the middle of a solve (grappe/tours/tests/test_jobs.py). Never set in production."""
    if os.environ.get("GRAPPE_TEST_HOLD_SOLVE"):
        print("grappe-test: solving", flush=True)  # noqa: T201 - read by the test through the worker's stdout
        threading.Event().wait()


def stop_load(inputs: Inputs, candidate: CandidateStop, own: list) -> Decimal:
    """The load of the van at a stop: a share of the need-weighted households of the communes it serves."""
    scenario = inputs.scenario
    own_weight = Decimal(str(round(sum(inputs.demand[k] for k in own), 3)))
    return own_weight / scenario.household_size * scenario.uptake_percent / 100 * scenario.basket_kg


def solve(inputs: Inputs, *, time_limit: float = 20.0, seconds_per_day: float = 0.3,
          on_step=None) -> Solution:
    """Choose the stops (maximal covering, HiGHS), then plan the four weeks (PyVRP). Reads and writes no
    database row (OSRM, when set, is asked over HTTP): it runs outside any transaction."""
    _hold_for_tests()
    scenario, communes, candidates = inputs.scenario, inputs.communes, inputs.candidates
    detour = float(scenario.detour_factor)
    depot = scenario.depot
    covers: dict[int, set] = {}
    cost: dict[int, float] = {}
    for cand in candidates:
        lat, lon = float(cand.latitude), float(cand.longitude)
        covers[cand.pk] = {c.insee for c in communes if c.insee not in inputs.fixed_served
                           and reach_ok(scenario, road_km(haversine_km(lat, lon, float(c.latitude),
                                                                       float(c.longitude)), detour))}
        drive = travel_minutes(road_km(haversine_km(float(depot.latitude), float(depot.longitude), lat, lon),
                                       detour), float(scenario.speed_kmh))
        cost[cand.pk] = VISITS_PER_PERIOD[cand.effective_frequency()] * (
            cand.effective_service_minutes() + drive) / 60
    if scenario.goal == Scenario.Goal.BUDGET:
        cover = select_stops(inputs.demand, covers, cost=cost, budget=float(scenario.hours_budget),
                             time_limit=time_limit)
    else:
        cover = select_stops(inputs.demand, covers, max_stops=scenario.max_stops, time_limit=time_limit)
    by_pk = {c.pk: c for c in candidates}
    chosen = sorted((by_pk[key] for key in cover.chosen), key=lambda c: c.name)
    covered, own = coverage(inputs, chosen, covers)
    solution = Solution(optimal=cover.optimal, gap=cover.gap, seconds=cover.seconds,
                        covered_weight=cover.covered_weight, total_weight=cover.total_weight, covers=covers,
                        chosen=chosen, covered=covered, own=own)
    if not chosen:
        return solution
    if on_step is not None:
        on_step(ScenarioJob.Step.ROUTES)
    specs = []
    for cand in chosen:
        window = (minutes_of(cand.window_start) if cand.window_start else 0,
                  minutes_of(cand.window_end) if cand.window_end else 24 * 60)
        specs.append(StopSpec(key=cand.pk, frequency=cand.effective_frequency(),
                              service_minutes=cand.effective_service_minutes(),
                              demand_kg=int(stop_load(inputs, cand, own[cand.pk])), window=window,
                              paused_weeks=paused_weeks(cand, inputs.start, inputs.weekdays)))
    points = [(float(depot.latitude), float(depot.longitude))] + [
        (float(c.latitude), float(c.longitude)) for c in chosen]
    distance_m, duration_min = route_matrices(points, scenario)
    solution.plan = plan_period(specs, distance_m, duration_min, inputs.weekdays, day_rules(scenario), weeks=4,
                                seconds_per_day=seconds_per_day, seed=1)
    leave_out_unplaced(inputs, solution)
    return solution


def coverage(inputs: Inputs, stops: list, covers: dict) -> tuple[set, dict]:
    """The communes the stops cover, and for each stop the covered communes it is the nearest stop of
    (to estimate the load of the van per stop)."""
    covered = set().union(*(covers[c.pk] for c in stops)) if stops else set()
    by_insee = {c.insee: c for c in inputs.communes}
    own: dict[int, list] = {c.pk: [] for c in stops}
    for insee in sorted(covered):
        commune = by_insee[insee]
        nearest = min((c for c in stops if insee in covers[c.pk]),
                      key=lambda c: haversine_km(float(c.latitude), float(c.longitude), float(commune.latitude),
                                                 float(commune.longitude)))
        own[nearest.pk].append(insee)
    return covered, own


def leave_out_unplaced(inputs: Inputs, solution: Solution) -> None:
    """A chosen stop the four weeks give no visit (no room on a working day, too far, paused all cycle)
    serves nobody: the headline figures (coverage, population, households, hence cost per household) are
    those of the placed stops only. Km, hours and cost already count only the planned days."""
    plan = solution.plan
    if plan is None:
        return
    placed_keys = set(getattr(plan, "schedule", {}))
    solution.unplaced = [c for c in solution.chosen if c.pk not in placed_keys]
    if not solution.unplaced:
        return
    placed = [c for c in solution.chosen if c.pk in placed_keys]
    solution.covered, own = coverage(inputs, placed, solution.covers)
    solution.own = {c.pk: own.get(c.pk, []) for c in solution.chosen}
    solution.covered_weight = sum(inputs.demand.get(k, 0.0) for k in solution.covered)


def store(inputs: Inputs, solution: Solution, *, by) -> ScenarioRun:
    """Write the run, its stops and its four weeks (call inside the one final transaction)."""
    scenario = inputs.scenario
    covered_population = sum(inputs.population[k] for k in solution.covered)
    households = (Decimal(covered_population) / scenario.household_size).quantize(Decimal("0.1"))
    run = ScenarioRun.objects.create(
        scenario=scenario, ran_by=by, optimal=solution.optimal, gap=solution.gap,
        solve_seconds=solution.seconds, covered_weight=solution.covered_weight,
        total_weight=solution.total_weight, covered_population=covered_population,
        total_population=sum(inputs.population.values()), households=households,
        covered_communes=sorted(solution.covered), parameters=inputs.parameters,
    )
    run_stops = {}
    for cand in solution.chosen:
        run_stops[cand.pk] = RunStop.objects.create(
            run=run, candidate=cand, name=cand.name, commune=cand.commune, latitude=cand.latitude,
            longitude=cand.longitude, contact=cand.contact, address=cand.address,
            frequency=cand.effective_frequency(), service_minutes=cand.effective_service_minutes(),
            pause_start=cand.pause_start, pause_end=cand.pause_end, covers=sorted(solution.covers[cand.pk]),
            covered_population=sum(inputs.population[k] for k in solution.own[cand.pk]),
        )
    if solution.plan is not None:
        store_plan(run, solution.plan, run_stops)
    else:
        run.feasible = False
        run.save(update_fields=["feasible"])
    return run


def run_scenario(*, scenario: Scenario, by, time_limit: float = 20.0, seconds_per_day: float = 0.3) -> ScenarioRun:
    """Run a scenario here and now (the demo, tests): gather, solve outside any transaction, store in one.
    Pages go through `request_run` and the job queue instead."""
    inputs = gather(scenario=scenario)
    solution = solve(inputs, time_limit=time_limit, seconds_per_day=seconds_per_day)
    with transaction.atomic():
        return store(inputs, solution, by=by)


# --- Running a scenario on the job queue -----------------------------------------------------------

def request_run(*, scenario: Scenario, by, now=None) -> ScenarioJob:
    """Queue a run of the scenario (the worker computes it, see tasks.py). While one waits or runs, asking
    again returns it: a double click computes once."""
    check_runnable(scenario)
    active = scenario.jobs.filter(status__in=ScenarioJob.ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            job = ScenarioJob.objects.create(scenario=scenario, requested_by=by, requested_at=now or timezone.now())
            transaction.on_commit(partial(_enqueue, job.pk))
    except IntegrityError:  # two requests at once: the other one created it
        return scenario.jobs.get(status__in=ScenarioJob.ACTIVE)
    return job


def _enqueue(job_id: int) -> None:
    # Imported here: tasks.py imports this module to register its task (a cycle at import time).
    from .tasks import solve_scenario

    result = solve_scenario.enqueue(job_id)
    ScenarioJob.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id))


def _set_step(job_id: int, step: str) -> None:
    ScenarioJob.objects.filter(pk=job_id, status=ScenarioJob.Status.RUNNING).update(step=step)


def _fail(job_id: int, message: str) -> None:
    ScenarioJob.objects.filter(pk=job_id, status__in=ScenarioJob.ACTIVE).update(
        status=ScenarioJob.Status.FAILED, step="", error=message[:300], finished_at=timezone.now())


def run_job(*, job_id: int, time_limit: float = 20.0, seconds_per_day: float = 0.3) -> int | None:
    """Carry out a queued request (called by the worker): gather, solve with no transaction open, store
    in one short transaction that first locks the job row and stores nothing if the job is no longer
    running (a second run of the same task). Returns the run's id, or None."""
    claimed = ScenarioJob.objects.filter(pk=job_id, status__in=ScenarioJob.ACTIVE).update(
        status=ScenarioJob.Status.RUNNING, step=ScenarioJob.Step.GATHER, started_at=timezone.now(),
        attempts=F("attempts") + 1)
    if not claimed:
        return None  # done, failed or deleted: a job completes once
    try:
        job = ScenarioJob.objects.select_related("scenario", "requested_by").get(pk=job_id)
        inputs = gather(scenario=job.scenario)
        _set_step(job_id, ScenarioJob.Step.COVER)
        solution = solve(inputs, time_limit=time_limit, seconds_per_day=seconds_per_day,
                         on_step=partial(_set_step, job_id))
        _set_step(job_id, ScenarioJob.Step.STORE)
        with transaction.atomic():
            locked = (ScenarioJob.objects.select_for_update(of=("self",))
                      .filter(pk=job_id, status=ScenarioJob.Status.RUNNING).first())
            if locked is None:
                return None
            run = store(inputs, solution, by=job.requested_by)
            ScenarioJob.objects.filter(pk=job_id).update(status=ScenarioJob.Status.DONE, step="", run=run,
                                                         finished_at=timezone.now(), error="")
    except PlannerError as error:
        _fail(job_id, str(error))
        return None
    except ObjectDoesNotExist:  # the scenario was deleted meanwhile, and its job with it
        return None
    except Exception:
        _fail(job_id, str(_("The computation failed. Try again; if it fails again, tell the person who runs "
                            "Grappe.")))
        raise
    return run.pk


def abandon_job(job_id: int, **_kwargs) -> None:
    """The job queue gave up on this request (its worker was stopped three times)."""
    _fail(job_id, str(_("The computation was interrupted three times and was given up. Try again.")))


def parameters_of(scenario: Scenario, communes: int, candidates: int) -> dict:
    return {
        "communes": communes, "candidates": candidates, "goal": scenario.goal, "max_stops": scenario.max_stops,
        "hours_budget": str(scenario.hours_budget), "reach": str(scenario.reach),
        "reach_mode": scenario.reach_mode, "detour_factor": str(scenario.detour_factor),
        "speed_kmh": str(scenario.speed_kmh), "weights": scenario.weights, "osrm": bool(settings.OSRM_URL),
        "period_start": cycle_start(scenario).isoformat(),
    }


def unplaced_rows(plan, run_stops: dict) -> list[dict]:
    """Each chosen stop without a visit, with why (a code the page words, see ScenarioRun.unplaced) and, for
    a stop left out for lack of room, the first day it did not fit in."""
    rows = []
    codes = getattr(plan, "reason_codes", {})
    conflicts = getattr(plan, "conflicts", {})
    for key, stop in run_stops.items():
        if key in plan.schedule:
            continue
        row = {"name": stop.name, "code": codes.get(key, "paused")}
        if key in conflicts:
            row["week"], row["weekday"] = conflicts[key]
        rows.append(row)
    return rows


def store_plan(run: ScenarioRun, plan, run_stops: dict) -> None:
    km = Decimal("0")
    minutes = 0
    feasible = True
    for planned in plan.days:
        route = planned.route
        if not route.order:
            continue
        # scheduling.py numbers weeks 1..4; a RunDay (like dates.py) counts from 0.
        day = RunDay.objects.create(run=run, week=planned.week - 1, weekday=planned.weekday,
                                    km=Decimal(str(round(route.km, 1))), minutes=route.minutes,
                                    feasible=route.feasible, problems=list(getattr(route, "problems", [])))
        RunVisit.objects.bulk_create([
            RunVisit(day=day, stop=run_stops[key], position=position, arrival=arrival,
                     departure=arrival + run_stops[key].service_minutes)
            for position, (key, arrival) in enumerate(zip(route.order, route.arrivals, strict=True))
        ])
        km += day.km
        minutes += route.minutes
        feasible = feasible and route.feasible
    run.km_month = km
    run.hours_month = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
    run.unassigned = unplaced_rows(plan, run_stops)
    run.feasible = feasible and not run.unassigned
    scenario = run.scenario
    run.cost_month = round_cents(km * scenario.cost_per_km + Decimal(minutes) / 60 * scenario.cost_per_hour)
    run.cost_per_household = round_cents(run.cost_month / run.households) if run.households else None
    run.save()


# --- Running the tours ---------------------------------------------------------------------------

@dataclass
class Adoption:
    """What adopting a run for a group does: the stops it keeps or creates (named), those it retires."""

    run: ScenarioRun
    group: BuyingGroup
    stops: list  # the run's placed stops (RunStop), in the order of the tour
    unplaced: list  # the run's stops without a date: never made into van stops
    retirements: list  # retiring.Retirement

    @property
    def new_names(self) -> list[str]:
        current = set(Site.objects.filter(group=self.group, is_stop=True, retired_at__isnull=True)
                      .values_list("name", flat=True))
        return [stop.name for stop in self.stops if stop.name not in current]


def adoption_of(*, run: ScenarioRun, group: BuyingGroup) -> Adoption:
    """Read what adopting would do (nothing is written): used for the confirmation and by `adopt_run`."""
    first_position: dict[int, tuple[int, int, int]] = {}
    for day in run.days.prefetch_related("visits"):
        for visit in day.visits.all():
            first_position.setdefault(visit.stop_id, (day.week, day.weekday, visit.position))
    all_stops = list(run.stops.select_related("commune"))
    placed = sorted((s for s in all_stops if s.pk in first_position), key=lambda s: (first_position[s.pk], s.name))
    unplaced = [s for s in all_stops if s.pk not in first_position]
    names = {stop.name for stop in placed}
    retirements = []
    for site in (Site.objects.filter(group=group, is_stop=True, retired_at__isnull=True)
                 .select_related("commune").order_by("position", "name")):
        if site.name in names:
            continue
        same_commune = [stop for stop in placed if site.commune_id and stop.commune_id == site.commune_id]
        retirements.append(retiring.Retirement(site=site, replacement_name=same_commune[0].name
                                               if len(same_commune) == 1 else ""))
    return Adoption(run=run, group=group, stops=placed, unplaced=unplaced, retirements=retirements)


def check_adoption(*, run: ScenarioRun, group: BuyingGroup, period_start: date) -> None:
    if group.kind != BuyingGroup.Kind.MOBILE:
        raise PlannerError(_("Only a mobile group runs tours."))
    if group.association_id != run.scenario.association_id:
        raise PlannerError(_("This group belongs to another association."))
    if period_start.weekday() != 0:
        raise PlannerError(_("The cycle must start on a Monday."))


@transaction.atomic
def adopt_run(*, run: ScenarioRun, group: BuyingGroup, period_start: date, by, now=None,
              send_message: bool = False) -> Tour:
    """The run's placed stops become the mobile group's van stops (sites); its schedule becomes the tour.

    A stop the run could not place gets no site (a van stop always has dates). The group's other van stops
    are retired (`retired_at`, kept for the history); the hooks of `retiring` then move their events to
    the replacing stop, and with `send_message` write to their members. `tour.notes` says what is left to
    look at (events with no replacing stop)."""
    check_adoption(run=run, group=group, period_start=period_start)
    now = now or timezone.now()
    group = BuyingGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    adoption = adoption_of(run=run, group=group)
    by_name = {}
    for position, stop in enumerate(adoption.stops, start=1):
        site = (Site.objects.filter(group=group, is_stop=True, name=stop.name)
                .order_by(F("retired_at").desc(nulls_first=True), "-pk").first())
        values: dict[str, object] = {"address": stop.address, "commune": stop.commune, "latitude": stop.latitude,
                                     "longitude": stop.longitude, "position": position, "retired_at": None}
        if stop.contact:
            values["contact"] = stop.contact
        if site is None:
            site = Site.objects.create(group=group, name=stop.name, is_stop=True, **values)
        else:
            for name, value in values.items():
                setattr(site, name, value)
            site.save()
        RunStop.objects.filter(pk=stop.pk).update(site=site)
        by_name[stop.name] = site
    for retirement in adoption.retirements:
        retirement.replacement = by_name.get(retirement.replacement_name)
    Site.objects.filter(pk__in=[r.site.pk for r in adoption.retirements]).update(retired_at=now)
    tour, _created = Tour.objects.update_or_create(
        group=group, defaults={"run": run, "period_start": period_start, "adopted_by": by, "adopted_at": now})
    tour.retired = adoption.retirements
    tour.notes = retiring.run_after(group, adoption.retirements, send_message=send_message, by=by, now=now)
    if adoption.retirements:
        log.info("tour of group %s adopted: %s stops retired", group.pk, len(adoption.retirements))
    return tour
