"""A distribution on a tablet: find a member, weigh, pay in cash, next member (axe-core on each page)."""

import pytest

from conftest import screenshot
from grappe.accounts.models import Entry
from grappe.distribution.models import Basket, BasketLine

from .factories import make_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet_page(browser):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def test_a_volunteer_serves_two_members_on_a_tablet(world, e2e, tablet_page):
    day = make_day(world)
    page = tablet_page
    e2e.login(page, e2e.server, "volunteer")
    page.goto(f"{e2e.server.url}/distribution/{day.day.pk}/")
    e2e.axe(page)
    page.fill("#q", str(day.jeanne.number))
    page.click("button:has-text('Chercher')")
    page.wait_for_url("**/panier/**")
    e2e.axe(page)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    page.fill(f"#served-{lentils.pk}", "5,2")
    page.click("button:has-text('Panier remis')")
    page.wait_for_url("**/caisse/")
    e2e.axe(page)
    screenshot(page, "distribution-checkout-tablet")
    page.check("input[value=cash]")
    page.click("button:has-text('Enregistrer le paiement')")
    page.wait_for_selector("text=Rien à payer")
    page.reload()  # what was entered survives a reload: nothing is kept in the page
    assert page.is_visible("text=Rien à payer")
    page.click("a:has-text('Reçu')")
    e2e.axe(page)
    page.click("button:has-text('Envoyer le reçu')")  # by the member's preferred channel
    page.wait_for_selector("text=Reçu envoyé")
    e2e.axe(page)
    page.click("a:has-text('Adhérent suivant')")
    page.fill("#q", "Durand")
    page.click("button:has-text('Chercher')")
    page.wait_for_url("**/panier/**")
    assert page.is_visible("text=Durand Paul")
    lentils.refresh_from_db()
    assert lentils.served is not None and str(lentils.served) == "5.200"
    assert Basket.objects.get(pk=day.jeanne_basket.pk).status == Basket.Status.COLLECTED
    paid = Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT)
    assert paid.count() == 1 and paid.get().means == "cash"


def test_day_and_basket_pages_fit_a_phone(world, e2e, phone_page):
    day = make_day(world)
    e2e.login(phone_page, e2e.server, "volunteer")
    for n, path in enumerate((f"/distribution/{day.day.pk}/", f"/distribution/panier/{day.jeanne_basket.pk}/",
                              "/distribution/", f"/comptes/panier/{day.jeanne_basket.pk}/caisse/",
                              f"/comptes/distribution/{day.day.pk}/caisse/")):
        phone_page.goto(e2e.server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, path
        e2e.axe(phone_page)
        screenshot(phone_page, f"distribution-360-{n}")


def test_coordinator_pages_at_1024(world, e2e, browser):
    day = make_day(world)
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="fr-FR")
    page = context.new_page()
    e2e.login(page, e2e.server, "admin")
    for n, path in enumerate(("/distribution/", f"/distribution/panier/{day.jeanne_basket.pk}/", "/comptes/",
                              f"/comptes/cycle/{day.cycle.pk}/bilan/", f"/comptes/adherent/{day.jeanne.pk}/",
                              f"/distribution/{day.day.pk}/equipe/")):
        page.goto(e2e.server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024, path
        e2e.axe(page)
        screenshot(page, f"distribution-1024-{n}")
    context.close()


def test_the_rota_and_a_slots_times_on_a_phone(world, e2e, phone_page):
    import datetime as dt

    from grappe.distribution.models import RotaSlot

    day = make_day(world)
    slot = RotaSlot.objects.create(distribution=day.day, task="Pesée du vrac", starts_at=dt.time(17),
                                   ends_at=dt.time(19), volunteer=world.volunteer)
    e2e.login(phone_page, e2e.server, "coordinator")
    for n, path in enumerate((f"/distribution/{day.day.pk}/equipe/",
                              f"/distribution/{day.day.pk}/equipe/{slot.pk}/modifier/")):
        phone_page.goto(e2e.server.url + path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, path
        e2e.axe(phone_page)
        screenshot(phone_page, f"distribution-rota-360-{n}")
    phone_page.fill("input[name=starts_at]", "16:30")
    phone_page.click("main button[type=submit]")
    assert RotaSlot.objects.get(pk=slot.pk).starts_at == dt.time(16, 30)
    assert "de 16:30 à 19:00" in phone_page.content()


def test_the_documents_job_on_the_day_page_on_a_phone(world, e2e, phone_page):
    """The day screen while its documents are being prepared (held still: no refresh.js), then failed."""
    from grappe.distribution.documents import DOCUMENTS
    from grappe.distribution.models import DocumentJob

    day = make_day(world)
    job = DocumentJob.objects.create(distribution=day.day, kinds=list(DOCUMENTS), total=4, done=3,
                                     status=DocumentJob.Status.RUNNING)
    e2e.login(phone_page, e2e.server, "volunteer")
    phone_page.route("**/core/refresh.js",
                     lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    for name, text in (("running", "3 sur 4"), ("failed", "Réessayer")):
        if name == "failed":
            DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.FAILED,
                                                         error="Les documents n’ont pas pu être préparés.")
        phone_page.goto(e2e.server.url + f"/distribution/{day.day.pk}/")
        assert text in phone_page.content()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
        e2e.axe(phone_page)
        screenshot(phone_page, f"distribution-documents-job-{name}-360")
