"""Demo: the Haut Diois study for VRAC mobile, over the 50 communes of the CC du Diois, depot in Die.

The indicators are INVENTED for the demo (deterministic, from the INSEE code) and say so: the
indicator is flagged `is_demo` and its source reads "valeurs inventées". Real figures come from INSEE
files imported on the indicators page. Idempotent: a second run changes nothing.
"""

import hashlib
from datetime import date
from decimal import Decimal

from grappe.network.communes import load_communes
from grappe.network.models import Association, BuyingGroup, Commune

from . import services
from .indicators import AGED_75, FOOD_SHOP, POVERTY, REFERRALS
from .models import Indicator, Scenario, Tour

EPCI = "CC du Diois"
DEMO_SOURCE = "Valeurs inventées pour la démonstration (pas des chiffres INSEE)"
SCENARIOS = [
    {"name": "Haut Diois · 6 arrêts à 12 km", "goal": Scenario.Goal.STOPS, "max_stops": 6,
     "reach_mode": Scenario.ReachMode.KM, "reach": Decimal("12")},
    {"name": "Haut Diois · 30 h par mois, 15 minutes", "goal": Scenario.Goal.BUDGET, "max_stops": 12,
     "hours_budget": Decimal("30"), "reach_mode": Scenario.ReachMode.MINUTES, "reach": Decimal("15")},
]


def unit(insee: str, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) from a commune code (the same on every machine)."""
    digest = hashlib.sha256(f"{insee}:{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def demo_csv(communes) -> str:
    """Plausible invented figures: small remote villages older and poorer; secret for the smallest."""
    lines = ["code_insee;nom;part_75;taux_pauvrete;orientations;distance_commerce"]
    for commune in communes:
        small = commune.population < 100
        share75 = 9 + 10 * unit(commune.insee, "75") + (4 if small else 0)
        poverty = "s" if commune.population < 200 else f"{12 + 12 * unit(commune.insee, 'pov'):.1f}"
        referrals = int(commune.population / 150 * unit(commune.insee, "ref") * 3)
        shop = 0 if commune.name == "Die" else round(2 + 20 * unit(commune.insee, "shop") + (5 if small else 0), 1)
        lines.append(f"{commune.insee};{commune.name};{share75:.1f};{poverty};{referrals};{shop}")
    return "\n".join(lines) + "\n"


def load(stdout):
    if not Commune.objects.filter(epci=EPCI).exists():
        load_communes()
    association, _ = Association.objects.get_or_create(slug="vrac-drome", defaults={"name": "VRAC Drôme"})
    group, _ = BuyingGroup.objects.get_or_create(
        association=association, name="VRAC mobile Haut Diois",
        defaults={"kind": BuyingGroup.Kind.MOBILE, "status": BuyingGroup.Status.PLANNED},
    )
    communes = list(Commune.objects.filter(epci=EPCI).order_by("insee"))
    if not Indicator.objects.filter(association=association, key=AGED_75).exists():
        services.import_indicators(association=association, text=demo_csv(communes), by=None,
                                   source=DEMO_SOURCE, is_demo=True)
        for key in (AGED_75, POVERTY, REFERRALS, FOOD_SHOP):
            Indicator.objects.filter(association=association, key=key).update(is_demo=True, source=DEMO_SOURCE)
    die = Commune.objects.get(insee="26113")
    for spec in SCENARIOS:
        values = dict(spec)
        name = values.pop("name")
        scenario, created = Scenario.objects.get_or_create(
            association=association, name=name,
            defaults={**values, "group": group, "epci": EPCI, "depot": die, "period_start": date(2026, 4, 6)},
        )
        if created:
            services.add_commune_candidates(scenario=scenario)
            square = scenario.candidates.filter(commune__insee="26167").first()  # Luc-en-Diois
            if square is not None:
                scenario.candidates.create(
                    commune=square.commune, name="Luc-en-Diois, place de la Mairie", is_commune_centre=False,
                    address="Place de la Mairie, 26310 Luc-en-Diois", latitude=Decimal("44.615600"),
                    longitude=Decimal("5.449700"), contact="Secrétariat de mairie, 04 75 00 00 01",
                    service_minutes=120, frequency="weekly",
                )
            # Die already has a buying group with its own distribution point.
            scenario.candidates.filter(commune__insee="26113", is_commune_centre=True).update(excluded=True)
            col = scenario.candidates.filter(commune__insee="26168").first()  # Lus-la-Croix-Haute
            if col is not None:
                col.pause_start, col.pause_end = date(2026, 12, 15), date(2027, 3, 15)
                col.contact = "Salle des fêtes prêtée par la mairie"
                col.save(update_fields=["pause_start", "pause_end", "contact"])
        if not scenario.runs.exists():
            services.run_scenario(scenario=scenario, by=None, seconds_per_day=0.3)
            stdout.write(f"Scénario « {name} » calculé.")
    first = Scenario.objects.get(association=association, name=SCENARIOS[0]["name"])
    if not Tour.objects.filter(group=group).exists() and first.latest_run is not None:
        services.adopt_run(run=first.latest_run, group=group, period_start=date(2026, 4, 6), by=None)
        stdout.write("Tournées de VRAC mobile Haut Diois mises en place (arrêts du premier scénario).")
    return []
