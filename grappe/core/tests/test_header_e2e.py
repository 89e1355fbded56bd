"""On a 360 x 740 phone the header (brand and menu) takes at most a fifth of the screen for every role, and the
menu opens behind one button that needs no JavaScript. axe-core on the page, menu closed and open."""

import pytest

from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIFTH_OF_A_PHONE = 740 / 5  # 148 px


def header_height(page) -> float:
    return page.evaluate("document.querySelector('header.site-header').getBoundingClientRect().height")


@pytest.mark.parametrize("username", ["member", "volunteer", "referrer", "coordinator", "admin"])
def test_the_header_takes_at_most_a_fifth_of_a_phone_screen(world, live_server, phone_page, username):
    page = phone_page
    browser_login(page, live_server, username)
    page.goto(f"{live_server.url}/")
    height = header_height(page)
    print(f"header height for {username}: {height:.0f} px")
    assert height <= FIFTH_OF_A_PHONE
    assert not page.locator("nav.main-nav").is_visible()
    assert_accessible(page)

    page.click("details.menu > summary")  # the browser opens <details> itself: no script on the page
    assert page.locator("nav.main-nav a:has-text('Mon profil')").is_visible()
    assert header_height(page) <= FIFTH_OF_A_PHONE  # the open menu lies over the page, it does not push it
    assert_accessible(page)


def test_the_menu_opens_without_javascript_and_stays_open_on_a_wide_screen(world, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "member")
        page.goto(f"{live_server.url}/")
        page.click("details.menu > summary")
        page.click("nav.main-nav a:has-text('Mes rappels')")
        page.wait_for_url(lambda url: "/mes-rappels/" in url)
        page.set_viewport_size({"width": 1280, "height": 900})
        assert not page.locator("details.menu > summary").is_visible()
        assert page.locator("nav.main-nav a:has-text('Mon profil')").is_visible()
    finally:
        context.close()
