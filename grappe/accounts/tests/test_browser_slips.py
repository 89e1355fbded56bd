"""The two distribution-day slips of issue 11 on a phone (360 px), axe-core on every page:
a voucher refused for its missing number, then corrected; a weight out of tolerance, then corrected."""

import datetime as dt
from decimal import Decimal as D

import pytest

from grappe.accounts import services
from grappe.accounts.models import Entry, Means
from grappe.accounts.tests.factories import issuer
from grappe.distribution.models import Basket, BasketLine
from grappe.distribution.tests.factories import make_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_voucher_refused_for_its_number_then_corrected(world, e2e, phone_page):
    day = make_day(world)
    ccas = issuer(world.association, "CCAS de Romans")
    services.collect_basket(basket=day.jeanne_basket, by=world.volunteer, now=NOW)
    due = -services.balance(day.jeanne)
    page = phone_page
    e2e.login(page, e2e.server, "volunteer")
    page.goto(f"{e2e.server.url}/comptes/panier/{day.jeanne_basket.pk}/caisse/")
    e2e.axe(page)
    page.check("input[value=voucher]")
    amount = f"{due:.2f}".replace(".", ",")
    page.fill("input[name=amount]", amount)
    page.select_option("select[name=issuer]", str(ccas.pk))
    page.click("button:has-text('Enregistrer le paiement')")
    page.wait_for_selector("text=Saisissez le numéro du bon")
    # the page came back with what was typed: a voucher, the same amount, the same issuer
    assert page.is_checked("input[value=voucher]") and not page.is_checked("input[value=cash]")
    assert page.input_value("input[name=amount]") == amount
    assert page.input_value("select[name=issuer]") == str(ccas.pk)
    assert not Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).exists()
    _fits(page)
    e2e.axe(page)
    page.fill("input[name=reference]", "B-2041")
    page.click("button:has-text('Enregistrer le paiement')")
    page.wait_for_selector("text=Rien à payer")
    assert page.locator("button:has-text('Enregistrer le paiement')").count() == 0  # paid: no payment form
    _fits(page)
    e2e.axe(page)
    entry = Entry.objects.get(member=day.jeanne, kind=Entry.Kind.PAYMENT)
    assert (entry.means, entry.amount, entry.reference, entry.issuer) == (Means.VOUCHER, due, "B-2041",
                                                                          "CCAS de Romans")


def test_a_weight_out_of_tolerance_then_corrected(world, e2e, phone_page):
    day = make_day(world)
    lines = {line.name.split()[0]: line for line in BasketLine.objects.filter(basket=day.jeanne_basket)}
    page = phone_page
    e2e.login(page, e2e.server, "volunteer")
    page.goto(f"{e2e.server.url}/distribution/panier/{day.jeanne_basket.pk}/")
    e2e.axe(page)
    page.fill(f"#served-{lines['Lentilles'].pk}", "9")
    page.fill(f"#served-{lines['Oranges'].pk}", "2,5")
    page.fill(f"#served-{lines['Huile'].pk}", "1")
    page.click("button:has-text('Panier remis')")
    page.wait_for_selector("text=tolérance")
    # every weight typed is still there; nothing stored, nothing charged
    assert page.input_value(f"#served-{lines['Lentilles'].pk}") == "9"
    assert page.input_value(f"#served-{lines['Oranges'].pk}") == "2,5"
    assert page.input_value(f"#served-{lines['Huile'].pk}") == "1"
    assert page.get_attribute(f"#served-{lines['Lentilles'].pk}", "aria-invalid") == "true"
    assert not BasketLine.objects.filter(basket=day.jeanne_basket, served__isnull=False).exists()
    assert not Entry.objects.filter(member=day.jeanne).exists()
    _fits(page)
    e2e.axe(page)
    page.fill(f"#served-{lines['Lentilles'].pk}", "5,3")
    page.click("button:has-text('Panier remis')")
    page.wait_for_url("**/caisse/")
    _fits(page)
    e2e.axe(page)
    served = {line.name.split()[0]: line.served for line in BasketLine.objects.filter(basket=day.jeanne_basket)}
    assert served == {"Lentilles": D("5.3"), "Oranges": D("2.5"), "Huile": D("1")}
    assert Basket.objects.get(pk=day.jeanne_basket.pk).status == Basket.Status.COLLECTED
    charge = Entry.objects.get(member=day.jeanne, kind=Entry.Kind.CHARGE)
    assert charge.amount == -services.basket_total(Basket.objects.get(pk=day.jeanne_basket.pk))


def test_the_warnings_of_the_day_fit_a_phone_and_pass_axe(world, e2e, phone_page):
    """Stock going below zero after weighing above the allotted quantity, and a cash count whose
    payment was reversed afterwards, are shown on the day and cash count pages."""
    day = make_day(world)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    payment = services.record_payment(member=day.jeanne, amount=D("12.50"), means=Means.CASH, by=world.volunteer,
                                      distribution=day.day, now=NOW)
    services.record_cash_count(distribution=day.day, counted={"cash": "12.50"}, reasons={}, by=world.volunteer,
                               now=NOW + dt.timedelta(minutes=30))
    services.reverse_entry(entry=payment, by=world.coordinator, note="erreur")
    page = phone_page
    e2e.login(page, e2e.server, "volunteer")
    page.goto(f"{e2e.server.url}/distribution/panier/{day.jeanne_basket.pk}/")
    page.fill(f"#served-{lentils.pk}", "5,4")
    page.click("button:has-text('Enregistrer les quantités')")
    page.wait_for_selector("text=sous zéro")
    _fits(page)
    e2e.axe(page)
    for path in (f"/distribution/{day.day.pk}/", f"/comptes/distribution/{day.day.pk}/caisse/"):
        page.goto(e2e.server.url + path)
        assert page.is_visible("text=annulé après le comptage"), path
        _fits(page)
        e2e.axe(page)
    assert page.is_visible("text=sous zéro") is False  # the cash count page is about money only
