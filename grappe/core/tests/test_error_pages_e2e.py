"""The error pages at 360 px pass axe-core (DEBUG off, as in production)."""

import pytest

from conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_missing_page_and_the_csrf_page_are_accessible_on_a_phone(e2e, phone_page, world):
    page = phone_page
    e2e.login(page, e2e.server, "admin")
    response = page.goto(e2e.server.url + "/nulle-part/")
    assert response.status == 404 and page.locator("h1").inner_text() == "Page introuvable"
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(e2e.server.url + "/profil/")
    page.context.clear_cookies(name="csrftoken")
    page.evaluate("document.querySelectorAll('input[name=csrfmiddlewaretoken]')"
                  ".forEach(function (i) { i.value = 'x'.repeat(64); })")
    page.locator("form[action='/deconnexion/'] button").click()
    page.wait_for_selector("text=Page restée ouverte trop longtemps")
    e2e.axe(page)
    page.click("text=Recharger la page")
    page.wait_for_url("**/profil/")


@pytest.mark.urls("grappe.core.tests.error_urls")
def test_the_busy_page_is_accessible_on_a_phone(e2e, phone_page, db):
    page = phone_page
    response = page.goto(e2e.server.url + "/essai/occupe/")
    assert response.status == 503 and page.locator("h1").inner_text() == "Le serveur est très occupé"
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "busy-360")


def test_the_health_page_is_accessible_on_a_phone(e2e, phone_page, db):
    page = phone_page
    response = page.goto(e2e.server.url + "/sante/")
    assert response.status in (200, 503) and page.locator("h1").inner_text().startswith("État du service")
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "health-360")
