"""The mobile planner's pages. Coordinators and admins plan; the route sheet is for the group's staff too."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grappe.core import qr
from grappe.core.errors import REFUSED
from grappe.core.member_facing import MEMBER_LANGUAGES
from grappe.core.pdf import pdf_response
from grappe.network.access import ADMIN, COORDINATOR, VOLUNTEER, group_for, require_scope

from . import queries, retiring, services, timetable
from .dates import next_monday, stop_dates, stops_on
from .forms import (
    WEEKDAYS,
    AdoptConfirmForm,
    AdoptForm,
    CandidateStopForm,
    CompareForm,
    IndicatorConfirmForm,
    IndicatorUploadForm,
    ScenarioForm,
    WeightsForm,
)
from .models import Indicator, Scenario, Tour

PLANNERS = (ADMIN, COORDINATOR)
WEEKDAY_NAMES = dict(WEEKDAYS) | {6: gettext_lazy("Sunday")}
JOB_REFRESH_SECONDS = 5  # the scenario page reloads itself while its computation waits or runs
ROUTE_COLOURS = ["#5b2a86", "#0b6e4f", "#b5179e", "#1d4ed8", "#9a3412", "#0f766e", "#7c2d12", "#4338ca"]


def weekday_name(weekday: int) -> str:
    return str(WEEKDAY_NAMES.get(weekday, weekday))


@require_scope(*PLANNERS)
def planner(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    scenarios = list(queries.scenarios_for(scope.association))
    tours = Tour.objects.filter(group__in=scope.groups()).select_related("group", "run__scenario")
    indicators = Indicator.objects.filter(association=scope.association)
    return render(request, "tours/planner.html", {
        "scenarios": scenarios, "tours": tours, "indicators": indicators,
        "compare_form": CompareForm(association=scope.association) if len(scenarios) >= 2 else None,
    })


@require_scope(*PLANNERS)
def scenario_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    form = ScenarioForm(request.POST or None, scope=scope, instance=Scenario(association=scope.association))
    if request.method == "POST" and form.is_valid():
        scenario = services.save_scenario(form=form, association=scope.association, by=request.user)
        messages.success(request, _("Scenario created. Check the candidate stops, then run it."))
        return redirect("tours:scenario", pk=scenario.pk)
    return render(request, "tours/scenario_form.html", {"form": form})


@require_scope(*PLANNERS)
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    scenario = queries.scenario_for(scope, pk, write=request.method == "POST")
    form = ScenarioForm(request.POST or None, scope=scope, instance=scenario)
    if request.method == "POST" and form.is_valid():
        services.save_scenario(form=form, association=scope.association, by=request.user)
        messages.success(request, _("Scenario saved. Run it again to update the results."))
        return redirect("tours:scenario", pk=scenario.pk)
    return render(request, "tours/scenario_form.html", {"form": form, "scenario": scenario})


def reach_radius_m(scenario: Scenario) -> float:
    """The reach as a straight-line radius on the map (the road estimate divided by the detour factor)."""
    reach = float(scenario.reach)
    km = reach * float(scenario.speed_kmh) / 60 if scenario.reach_mode == Scenario.ReachMode.MINUTES else reach
    return 1000 * km / float(scenario.detour_factor)


def day_label(day) -> str:
    return _("Week %(week)s · %(weekday)s") % {"week": day.week + 1, "weekday": weekday_name(day.weekday)}


def map_data(scenario: Scenario, table, run, stops, days) -> dict:
    covered = set(run.covered_communes) if run else set()
    radius = reach_radius_m(scenario)
    data = {
        "depot": {"name": scenario.depot.name, "lat": float(scenario.depot.latitude),
                  "lon": float(scenario.depot.longitude)},
        "communes": [{"name": row.commune.name, "lat": float(row.commune.latitude),
                      "lon": float(row.commune.longitude), "score": round(row.score.score, 3),
                      "population": row.commune.population, "covered": row.commune.insee in covered}
                     for row in table.rows],
        "sites": [{"name": site.name, "group": site.group.name, "lat": float(site.latitude),
                   "lon": float(site.longitude)} for site in table.sites],
        "stops": [{"name": stop.name, "lat": float(stop.latitude), "lon": float(stop.longitude),
                   "radius": radius} for stop in stops],
        "routes": [],
        "labels": {"depot": _("Depot"), "site": _("Existing distribution point"), "stop": _("Chosen stop"),
                   "need": _("Need score"), "population": _("Population")},
    }
    depot = [data["depot"]["lat"], data["depot"]["lon"]]
    for index, day in enumerate(days):
        points = [depot] + [[float(v.stop.latitude), float(v.stop.longitude)] for v in day.visits.all()] + [depot]
        data["routes"].append({"label": day_label(day), "colour": ROUTE_COLOURS[index % len(ROUTE_COLOURS)],
                               "points": points})
    return data


@require_scope(*PLANNERS)
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    scenario = queries.scenario_for(scope, pk)
    run = scenario.latest_run
    table = queries.need_table(scenario)
    stops, days = queries.run_detail(run) if run else ([], [])
    for index, day in enumerate(days):
        day.label = day_label(day)
        day.colour = ROUTE_COLOURS[index % len(ROUTE_COLOURS)]
    placed = {visit.stop_id for day in days for visit in day.visits.all()}
    for stop in stops:
        stop.placed = stop.pk in placed
    weekdays = ", ".join(weekday_name(int(d)) for d in sorted(scenario.working_weekdays))
    adopt_form = AdoptForm(scope=scope, initial={"group": scenario.group_id,
                                                 "period_start": next_monday(timezone.localdate())})
    job = scenario.jobs.first()
    if job is not None and job.status == job.Status.DONE:
        job = None  # the results below say it all
    elif job is not None and job.status == job.Status.FAILED and run is not None and run.ran_at > job.requested_at:
        job = None  # an older failure, since computed again
    return render(request, "tours/scenario_detail.html", {
        "scenario": scenario, "run": run, "table": table, "stops": stops, "days": days, "job": job,
        "refresh_seconds": JOB_REFRESH_SECONDS if job is not None and job.active else None,
        "weekdays": weekdays, "map_data": map_data(scenario, table, run, stops, days),
        "adopt_form": adopt_form if adopt_form.fields["group"].queryset.exists() else None,
        "candidate_count": scenario.candidates.count(),
    })


@require_POST
@require_scope(*PLANNERS)
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the computation (the worker runs it); the scenario page shows its progress."""
    scenario = queries.scenario_for(request.scope, pk, write=True)
    try:
        services.request_run(scenario=scenario, by=request.user)
    except services.PlannerError as error:
        messages.error(request, str(error))
        return redirect("tours:scenario", pk=scenario.pk)
    return redirect(reverse("tours:scenario", args=[scenario.pk]) + "#job")


