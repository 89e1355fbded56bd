"""Under the Content-Security-Policy, in a real browser: the scripts moved out of the templates still
run, and no page is refused a script or style (the van planner's map: tours/tests/test_planner_e2e.py)."""

import pytest
from django.urls import reverse

from grappe.core.tests.test_csp import directives
from grappe.distribution.tests.factories import make_day
from grappe.orders.tests.factories import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def watch_policy(page):
    """The page's Content-Security-Policy refusals, as the browser reports them."""
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    return refused


def test_the_basket_total_follows_typing_under_the_policy(e2e, phone_page, world):
    shop = make_cycle(world)
    page = phone_page
    refused = watch_policy(page)
    e2e.login(page, e2e.server, "member")
    response = page.goto(e2e.server.url + reverse("orders:basket", args=[shop.cycle.pk]))
    # django-csp writes the directives in no fixed order: read them, not the header's text
    assert directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]
    page.click("#f-fruit > summary")  # the basket's catalogue is folded by family
    before = page.inner_text(f"#p-{shop.oranges.pk} .subtotal-value")
    page.fill(f"#q-{shop.oranges.pk}", "3")
    assert page.inner_text(f"#p-{shop.oranges.pk} .subtotal-value") != before  # orders/basket.js ran
    assert page.inner_text("#basket-total") != "0,00\u00a0€"
    assert refused == []


def test_the_receipt_prints_under_the_policy(e2e, desktop_page, world):
    day = make_day(world)
    page = desktop_page
    refused = watch_policy(page)
    page.add_init_script("window.print = function () { document.body.dataset.printed = 'yes'; };")
    e2e.login(page, e2e.server, "volunteer")
    page.goto(e2e.server.url + reverse("accounts:receipt", args=[day.jeanne_basket.pk]))
    page.click("button[data-print]")
    assert page.get_attribute("body", "data-printed") == "yes"  # accounts/print.js ran
    assert refused == []


def test_the_api_documentation_runs_under_the_policy(e2e, desktop_page, world):
    page = desktop_page
    refused = watch_policy(page)
    page.goto(e2e.server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .information-container")
    assert refused == []
