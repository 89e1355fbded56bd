"""Money a member can follow, in a browser at 360 px with axe-core on every page (issue 13): the
volunteer takes a newcomer's first fee at the checkout; the member opens "Mon compte", the story of
her basket and her receipt."""

import pytest

from grappe.accounts.models import CheckoutFee
from grappe.accounts.tests.test_member_money import make_newcomer, make_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _looked_at(page, e2e):
    """The page fits a 360 px phone and passes axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    e2e.axe(page)


def test_the_volunteer_takes_the_first_fee_then_the_basket_payment(world, e2e, phone_page):
    newcomer = make_newcomer(world)
    page = phone_page
    e2e.login(page, e2e.server, "volunteer")
    page.goto(f"{e2e.server.url}/comptes/panier/{newcomer.basket.pk}/caisse/")
    _looked_at(page, e2e)
    page.check("#fee input[value=cheque]")
    page.click("button:has-text('Enregistrer la cotisation')")
    page.wait_for_selector("text=Cotisation enregistrée")
    assert page.locator("button:has-text('Enregistrer la cotisation')").count() == 0
    assert page.locator("button:has-text('Enregistrer le paiement')").count() == 1  # the basket's, next
    _looked_at(page, e2e)
    assert CheckoutFee.objects.get(basket=newcomer.basket).means == "cheque"
    page.goto(f"{e2e.server.url}/comptes/panier/{newcomer.basket.pk}/recu/")
    page.wait_for_selector("text=payée par chèque")
    _looked_at(page, e2e)


def test_the_member_follows_her_basket_from_her_account_to_the_receipt(world, e2e, phone_page):
    made = make_story(world)
    page = phone_page
    e2e.login(page, e2e.server, "member")
    page.goto(f"{e2e.server.url}/comptes/mon-compte/")
    _looked_at(page, e2e)
    page.click("a:has-text('Mon panier du')")
    page.wait_for_selector("text=Produit par produit")
    assert "remplir le sac de 25" in page.content()
    _looked_at(page, e2e)
    page.click("a:has-text('Le reçu')")
    page.wait_for_url(f"**/panier/{made.basket.pk}/recu/")
    assert page.locator("button:has-text('Envoyer le reçu')").count() == 0
    _looked_at(page, e2e)


def test_the_member_reads_what_she_saved_on_her_receipt(world, e2e, phone_page):
    import datetime as dt
    from decimal import Decimal as D

    from conftest import screenshot
    from grappe.catalogue.references import record_reference

    made = make_story(world)
    lentils = made.basket.lines.get(product=made.shop.lentils)
    record_reference(by=world.coordinator, product=made.shop.lentils, price_per_unit=lentils.unit_price + D("0.50"),
                     shop="Intermarché", observed_on=dt.date(2025, 11, 20))
    page = phone_page
    e2e.login(page, e2e.server, "member")
    page.goto(f"{e2e.server.url}/comptes/panier/{made.basket.pk}/recu/")
    # 6.8 kg × 0.50 = 3.40
    assert "Vous avez économisé 3,40\u00a0€ sur ce panier" in page.locator("main").inner_text()
    _looked_at(page, e2e)
    screenshot(page, "savings-receipt-360")