@require_scope(*PLANNERS)
def scenario_need(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    scenario = queries.scenario_for(scope, pk, write=request.method == "POST")
    columns = queries.indicator_columns(scope.association, scenario.weights)
    form = WeightsForm(request.POST or None, columns=columns)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_weights(scenario=scenario, weights=form.weights())
        except services.PlannerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Weights saved. Run the scenario again to choose the stops with them."))
            return redirect("tours:need", pk=scenario.pk)
    table = queries.need_table(scenario)
    return render(request, "tours/need.html", {"scenario": scenario, "table": table, "form": form,
                                               "total_weight": sum(c.weight for c in table.columns if c.weight > 0)})


@require_scope(*PLANNERS)
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    scenario = queries.scenario_for(scope, pk, write=request.method == "POST")
    form = CandidateStopForm(request.POST or None, initial={"commune": scenario.depot_id})
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        candidate.scenario = scenario
        candidate.is_commune_centre = False
        candidate.save()
        messages.success(request, _("Stop %(name)s added.") % {"name": candidate.name})
        return redirect("tours:candidates", pk=scenario.pk)
    rows = scenario.candidates.select_related("commune").order_by("is_commune_centre", "name")
    return render(request, "tours/candidates.html", {"scenario": scenario, "candidates": rows, "form": form})


@require_scope(*PLANNERS)
def candidate_edit(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    scenario = queries.scenario_for(request.scope, pk, write=request.method == "POST")
    candidate = queries.candidate_for(scenario, candidate_pk)
    form = CandidateStopForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Stop %(name)s saved.") % {"name": candidate.name})
        return redirect("tours:candidates", pk=scenario.pk)
    return render(request, "tours/candidate_form.html", {"scenario": scenario, "candidate": candidate, "form": form})


@require_scope(*PLANNERS)
def indicators_import(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    upload = IndicatorUploadForm()
    context: dict = {"upload": upload,
                     "indicators": Indicator.objects.filter(association=scope.association)}
    if request.method == "POST" and "file" in request.FILES:
        upload = IndicatorUploadForm(request.POST, request.FILES)
        context["upload"] = upload
        if upload.is_valid():
            try:
                text = services.read_upload(upload.cleaned_data["file"])
            except services.PlannerError as error:
                messages.error(request, str(error))
            else:
                context.update(preview_context(text, upload.cleaned_data["source"]))
    elif request.method == "POST":
        confirm = IndicatorConfirmForm(request.POST)
        if confirm.is_valid():
            text, source = confirm.cleaned_data["text"], confirm.cleaned_data["source"]
            try:
                result = services.import_indicators(association=scope.association, text=text, by=request.user,
                                                    keep_valid=confirm.cleaned_data["keep_valid"], source=source)
            except services.PlannerError as error:
                messages.error(request, str(error))
                context.update(preview_context(text, source, confirm))
            else:
                messages.success(request, _("%(rows)s communes imported (%(skipped)s rows left aside).")
                                 % {"rows": result.rows, "skipped": result.skipped})
                return redirect("tours:indicators")
        else:
            messages.error(request, _("The import form was incomplete; choose the file again."))
    return render(request, "tours/indicators.html", context)


def preview_context(text: str, source: str, confirm=None) -> dict:
    parsed = services.preview_indicators(text)
    rows = [{"line": row.line, "code": row.code, "name": row.name, "ok": row.ok,
             "values": [row.values.get(column.key) for column in parsed.columns],
             "reasons": [services.describe_issue(issue) for issue in row.issues]} for row in parsed.rows]
    return {
        "parsed": parsed, "preview_rows": rows,
        "file_reasons": [services.describe_issue(issue) for issue in parsed.issues],
        "column_labels": [str(queries.KNOWN_LABELS.get(c.key, c.header)) if c.known else c.header
                          for c in parsed.columns],
        "confirm": confirm or IndicatorConfirmForm(initial={"text": text, "source": source}),
        "error_count": len(parsed.error_rows), "valid_count": len(parsed.valid_rows),
    }


@require_scope(*PLANNERS)
def compare(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    form = CompareForm(request.GET or None, association=scope.association)
    pair = []
    if form.is_valid():
        for key in ("a", "b"):
            scenario = queries.scenario_for(scope, form.cleaned_data[key].pk)
            pair.append((scenario, scenario.latest_run))
    return render(request, "tours/compare.html", {"form": form, "pair": pair})


@require_POST
@require_scope(*PLANNERS)
def scenario_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopting asks first: the first POST (from the scenario page) shows what will happen, which stops are
    retired and who the message would reach; only the POST with the required tick adopts."""
    scope = request.scope
    scenario = queries.scenario_for(scope, pk, write=True)
    run = scenario.latest_run
    form = AdoptForm(request.POST, scope=scope)
    if run is None:
        messages.error(request, _("Run the scenario first."))
        return redirect("tours:scenario", pk=scenario.pk)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("tours:scenario", pk=scenario.pk)
    group = group_for(scope, form.cleaned_data["group"].pk, write=True)
    period_start = form.cleaned_data["period_start"]
    try:
        services.check_adoption(run=run, group=group, period_start=period_start)
    except services.PlannerError as error:
        messages.error(request, str(error))
        return redirect("tours:scenario", pk=scenario.pk)
    confirm = AdoptConfirmForm(request.POST if "step" in request.POST else None)
    if confirm.is_bound and confirm.is_valid():
        try:
            tour = services.adopt_run(run=run, group=group, period_start=period_start, by=request.user,
                                      send_message=confirm.cleaned_data["send_message"])
        except services.PlannerError as error:
            confirm.add_error(None, str(error))
        else:
            messages.success(request, _("The stops are now the van stops of %(group)s.") % {"group": group.name})
            if tour.retired:
                messages.info(request, _("Stops retired (kept in the history): %(names)s.") % {
                    "names": ", ".join(r.site.name for r in tour.retired)})
            for note in tour.notes:
                messages.warning(request, note)
            return redirect("tours:tour", group_pk=group.pk)
    adoption = services.adoption_of(run=run, group=group)
    status = REFUSED if confirm.is_bound else 200
    if not confirm.is_bound:
        confirm = AdoptConfirmForm(initial={"send_message": True})
    return render(request, "tours/adopt_confirm.html", {
        "scenario": scenario, "run": run, "group": group, "period_start": period_start, "form": form,
        "confirm": confirm, "adoption": adoption,
        "notes": retiring.preview_notes(group, adoption.retirements) if adoption.retirements else [],
    }, status=status)


@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
def tour_detail(request: HttpRequest, group_pk: int) -> HttpResponse:
    tour = queries.tour_for(request.scope, group_pk)
    start = max(timezone.localdate(), tour.period_start)
    schedule = queries.schedule_of(tour)
    stops, days = queries.run_detail(tour.run)
    for day in days:
        day.label = day_label(day)
    upcoming = []
    for offset in range(56):
        day = start + timedelta(days=offset)
        served = stops_on(schedule, day)
        if served:
            upcoming.append((day, len(served)))
    site_stops = [(stop, stop_dates(schedule, stop.pk, start, start + timedelta(days=55))[:4])
                  for stop in stops]
    group = tour.group
    public = timetable.group_timetable(group, tour, timezone.localdate(), weeks=1)  # its stops: the posters
    return render(request, "tours/tour.html", {
        "tour": tour, "group": group, "upcoming": upcoming, "days": days, "site_stops": site_stops,
        "public_stops": [row.site for row in public.stops],
        "public_page": reverse("timetable:page", args=[group.association.slug, group.pk]),
        "public_open": group.status != group.Status.CLOSED,
    })


@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
def route_sheet(request: HttpRequest, group_pk: int, day: str) -> HttpResponse:
    tour = queries.tour_for(request.scope, group_pk)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    run_day, sheet = queries.route_sheet(tour, when)
    if run_day is None or not sheet:
        raise Http404
    stock = queries.fill_route_sheet(tour.group, when, sheet)
    context = {"tour": tour, "group": tour.group, "day": when, "run_day": run_day, "sheet": sheet, "stock": stock,
               "association": tour.group.association, "weekday": weekday_name(when.weekday())}
    return pdf_response("tours/route_sheet.html", context, f"tournee-{tour.group.pk}-{when.isoformat()}.pdf",
                        request=request)


# --- The villages' timetable: public, no sign-in (grappe/tours/timetable.py reads only public facts) ---

LARGE_PRINT = "grand"  # ?grand=1: the public page in large print, without JavaScript
PAGE_LANGUAGE = "langue"  # ?langue=ar: the public page in that language (as the join page's QR code does)


def _with_language(request: HttpRequest) -> HttpResponse | None:
    """`?langue=ar`: remember that language (the cookie of the footer's switch) and show the same page
    without the parameter, so that the footer's switch still works from there. None when not asked."""
    language = request.GET.get(PAGE_LANGUAGE)
    if language is None:
        return None
    rest = request.GET.copy()
    del rest[PAGE_LANGUAGE]
    response = redirect(request.path + (f"?{rest.urlencode()}" if rest else ""))
    if language in MEMBER_LANGUAGES:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


def _public_url(request: HttpRequest, group) -> str:
    return request.build_absolute_uri(reverse("timetable:page", args=[group.association.slug, group.pk]))


def public_tour(request: HttpRequest, association: str, group_pk: int) -> HttpResponse:
    """A van group's stops, their next visits, a map and how to join: for the villages, no sign-in."""
    group, tour = timetable.public_group(association, group_pk)
    switched = _with_language(request)
    if switched is not None:
        return switched
    table = timetable.group_timetable(group, tour, timezone.localdate())
    large = request.GET.get(LARGE_PRINT) == "1"
    context = {
        "table": table, "group": group, "association": group.association, "host": group.host,
        "visits_shown": timetable.PAGE_VISITS, "weeks": timetable.PAGE_WEEKS, "large": large,
        "map_points": timetable.map_points(table),
        "large_url": f"{request.path}?{LARGE_PRINT}=1", "normal_url": request.path,
    }
    return render(request, "tours/public_tour.html", context)


def poster_is_busy(row) -> bool:
    """Whether a stop's poster needs its smaller type to stay on one page: more than four rows of dates,
    or long words about the place."""
    words = len(row.site.name) + len(row.site.address) + len(row.site.contact)
    return len(row.visits) > 8 or words > 110


def stop_poster(request: HttpRequest, association: str, group_pk: int, site_pk: int) -> HttpResponse:
    """The poster of one stop for the village hall (A4, in French): public, like the page its QR code opens."""
    group, tour = timetable.public_group(association, group_pk)
    site = timetable.public_stop(group, tour, site_pk)
    with translation.override("fr"):
        table = timetable.group_timetable(group, tour, timezone.localdate(), stop_site=site)
        url = _public_url(request, group)
        row = table.stops[0]
        context = {"row": row, "visits": row.visits[:timetable.POSTER_VISITS],
                   "more_visits": len(row.visits) > timetable.POSTER_VISITS, "compact": poster_is_busy(row),
                   "group": group, "association": group.association, "host": group.host,
                   "weeks": timetable.PAGE_WEEKS, "page_url": url,
                   "qr": mark_safe(qr.svg(url, label=_("QR code of the page of the stops")))}  # noqa: S308
        return pdf_response("tours/poster.html", context, f"affiche-{group.pk}-{site.pk}.pdf", request=request)
