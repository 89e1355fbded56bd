"""`load_demo` builds the Drôme network, and running it twice changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

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


def test_demo_has_a_past_cycle_settled_at_zero_margin_that_the_reports_count():
    from grappe.accounts.demo import DONE, dates
    from grappe.accounts.models import Entry
    from grappe.accounts.queries import settlement_report
    from grappe.distribution.models import Basket
    from grappe.orders.models import OrderCycle
    from grappe.reports.indicators import Period
    from grappe.reports.queries import figures

    call_command("load_demo", stdout=StringIO())
    association = Association.objects.get(slug="vrac-drome")
    cycle = OrderCycle.objects.get(association=association, name=DONE)
    assert cycle.status == OrderCycle.Status.SETTLED
    report = settlement_report(cycle)
    assert f"{report.margin:.2f}" == "0.00" and report.balanced
    when = dates(timezone.localdate())
    assert when["opens"] < when["closes"] < when["received"]
    assert cycle.distributions.filter(date__lt=timezone.localdate() - dt.timedelta(days=20)).count() == 2
    assert Basket.objects.filter(distribution__cycle=cycle, status=Basket.Status.NOT_COLLECTED).exists()
    assert {"cash", "cheque", "voucher"} <= set(Entry.objects.filter(cycle=cycle, kind=Entry.Kind.PAYMENT)
                                                 .values_list("means", flat=True))

    groups = list(BuyingGroup.objects.filter(association=association).values_list("pk", flat=True))
    days = sorted(cycle.distributions.values_list("date", flat=True))
    shown = figures(association=association, group_ids=groups, period=Period(days[0], days[-1]))
    assert shown["baskets"] == shown["handed_out"]["handed_out"] > 0
    assert shown["handed_out"]["not_collected"] > 0
    assert shown["turnover"]["charged"] > 0
    assert shown["payments"]["received"] > 0
    assert shown["volunteering"]["hours"] > 0
