"""`load_demo` builds the Drôme network, and running it twice changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label not in {"sessions", "admin"}}


def test_demo_loads_the_drome_network_and_is_idempotent():
    out = StringIO()
    call_command("load_demo", stdout=out)
    association = Association.objects.get(slug="vrac-drome")
    romans = BuyingGroup.objects.get(association=association, name="Romans-sur-Isère")
    die = BuyingGroup.objects.get(association=association, name="Die")
    households = Member.objects.filter(kind="household")
    assert households.filter(group=romans).count() == 96
    assert sum(m.persons for m in households.filter(group=romans)) == 231
    assert households.filter(group=die).count() == 48
    assert sum(m.persons for m in households.filter(group=die)) == 120
    assert Member.objects.filter(group=die, kind="structure").count() == 2
    assert BuyingGroup.objects.get(association=association, name="Crest").status == "planned"
    assert BuyingGroup.objects.get(association=association, name="VRAC mobile Haut Diois").kind == "mobile"
    for login in ("admin", "coordination", "benevole", "prescriptrice", "adherent"):
        assert login in out.getvalue()
    first = row_counts()
    call_command("load_demo", stdout=StringIO())
    assert row_counts() == first
