"""Fixtures of the planner's tests (star-imported by the test modules; not a conftest, to leave that to the app)."""

__all__ = ["DIOIS", "diois", "mobile_group", "scenario"]

from datetime import date, time
from decimal import Decimal

import pytest

from grappe.network.models import BuyingGroup, Commune, Site
from grappe.tours.models import Scenario

# Six real communes of the Diois (INSEE code, name, lat, lon, population).
DIOIS = [
    ("26113", "Die", "44.74807", "5.37690", 4844),
    ("26167", "Luc-en-Diois", "44.61035", "5.45869", 614),
    ("26086", "Châtillon-en-Diois", "44.72758", "5.52778", 669),
    ("26215", "La Motte-Chalancon", "44.49545", "5.38470", 395),
    ("26168", "Lus-la-Croix-Haute", "44.68246", "5.72325", 523),
    ("26178", "Menglon", "44.65809", "5.47302", 539),
]


@pytest.fixture
def diois(db):
    return {insee: Commune.objects.create(insee=insee, name=name, latitude=Decimal(lat), longitude=Decimal(lon),
                                          population=pop, epci="CC du Diois")
            for insee, name, lat, lon, pop in DIOIS}


@pytest.fixture
def mobile_group(world):
    return BuyingGroup.objects.create(association=world.association, name="VRAC mobile", kind="mobile",
                                      status="planned")


@pytest.fixture
def scenario(world, diois, mobile_group):
    Site.objects.create(group=world.other_group, name="Salle de Die", commune=diois["26113"],
                        latitude=diois["26113"].latitude, longitude=diois["26113"].longitude)
    return Scenario.objects.create(
        association=world.association, group=mobile_group, name="Petit Diois", epci="CC du Diois",
        depot=diois["26113"], reach=Decimal("12"), max_stops=3, working_weekdays=[1, 3],
        day_start=time(8, 0), day_end=time(17, 30), period_start=date(2026, 4, 6),
        default_frequency="weekly",
    )
