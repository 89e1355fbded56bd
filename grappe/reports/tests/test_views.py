import datetime as dt
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from grappe.core.models import ApiToken
from grappe.orders import services as order_services
from grappe.orders.models import OrderCycle
from grappe.orders.services import LineChange
from grappe.orders.tests.factories import make_cycle
from grappe.reports.models import FunderText


@pytest.fixture
def shop(world):
    """One closed cycle: Martin Jeanne (priority) bought 2 kg of oranges; distribution in a week."""
    shop = make_cycle(world)
    order_services.place_order(cycle=shop.cycle, member=world.member, by=world.volunteer,
                               lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(status=OrderCycle.Status.CLOSED)
    return shop


def period_query(**extra):
    today = timezone.localdate()
    return {"periode": "custom", "debut": (today - timedelta(days=30)).isoformat(),
            "fin": (today + timedelta(days=30)).isoformat(), **extra}


def test_coordinator_sees_exact_figures_on_the_dashboard(world, client_for, shop):
    page = client_for(world.coordinator).get(reverse("reports:dashboard"), period_query())
    assert page.status_code == 200
    html = page.content.decode()
    figures = page.context["report"].figures
    assert figures["households"]["households"] == 1 and figures["baskets"] == 1
    assert "Foyers adhérents" in html and "< 5" not in html
    assert "<img src=\"data:image/svg+xml;base64," in html


def test_coordinator_cannot_choose_a_group_not_theirs(world, client_for):
    response = client_for(world.coordinator).get(reverse("reports:dashboard"),
                                                 period_query(perimetre=f"group:{world.other_group.pk}"))
    assert response.status_code == 200
    assert "scope" in response.context["form"].errors


def test_the_funder_pdf_carries_the_text_and_masks_small_counts(world, client_for, shop, tmp_path):
    client = client_for(world.admin)
    query = period_query()
    client.post(reverse("reports:funder_text") + "?" + "&".join(f"{k}={v}" for k, v in query.items()),
                {"text": "Une année de lancement à Romans, avec le CCAS."})
    assert FunderText.objects.get().text == "Une année de lancement à Romans, avec le CCAS."
    response = client.get(reverse("reports:funder_pdf"), query)
    assert response["Content-Type"] == "application/pdf"
    (tmp_path / "bilan.pdf").write_bytes(response.content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bilan d'activité" in text
    assert "Une année de lancement à Romans, avec le CCAS." in text
    assert "< 5" in text
    assert "Heures de bénévolat" in text and "Facturé aux foyers pour leurs paniers" in text
    assert "Martin" not in text  # no names


def test_the_funder_xlsx_has_the_same_masked_figures(world, client_for, shop):
    response = client_for(world.admin).get(reverse("reports:funder_xlsx"), period_query())
    workbook = load_workbook(io.BytesIO(response.content))
    rows = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert rows["Foyers adhérents (à la fin de la période)"] == "< 5"
    assert 4 <= rows["Achats au prix coûtant"] < 5


def test_volunteers_and_members_have_no_reports(world, client_for):
    for user in (world.volunteer, world.member_user, world.referrer):
        assert client_for(user).get(reverse("reports:dashboard")).status_code == 404


@pytest.mark.parametrize("name, method", [("reports:dashboard", "get"), ("reports:funder", "get"),
                                          ("reports:funder_pdf", "get"), ("reports:funder_xlsx", "get"),
                                          ("reports:funder_text", "post")])
def test_outsider_cannot_reach_our_figures(world, client_for, shop, name, method):
    """The outsider (an admin elsewhere) gets their own empty figures, and 404 on any of our groups."""
    client = client_for(world.outsider)
    ours = period_query(perimetre=f"group:{world.group.pk}")
    url = reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in ours.items())
    response = client.post(url, {"text": "x"}) if method == "post" else client.get(url)
    if name in ("reports:dashboard", "reports:funder"):
        assert response.status_code == 200 and "scope" in response.context["form"].errors
    elif name == "reports:funder_text":
        assert response.status_code == 422 and not FunderText.objects.exists()
    else:
        assert response.status_code == 302  # back to the form: nothing computed
    own = client.get(reverse("reports:dashboard"), period_query())
    assert own.context["report"].figures["households"]["households"] == 0


def api(client, user, path):
    _token, key = ApiToken.create_for(user, "test")
    return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_indicators_api(world, client, shop):
    q = period_query()
    data = api(client, world.coordinator, f"/reports/indicators?start={q['debut']}&end={q['fin']}").json()
    assert data["households"]["households"] == 1
    assert data["turnover"]["at_cost"] == "4.00" or D(data["turnover"]["at_cost"]) > 0
    masked = api(client, world.coordinator, f"/reports/indicators?start={q['debut']}&end={q['fin']}&outside=true")
    assert masked.json()["households"]["households"] == "< 5"


def test_the_indicators_api_is_404_outside_the_scope(world, client, shop):
    q = period_query()
    base = f"/reports/indicators?start={q['debut']}&end={q['fin']}"
    assert api(client, world.outsider, base + f"&scope=group:{world.group.pk}").status_code == 404
    assert api(client, world.member_user, base).status_code == 404
    assert api(client, world.volunteer, base).status_code == 404
    assert api(client, world.outsider, base).json()["households"]["households"] == 0


def test_baskets_handed_out_and_volunteering_come_from_the_distributions(world, client_for):
    from grappe.distribution import services as distribution_services
    from grappe.distribution.models import RotaSlot
    from grappe.distribution.tests.factories import make_day

    day = make_day(world)
    distribution_services.mark_collected(basket=day.jeanne_basket, by=world.volunteer)
    distribution_services.mark_not_collected(basket=day.paul_basket, by=world.volunteer)
    slot = distribution_services.add_slot(distribution=day.day, task="Pesée", starts_at=dt.time(16, 30),
                                          ends_at=dt.time(19))
    RotaSlot.objects.filter(pk=slot.pk).update(volunteer=world.volunteer)
    distribution_services.add_slot(distribution=day.day, task="Caisse")
    page = client_for(world.coordinator).get(reverse("reports:dashboard"), period_query())
    figures = page.context["report"].figures
    assert (figures["handed_out"]["handed_out"], figures["handed_out"]["not_collected"]) == (1, 1)
    # 16:30 -> 19:00 = 150 minutes = 2.5 hours
    assert figures["volunteering"] == {"slots": 1, "volunteers": 1, "open_slots": 1, "minutes": 150,
                                       "hours": D("2.50"), "slots_without_times": 0}
    html = page.content.decode()
    assert "Paniers remis" in html and "Heures de bénévolat" in html and "2,5\u00a0h" in html


def test_money_and_quantities_come_from_what_was_served_and_charged(world, client_for):
    """Jeanne's basket: lentils weighed at 4.8 kg (5 allotted), 2 L of oil, 3 kg of oranges; collected and
    charged through her account, paid in cash. Paul's basket is not collected. Prices are cost prices
    (no tier): lentils 50.00 x 1.055 / 25 = 2.11 per kg, oil 60.00 x 1.055 / 6 = 10.55, oranges 2.11."""
    from grappe.accounts import services as account_services
    from grappe.accounts.models import Means
    from grappe.distribution import services as distribution_services
    from grappe.distribution.models import BasketLine
    from grappe.distribution.tests.factories import make_day

    day = make_day(world)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, product=day.shop.lentils)
    assert lentils.allotted == D("5")
    distribution_services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("4.8")}, by=world.volunteer)
    charge = account_services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    # 4.8 x 2.11 = 10.128 -> 10.13; 2 x 10.55 = 21.10; 3 x 2.11 = 6.33; total 37.56
    assert charge.amount == D("-37.56")
    account_services.record_payment(member=day.jeanne, amount=D("40"), means=Means.CASH, by=world.volunteer)
    distribution_services.mark_not_collected(basket=day.paul_basket, by=world.volunteer)
    page = client_for(world.coordinator).get(reverse("reports:dashboard"), period_query())
    figures = page.context["report"].figures
    assert figures["turnover"] == {"charged": D("37.56"), "at_cost": D("37.56"), "paid_by_members": D("37.56"),
                                   "solidarity_in": D("0.00"), "solidarity_out": D("0.00"),
                                   "solidarity_balance": D("0.00"), "estimated": D("0.00")}
    families = {f["family"]: f["quantities"] for f in figures["families"]}
    assert families["pulses"] == {"kg": D("4.800")}  # weighed, not the 5 kg allotted (nor Paul's 20 kg)
    assert (figures["baskets"], figures["estimated_baskets"]) == (1, 0)
    assert figures["payments"] == {"received": D("40.00"), "refunded": D("0.00"),
                                   "by_means": [{"means": "cash", "amount": D("40.00")}]}
    html = page.content.decode()
    assert "Paiements reçus\u00a0: espèces" in html and "37,56" in html


