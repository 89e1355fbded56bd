"""The planner page in a real browser at 360 px: usable, accessible (axe-core), map as an extra."""

import pytest

from conftest import assert_accessible, browser_login, screenshot
from grappe.tours import services

from .planner_fixtures import *  # noqa: F403  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_planner_page_works_on_a_phone_and_passes_axe(scenario, world, live_server, phone_page):
    services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    page = phone_page
    # Tiles come from the user's browser in real life; here the network is closed: the page must cope.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/mobile/")
    assert_accessible(page)
    page.click(f"text={scenario.name}")
    page.wait_for_selector("#results")
    assert page.locator("h1").inner_text() == "Petit Diois"
    assert page.locator(".figures").is_visible()
    assert page.locator("#planner-map.leaflet-container").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways ({width}px)"
    assert_accessible(page)
    screenshot(page, "tours-planner-360")
    page.click("text=Score de besoin et poids")
    page.fill("#id_distribution_km", "3")
    page.click("text=Enregistrer les poids")
    assert page.locator(".message-success").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/mobile/scenarios/{scenario.pk}/")
    page.click("text=Recalculer")  # queued, then computed at once: tests run tasks immediately
    page.wait_for_selector("#results .badge")
    assert "optimum prouvé" in page.content() or "prouvé optimal" in page.content()


def test_the_planner_page_needs_no_javascript(scenario, world, live_server, browser):
    services.run_scenario(scenario=scenario, by=world.admin, time_limit=5, seconds_per_day=0.1)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/mobile/scenarios/{scenario.pk}/")
    assert not page.locator("#planner-map").is_visible()
    assert page.locator("text=Les quatre semaines").is_visible()
    assert page.locator("table").count() >= 3
    context.close()
