"""The mobile planner's data: commune indicators, scenarios, candidate stops, runs and adopted tours.

A scenario is a study: which communes are considered, how far a stop reaches, how many stops (or how
many van hours a month), the working day and the van. Running it stores a `ScenarioRun` with the chosen
stops (`RunStop`) and the four-week schedule (`RunDay` and its `RunVisit`s). A mobile group adopts a
run as its `Tour`: the chosen stops become the group's sites (van stops) and the run's schedule gives
each stop its dates.
"""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import FiniteDecimalField
from grappe.network.models import Association, BuyingGroup, Commune, Site


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every other week (weeks spread by the planner)")
    FORTNIGHTLY_EVEN = "fortnightly_even", _("every other week (even weeks)")
    FORTNIGHTLY_ODD = "fortnightly_odd", _("every other week (odd weeks)")
    MONTHLY = "monthly", _("once every four weeks")


VISITS_PER_PERIOD = {Frequency.WEEKLY: 4, Frequency.FORTNIGHTLY: 2, Frequency.FORTNIGHTLY_EVEN: 2,
                     Frequency.FORTNIGHTLY_ODD: 2,
                     Frequency.MONTHLY: 1}


class Indicator(models.Model):
    """A named figure known per commune (share aged 75+, poverty rate, referrals...)."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="tour_indicators")
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=150)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    higher_means_need = models.BooleanField(
        _("a higher value means a higher need"), default=True,
        help_text=_("Untick for a figure such as the median income, where a lower value means more need."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("invented demo values"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label"]
        verbose_name = _("commune indicator")
        constraints = [models.UniqueConstraint(fields=["association", "key"], name="tours_indicator_unique_key")]

    def __str__(self):
        return self.label


class IndicatorValue(models.Model):
    """One commune's value of one indicator; `value` is empty when the source hides it (secret `s`, `nd`)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    value = FiniteDecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        constraints = [models.UniqueConstraint(fields=["indicator", "commune"], name="tours_value_unique")]

    def __str__(self):
        return f"{self.indicator} · {self.commune} = {self.value}"


def default_weights() -> dict:
    return {"aged_75_share": 1.0, "poverty_rate": 1.0, "referrals": 0.5, "food_shop_km": 1.0,
            "distribution_km": 1.5}


def default_weekdays() -> list:
    return [1, 3]  # Tuesday and Thursday


class Scenario(models.Model):
    class ReachMode(models.TextChoices):
        KM = "km", _("kilometres by road")
        MINUTES = "minutes", _("minutes by road")

    class Goal(models.TextChoices):
        STOPS = "stops", _("at most K stops")
        BUDGET = "budget", _("within a budget of van hours per month")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="tour_scenarios")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("mobile group"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="tour_scenarios",
                              limit_choices_to={"kind": BuyingGroup.Kind.MOBILE})
    name = models.CharField(_("name"), max_length=150)
    epci = models.CharField(_("intercommunality considered"), max_length=150, blank=True,
                            help_text=_("For example: CC du Diois. Empty: the communes listed below."))
    communes = models.ManyToManyField(Commune, verbose_name=_("other communes considered"), blank=True,
                                      related_name="+")
    reach_mode = models.CharField(_("reach measured in"), max_length=10, choices=ReachMode.choices,
                                  default=ReachMode.KM)
    reach = FiniteDecimalField(_("reach of a stop"), max_digits=6, decimal_places=1, default=Decimal("15"),
                                validators=[MinValueValidator(Decimal("0.5"))])
    detour_factor = FiniteDecimalField(
        _("detour factor"), max_digits=4, decimal_places=2, default=Decimal("1.40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("3"))],
        help_text=_("Road distance = straight-line distance × this factor (1.4 suits mountain roads)."),
    )
    speed_kmh = FiniteDecimalField(_("average speed (km/h)"), max_digits=5, decimal_places=1,
                                    default=Decimal("50"), validators=[MinValueValidator(Decimal("5"))])
    goal = models.CharField(_("goal"), max_length=10, choices=Goal.choices, default=Goal.STOPS)
    max_stops = models.PositiveSmallIntegerField(_("K, the most stops"), default=8,
                                                 validators=[MinValueValidator(1)])
    hours_budget = FiniteDecimalField(_("van hours per month"), max_digits=6, decimal_places=1,
                                       default=Decimal("60"), validators=[MinValueValidator(Decimal("1"))])
    depot = models.ForeignKey(Commune, verbose_name=_("depot"), on_delete=models.PROTECT, related_name="+")
    working_weekdays = models.JSONField(_("working days"), default=default_weekdays)
    day_start = models.TimeField(_("day starts at"), default=time(8, 0))
    day_end = models.TimeField(_("day ends at"), default=time(17, 30))
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=45)
    service_minutes = models.PositiveSmallIntegerField(
        _("default stop duration (minutes)"), default=90, validators=[MinValueValidator(5)],
        help_text=_("Including setting up and packing away."),
    )
    default_frequency = models.CharField(_("default frequency"), max_length=20, choices=Frequency.choices,
                                         default=Frequency.FORTNIGHTLY)
    capacity_kg = models.PositiveIntegerField(_("van capacity (kg)"), default=800)
    capacity_m3 = FiniteDecimalField(_("van volume (m³)"), max_digits=5, decimal_places=1, default=Decimal("12"))
    basket_kg = FiniteDecimalField(_("weight of a basket (kg)"), max_digits=5, decimal_places=1,
                                    default=Decimal("8"))
    uptake_percent = FiniteDecimalField(
        _("households expected to join (%)"), max_digits=5, decimal_places=1, default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Of the need-weighted households within reach of a stop; gives the load of the van."),
    )
    cost_per_km = FiniteDecimalField(_("cost per km (EUR)"), max_digits=8, decimal_places=2,
                                      default=Decimal("0.45"))
    cost_per_hour = FiniteDecimalField(_("cost per driver hour (EUR)"), max_digits=8, decimal_places=2,
                                        default=Decimal("24.00"))
    household_size = FiniteDecimalField(_("average household size"), max_digits=4, decimal_places=2,
                                         default=Decimal("2.10"), validators=[MinValueValidator(Decimal("1"))])
    period_start = models.DateField(_("first Monday of the four-week cycle"), null=True, blank=True)
    weights = models.JSONField(_("weights of the need score"), default=default_weights)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario")
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="tours_scenario_unique_name"),
            models.CheckConstraint(condition=models.Q(day_end__gt=models.F("day_start")),
                                   name="tours_scenario_day_ordered"),
        ]

    def __str__(self):
        return self.name

    @property
    def latest_run(self):
        runs = getattr(self, "_prefetched_objects_cache", {}).get("runs")
        if runs is not None:
            return runs[0] if runs else None
        return self.runs.first()