def test_the_savings_come_from_what_was_served_against_the_shop_prices(world, client_for):
    """Jeanne's basket as above (lentils 4.8 kg at 2.11, oil 2 L at 10.55, oranges 3 kg at 2.11); shop prices:
    lentils 3.00 per kg, oil 9.55 per litre, no price for the oranges. Jeanne is a priority household."""
    from grappe.accounts import services as account_services
    from grappe.catalogue.references import record_reference
    from grappe.distribution import services as distribution_services
    from grappe.distribution.models import BasketLine
    from grappe.distribution.tests.factories import make_day

    day = make_day(world)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, product=day.shop.lentils)
    distribution_services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("4.8")}, by=world.volunteer)
    account_services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    seen = dt.date(2025, 11, 20)
    record_reference(by=world.coordinator, product=day.shop.lentils, price_per_unit=D("3.00"), shop="Leclerc",
                     observed_on=seen)
    record_reference(by=world.coordinator, product=day.shop.oil, price_per_unit=D("9.55"), shop="Leclerc",
                     observed_on=seen)
    # 4.8 × (3.00 − 2.11) = 4.272; 2 × (9.55 − 10.55) = −2.00 → 2.272 → 2.27; compared 10.13 + 21.10 = 31.23
    # of 37.56 → 83.1 %
    client = client_for(world.admin)
    page = client.get(reverse("reports:dashboard"), period_query())
    saved = page.context["report"].figures["savings"]
    assert (saved["saved"], saved["households"], saved["per_household"], saved["share"]) == (
        D("2.27"), 1, D("2.27"), D("83.1"))
    assert day.jeanne.category == "priority" and saved["priority"]["saved"] == D("2.27")
    html = page.content.decode()
    assert "Économies des foyers par rapport aux prix en magasin" in html and "2,27" in html
    assert "compté même quand il est négatif" in html
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:funder_xlsx"), period_query()).content))
    rows = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert rows["Économies des foyers par rapport aux prix en magasin"] == 2.27
    assert rows["Part des achats ayant un prix en magasin pour comparer"] == 0.831
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(reverse("reports:funder_pdf"), period_query()).content)).pages)
    assert "Économies des foyers" in text
