"""What a household saved against the shop prices nearby: her receipt, her basket's story, "Mon compte"."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.accounts import queries
from grappe.accounts.tests.test_member_money import make_story
from grappe.catalogue.references import record_reference
from grappe.core.money import format_euros, line_total

pytestmark = pytest.mark.django_db


def test_the_receipt_the_story_and_the_account_say_what_she_saved_on_the_compared_products(world, client_for):
    story = make_story(world)
    client = client_for(world.member_user)
    receipt_url = reverse("accounts:receipt", args=[story.basket.pk])
    story_url = reverse("accounts:my_basket", args=[story.basket.pk])
    assert "économisé" not in client.get(receipt_url).content.decode()  # no reference yet: no figure at all

    lentils = story.basket.lines.get(product=story.shop.lentils)
    oranges = story.basket.lines.get(product=story.shop.oranges)
    seen = dt.date(2025, 11, 20)
    record_reference(by=world.coordinator, product=story.shop.lentils, price_per_unit=lentils.unit_price + D("0.50"),
                     shop="Intermarché", observed_on=seen)
    record_reference(by=world.coordinator, product=story.shop.oranges, price_per_unit=oranges.unit_price - D("0.10"),
                     shop="Leclerc", observed_on=seen)
    # by hand: 6.8 kg × 0.50 = 3.40 saved on the lentils, 3 kg × −0.10 = −0.30 on the oranges (cheaper in
    # the shop: counted, so the figure is honest) → 3.10
    expected = D("3.10")
    assert queries.receipt(story.basket).savings.saved == expected
    said = f"Vous avez économisé <strong>{format_euros(expected)}</strong> sur ce panier, sur les produits comparés"
    assert said in client.get(receipt_url).content.decode()
    assert said in client.get(story_url).content.decode()
    total = line_total(lentils.unit_price, lentils.quantity) + line_total(oranges.unit_price, oranges.quantity)
    assert queries.receipt(story.basket).savings.compared_spending == total

    type(story.day).objects.filter(pk=story.day.pk).update(date=timezone.localdate())
    year = timezone.localdate().year
    assert queries.year_savings(world.member, year).saved == expected
    assert queries.year_savings(world.member, year - 1).saved == D("0.00")
    page = client.get(reverse("accounts:mine")).content.decode()
    assert f"En {year}, vous avez économisé <strong>{format_euros(expected)}</strong>" in page


def test_a_basket_dearer_than_the_shop_says_so_plainly(world, client_for):
    story = make_story(world)
    lentils = story.basket.lines.get(product=story.shop.lentils)
    record_reference(by=world.coordinator, product=story.shop.lentils, price_per_unit=lentils.unit_price - D("0.50"),
                     shop="Lidl", observed_on=dt.date(2025, 11, 20))
    page = client_for(world.member_user).get(reverse("accounts:receipt", args=[story.basket.pk])).content.decode()
    # 6.8 × 0.50 = 3.40 more here
    assert f"ce panier a coûté <strong>{format_euros(D('3.40'))}</strong> de plus ici" in page


def test_a_basket_is_compared_with_the_shop_price_in_force_on_its_distribution_day(world, client_for):
    """Two shop prices of the lentils, seen in March and in September: a basket of June is compared with
    March's, a basket of October with September's; a basket of February, before any, has no figure."""
    from grappe.reports import queries as report_queries
    from grappe.reports.indicators import Period

    story = make_story(world)
    lentils = story.basket.lines.get(product=story.shop.lentils)
    # recorded in this order on purpose: the later observation first, so "the last recorded" would be March's
    record_reference(by=world.coordinator, product=story.shop.lentils, price_per_unit=lentils.unit_price + D("1.00"),
                     shop="Leclerc", observed_on=dt.date(2026, 9, 1))
    record_reference(by=world.coordinator, product=story.shop.lentils, price_per_unit=lentils.unit_price + D("0.50"),
                     shop="Intermarché", observed_on=dt.date(2026, 3, 1))
    days = type(story.day).objects.filter(pk=story.day.pk)

    def saved_on(day):
        days.update(date=day)
        basket = type(story.basket).objects.select_related("distribution").get(pk=story.basket.pk)
        figures = report_queries.figures(association=world.association, group_ids=[world.group.pk],
                                         period=Period.year(day.year))
        return (queries.receipt(basket).savings, queries.year_savings(world.member, day.year).saved,
                figures["savings"]["saved"])

    receipt, year, report = saved_on(dt.date(2026, 6, 10))
    assert receipt.saved == year == report == D("3.40")  # 6.8 kg × 0.50, March's price
    page = client_for(world.member_user).get(reverse("accounts:receipt", args=[story.basket.pk])).content.decode()
    assert f"économisé <strong>{format_euros(D('3.40'))}</strong>" in page
    receipt, year, report = saved_on(dt.date(2026, 10, 1))
    assert receipt.saved == year == report == D("6.80")  # 6.8 kg × 1.00, September's price
    receipt, year, report = saved_on(dt.date(2026, 9, 1))
    assert receipt.saved == D("6.80")  # seen that very day: in force that day
    receipt, year, report = saved_on(dt.date(2026, 2, 1))
    assert not receipt.has_reference and year == report == D("0.00")
