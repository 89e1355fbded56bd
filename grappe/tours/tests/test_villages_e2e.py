"""The villages' page in a real browser, signed in as nobody: a 360 px phone, large print, Arabic, and no
JavaScript. axe-core on each; the page never scrolls sideways; the map is an extra over the list."""

import pytest
from django.utils import timezone

from conftest import assert_accessible, screenshot

from .van import make_van, monday_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def van_url(world, live_server):
    world.association.phone = "04 75 22 33 44"
    world.association.save(update_fields=["phone"])
    van = make_van(world.association, period_start=monday_of(timezone.localdate()))
    return f"{live_server.url}/tournee/{world.association.slug}/{van.group.pk}/"


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways ({width}px)"


def test_the_villages_page_on_a_phone_in_normal_and_large_print_and_in_arabic(van_url, phone_page):
    page = phone_page
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # no network in tests
    page.goto(van_url)
    assert page.locator("h1").inner_text().startswith("Le camion")
    assert page.locator(".stop-card").count() == 3
    assert page.locator("#stops-map.leaflet-container").count() == 1  # the map, once JavaScript ran
    assert page.locator(".leaflet-marker-icon").count() == 3
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "villages-page-360")
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.visit-list li')).fontSize)")
    page.click("text=Grands caractères")
    page.wait_for_url("**/?grand=1")
    page.wait_for_load_state()
    assert page.locator(".timetable.large-print").count() == 1
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.visit-list li')).fontSize)")
    assert large >= 1.3 * normal, (normal, large)
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "villages-page-360-large")
    page.click("text=Caractères normaux")
    page.wait_for_load_state()
    page.select_option("#language-select", "ar")
    page.click("footer button[type=submit]")
    page.wait_for_selector("html[dir=rtl]")
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "villages-page-360-ar")


def test_the_villages_page_needs_no_javascript(van_url, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(van_url + "?grand=1")
    assert not page.locator("#stops-map-section").is_visible()
    assert page.locator(".stop-card").count() == 3
    assert page.locator("text=Comment adhérer").is_visible()
    assert page.locator("a[href^='tel:']").first.is_visible()
    # axe-core and the width check run scripts in the page: the test above checks the same page with them
    context.close()