class CandidateStop(models.Model):
    """A place where the van could stop: a commune centre, or a site entered by hand."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="candidates")
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    is_commune_centre = models.BooleanField(_("commune centre"), default=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = FiniteDecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = FiniteDecimalField(_("longitude"), max_digits=9, decimal_places=6)
    contact = models.CharField(_("local contact"), max_length=200, blank=True,
                               help_text=_("For example: the mairie's secretary, 04 75 00 00 00"))
    service_minutes = models.PositiveSmallIntegerField(
        _("stop duration (minutes)"), null=True, blank=True, validators=[MinValueValidator(5)],
        help_text=_("Empty: the scenario's default. Longer for a convivial stop."),
    )
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices, blank=True,
                                 help_text=_("Empty: the scenario's default."))
    window_start = models.TimeField(_("open from"), null=True, blank=True)
    window_end = models.TimeField(_("open until"), null=True, blank=True)
    pause_start = models.DateField(_("seasonal pause from"), null=True, blank=True,
                                   help_text=_("Repeats every year, for a pass closed in winter, say."))
    pause_end = models.DateField(_("seasonal pause until"), null=True, blank=True)
    excluded = models.BooleanField(_("never choose this stop"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("candidate stop")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True) | models.Q(window_end__isnull=True)
                | models.Q(window_end__gt=models.F("window_start")),
                name="tours_candidate_window_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def effective_service_minutes(self) -> int:
        return self.service_minutes or self.scenario.service_minutes

    def effective_frequency(self) -> str:
        return self.frequency or self.scenario.default_frequency


class ScenarioRun(models.Model):
    """The result of running a scenario, kept as it was computed."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField(default=timezone.now)
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    parameters = models.JSONField(default=dict)
    optimal = models.BooleanField(default=False)
    gap = models.FloatField(default=0.0)
    solve_seconds = models.FloatField(default=0.0)
    covered_weight = models.FloatField(default=0.0)
    total_weight = models.FloatField(default=0.0)
    covered_population = models.PositiveIntegerField(default=0)
    total_population = models.PositiveIntegerField(default=0)
    households = FiniteDecimalField(max_digits=10, decimal_places=1, default=Decimal("0"))
    km_month = FiniteDecimalField(max_digits=10, decimal_places=1, default=Decimal("0"))
    hours_month = FiniteDecimalField(max_digits=8, decimal_places=1, default=Decimal("0"))
    cost_month = FiniteDecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cost_per_household = FiniteDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    feasible = models.BooleanField(default=True)
    unassigned = models.JSONField(default=list, blank=True)
    covered_communes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("scenario run")

    def __str__(self):
        return f"{self.scenario} · {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def covered_share(self) -> float:
        return 100 * self.covered_weight / self.total_weight if self.total_weight else 0.0

    @property
    def gap_percent(self) -> float:
        return 100 * self.gap

    @property
    def unplaced(self) -> list[tuple[str, str]]:
        """(name, why in words) of each chosen stop the four weeks give no visit; it counts in no figure."""
        out = []
        for row in self.unassigned:
            if isinstance(row, str):  # runs stored before the reasons were coded
                out.append((row, ""))
                continue
            out.append((row.get("name", ""), unplaced_reason(row)))
        return out

    @property
    def placed_stop_count(self) -> int:
        return self.stops.count() - len(self.unassigned)

    @property
    def fixed_served(self) -> list[str]:
        """Names of the communes a fixed site already serves, left out of the coverage."""
        return list(self.parameters.get("fixed_served", [])) if isinstance(self.parameters, dict) else []


