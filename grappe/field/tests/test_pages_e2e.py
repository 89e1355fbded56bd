"""The field app's online pages on a 360 px phone, without JavaScript, checked with axe-core: the tour
days to prepare (volunteer), the devices and the refused entries (coordinator)."""

import uuid

import pytest
from django.utils import timezone

from conftest import assert_accessible, browser_login, screenshot
from grappe.field import services
from grappe.field.models import FieldDevice, FieldEntry
from grappe.field.tests.factories import make_tour_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinators_pages_read_well_on_a_phone_without_javascript(world, live_server, browser):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="Tablette du camion",
                                           by=world.volunteer, now=now)
    services.apply_entries(device=device, now=now, entries=[
        {"id": str(uuid.uuid4()), "kind": "payment", "basket": tour.baskets[0].pk, "stamp": "old",
         "payload": {"amount": "12.50", "means": "voucher", "issuer": "CCAS de Die", "reference": "BA-118"}}])
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "volunteer")
        page.goto(live_server.url + "/terrain/")
        assert "VRAC mobile Test" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(page, "field-index-360")
        page.fill("main input[name=label]", "Téléphone de Léa")
        page.click("main button:has-text('Préparer pour la route')")
        assert "/terrain/jour/" in page.url and "JavaScript" in page.inner_text("main")
        assert FieldDevice.objects.filter(label="Téléphone de Léa").exists()
        page.goto(live_server.url + "/connexion/")
        context.clear_cookies()
        browser_login(page, live_server, "coordinator")
        for path, seen in (("/terrain/appareils/", "Téléphone de Léa"), ("/terrain/refus/", "Étienne Müller")):
            page.goto(live_server.url + path)
            assert seen in page.inner_text("main")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            screenshot(page, f"field-{path.strip('/').replace('/', '-')}-360")
        page.fill("main input[name=note]", "Bon vérifié avec Étienne")
        page.click("main button:has-text('Marquer comme traitée')")
        assert FieldEntry.objects.get().handled_note == "Bon vérifié avec Étienne"
        page.goto(live_server.url + "/terrain/appareils/")
        page.locator("main button:has-text('Révoquer')").first.click()
        assert FieldDevice.objects.filter(status="revoked").count() == 1
    finally:
        context.close()


def test_the_pages_pass_axe(world, live_server, phone_page):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="Tablette du camion",
                                           by=world.volunteer, now=now)
    services.apply_entries(device=device, now=now, entries=[
        {"id": str(uuid.uuid4()), "kind": "served", "basket": tour.baskets[1].pk, "stamp": "old",
         "payload": {"lines": {str(tour.baskets[1].lines.first().pk): "1.950"}}}])
    browser_login(phone_page, live_server, "coordinator")
    for path in ("/terrain/", "/terrain/appareils/", "/terrain/refus/", "/distribution/"):
        phone_page.goto(live_server.url + path)
        assert_accessible(phone_page)
