"""Mobile planner API: scenarios with their latest results, communes with need scores, running a
scenario. Coordinators and admins of the association only; anything else is a 404, as on the pages."""

from datetime import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from grappe.network.access import scope_for
from grappe.tours import queries, services

router = Router(tags=["tours"])


def _planner_scope(request):
    scope = scope_for(request.auth)
    if scope.association is None or not scope.is_coordinator:
        raise Http404
    return scope


class RunOut(Schema):
    id: int
    ran_at: datetime
    optimal: bool
    gap: float
    covered_weight: float
    total_weight: float
    covered_population: int
    households: Decimal
    km_month: Decimal
    hours_month: Decimal
    cost_month: Decimal
    cost_per_household: Decimal | None
    feasible: bool
    stops: list[str]


class ScenarioOut(Schema):
    id: int
    name: str
    epci: str
    reach_mode: str
    reach: Decimal
    detour_factor: Decimal
    speed_kmh: Decimal
    goal: str
    max_stops: int
    hours_budget: Decimal
    depot: str
    weights: dict
    latest_run: RunOut | None


class VisitOut(Schema):
    stop: str
    arrival: str
    departure: str


class DayOut(Schema):
    week: int
    weekday: int
    km: Decimal
    minutes: int
    feasible: bool
    visits: list[VisitOut]


class ScenarioDetailOut(ScenarioOut):
    days: list[DayOut]


class CommuneNeedOut(Schema):
    insee: str
    name: str
    population: int
    need_score: float
    values: dict
    imputed: list[str]


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _run_out(run) -> dict | None:
    if run is None:
        return None
    return {
        "id": run.pk, "ran_at": run.ran_at, "optimal": run.optimal, "gap": run.gap,
        "covered_weight": run.covered_weight, "total_weight": run.total_weight,
        "covered_population": run.covered_population, "households": run.households, "km_month": run.km_month,
        "hours_month": run.hours_month, "cost_month": run.cost_month, "cost_per_household": run.cost_per_household,
        "feasible": run.feasible, "stops": [stop.name for stop in run.stops.all()],
    }


def _scenario_out(scenario) -> dict:
    return {
        "id": scenario.pk, "name": scenario.name, "epci": scenario.epci, "reach_mode": scenario.reach_mode,
        "reach": scenario.reach, "detour_factor": scenario.detour_factor, "speed_kmh": scenario.speed_kmh,
        "goal": scenario.goal, "max_stops": scenario.max_stops, "hours_budget": scenario.hours_budget,
        "depot": scenario.depot.name, "weights": scenario.weights, "latest_run": _run_out(scenario.latest_run),
    }


@router.get("/tours/scenarios", response=list[ScenarioOut])
def list_scenarios(request):
    scope = _planner_scope(request)
    return [_scenario_out(s) for s in queries.scenarios_for(scope.association)]


@router.get("/tours/scenarios/{scenario_id}", response=ScenarioDetailOut)
def scenario_detail(request, scenario_id: int):
    scope = _planner_scope(request)
    scenario = queries.scenario_for(scope, scenario_id)
    out = _scenario_out(scenario)
    days = []
    if scenario.latest_run is not None:
        _stops, run_days = queries.run_detail(scenario.latest_run)
        days = [{"week": d.week, "weekday": d.weekday, "km": d.km, "minutes": d.minutes, "feasible": d.feasible,
                 "visits": [{"stop": v.stop.name, "arrival": _hm(v.arrival), "departure": _hm(v.departure)}
                            for v in d.visits.all()]} for d in run_days]
    return {**out, "days": days}


@router.get("/tours/scenarios/{scenario_id}/communes", response=list[CommuneNeedOut])
def scenario_communes(request, scenario_id: int):
    scope = _planner_scope(request)
    scenario = queries.scenario_for(scope, scenario_id)
    table = queries.need_table(scenario)
    return [{"insee": row.commune.insee, "name": row.commune.name, "population": row.commune.population,
             "need_score": round(row.score.score, 4), "values": row.values, "imputed": row.score.missing}
            for row in table.rows]


@router.post("/tours/scenarios/{scenario_id}/run", response=ScenarioOut)
def run_scenario(request, scenario_id: int):
    scope = _planner_scope(request)
    scenario = queries.scenario_for(scope, scenario_id, write=True)
    try:
        services.run_scenario(scenario=scenario, by=request.auth)
    except services.PlannerError as error:
        raise HttpError(400, str(error)) from None
    return _scenario_out(queries.scenario_for(scope, scenario_id))