UNPLACED_REASONS = {
    "capacity": _("its load is above the van's capacity"),
    "day_length": _("too far: the drive there and back with the stop does not fit in a working day"),
    "window": _("its opening hours do not fit in the working day"),
    "no_room": _("no room on a working day"),
    "paused": _("paused for the whole cycle"),
}


def unplaced_reason(row: dict) -> str:
    """Why a stop could not be placed, in words: "no room on a working day: conflict in week 2, on Tuesday"."""
    code = row.get("code", "")
    if code == "no_room" and "week" in row and "weekday" in row:
        return _("no room on a working day: conflict in week %(week)s, on %(weekday)s") % {
            "week": row["week"], "weekday": WEEKDAYS.get(int(row["weekday"]), row["weekday"])}
    return str(UNPLACED_REASONS.get(code, code))


class RunStop(models.Model):
    """A stop chosen by a run, with what it covers and how often the van comes."""

    run = models.ForeignKey(ScenarioRun, on_delete=models.CASCADE, related_name="stops")
    candidate = models.ForeignKey(CandidateStop, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    latitude = FiniteDecimalField(max_digits=9, decimal_places=6)
    longitude = FiniteDecimalField(max_digits=9, decimal_places=6)
    contact = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    service_minutes = models.PositiveSmallIntegerField()
    pause_start = models.DateField(null=True, blank=True)
    pause_end = models.DateField(null=True, blank=True)
    covers = models.JSONField(default=list)
    covered_population = models.PositiveIntegerField(default=0)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RunDay(models.Model):
    """One day of the four-week schedule: the van's route that day."""

    run = models.ForeignKey(ScenarioRun, on_delete=models.CASCADE, related_name="days")
    week = models.PositiveSmallIntegerField()  # 0..3
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    km = FiniteDecimalField(max_digits=8, decimal_places=1)
    minutes = models.PositiveIntegerField()
    feasible = models.BooleanField(default=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["week", "weekday"]
        constraints = [models.UniqueConstraint(fields=["run", "week", "weekday"], name="tours_runday_unique")]

    def __str__(self):
        return f"{self.run} · {self.week}/{self.weekday}"


class RunVisit(models.Model):
    day = models.ForeignKey(RunDay, on_delete=models.CASCADE, related_name="visits")
    stop = models.ForeignKey(RunStop, on_delete=models.CASCADE, related_name="visits")
    position = models.PositiveSmallIntegerField()
    arrival = models.PositiveSmallIntegerField()  # minutes after midnight
    departure = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["day", "position"]

    def __str__(self):
        return f"{self.day} · {self.position} · {self.stop}"


class Tour(models.Model):
    """A mobile group runs the schedule of one scenario run, from `period_start` (a Monday)."""

    group = models.OneToOneField(BuyingGroup, on_delete=models.CASCADE, related_name="tour")
    run = models.ForeignKey(ScenarioRun, on_delete=models.PROTECT, related_name="tours")
    period_start = models.DateField(_("first Monday of the cycle"))
    adopted_at = models.DateTimeField(default=timezone.now)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Set by services.adopt_run only: the stops it retired (retiring.Retirement) and what is left to do.
    retired: list
    notes: list

    class Meta:
        verbose_name = _("tour")

    def __str__(self):
        return f"{self.group} · {self.run}"


class ScenarioJob(models.Model):
    """One request to run a scenario, carried out by the job queue (`tasks.solve_scenario`).

    The page shows its status and step while the worker computes; the computation holds no lock and
    runs outside any transaction, and only the final store is one short transaction. At most one job
    per scenario waits or runs at a time (a double click gets the same job)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be computed")
        RUNNING = "running", _("being computed")
        DONE = "done", _("computed")
        FAILED = "failed", _("computation failed")

    class Step(models.TextChoices):
        GATHER = "gather", _("reading the scenario")
        COVER = "cover", _("choosing the stops")
        ROUTES = "routes", _("planning the four weeks of routes")
        STORE = "store", _("saving the results")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    run = models.ForeignKey(ScenarioRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("scenario computation")
        constraints = [
            models.UniqueConstraint(fields=["scenario"], condition=models.Q(status__in=["queued", "running"]),
                                    name="tours_one_active_job_per_scenario"),
        ]

    def __str__(self):
        return f"{self.scenario} · {self.status}"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def step_number(self) -> int:
        return list(self.Step.values).index(self.step) + 1 if self.step else 0
