"""The coordinator's week on the demo (issue 17), at 1280 and 360 px, axe-core on each page: a draft
created, changed, another deleted; the cycle opened, its orders closed early through the
confirmation (which says how many days early), reopened (the way back, recorded), closed again;
the purchase orders confirmed through the tick box; a distribution closed, refused before its day
until the explicit choice is ticked."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import screenshot
from grappe.distribution.models import Distribution
from grappe.network.demo import DEMO_PASSWORD
from grappe.orders.models import CycleEvent, OrderCycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_coordinators_week_asks_before_each_step_that_cannot_be_undone(e2e, browser, width):
    call_command("load_demo", stdout=StringIO())
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    url = e2e.server.url

    def look(name):
        e2e.axe(page)
        if width == 360:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        screenshot(page, f"coordinator-week-{width}-{name}")

    def create_draft(name, closes_in_days=6):
        now = timezone.now()
        page.goto(url + "/commandes/nouvelle/")
        page.fill("#name", name)
        page.fill("#opens_at", local(now - datetime.timedelta(hours=1)))
        page.fill("#closes_at", local(now + datetime.timedelta(days=closes_in_days)))
        page.fill("#distribution_date", (timezone.localdate() + datetime.timedelta(days=closes_in_days + 2)).isoformat())
        page.locator("input[name=groups]").first.check()
        page.click("button:has-text('Créer la campagne')")
        page.wait_for_selector("text=Brouillon")
        return OrderCycle.objects.get(name=name)

    e2e.login(page, e2e.server, "coordination", DEMO_PASSWORD)
    # a draft, changed
    cycle = create_draft("Semaine d’essai")
    look("draft")
    page.click("a:has-text('Modifier le brouillon')")
    look("edit")
    page.fill("#name", "Semaine de décembre")
    page.click("button:has-text('Enregistrer le brouillon')")
    page.wait_for_selector("h1:has-text('Semaine de décembre')")
    assert CycleEvent.objects.filter(cycle=cycle, kind="edited").exists()
    # another draft, deleted through its confirmation page
    other = create_draft("Brouillon à jeter")
    page.click("a:has-text('Supprimer le brouillon')")
    look("delete")
    assert "sera supprimé définitivement" in page.inner_text("main")
    page.check("#confirmed")
    page.click("button:has-text('Supprimer le brouillon')")
    page.wait_for_selector("text=est supprimé")
    assert not OrderCycle.objects.filter(pk=other.pk).exists()
    # opened, then closed six days early through the confirmation
    page.goto(url + f"/commandes/{cycle.pk}/")
    page.click("button:has-text('Ouvrir la campagne')")
    page.wait_for_selector(".badge:has-text('Ouverte')")
    page.click("a:has-text('Clôturer les commandes maintenant')")
    page.wait_for_url("**/cloturer/")
    look("close")
    sentence = page.inner_text("#what-happens")
    assert "seront closes maintenant, 6 jours avant leur échéance" in sentence, sentence
    page.check("#confirmed")
    page.click("button:has-text('Clôturer les commandes maintenant')")
    page.wait_for_url("**/bilan/")
    assert OrderCycle.objects.get(pk=cycle.pk).status == "closed"
    # the way back: reopened, recorded, then closed again
    page.goto(url + f"/commandes/{cycle.pk}/")
    look("closed")
    page.click("button:has-text('Rouvrir les commandes')")
    page.wait_for_selector("text=Les commandes sont rouvertes")
    assert OrderCycle.objects.get(pk=cycle.pk).status == "open"
    assert CycleEvent.objects.filter(cycle=cycle, kind="open_again").count() == 1
    page.click("a:has-text('Clôturer les commandes maintenant')")
    page.check("#confirmed")
    page.click("button:has-text('Clôturer les commandes maintenant')")
    page.wait_for_url("**/bilan/")
    # the purchase orders, through the tick box
    look("review")
    page.check("#confirmed")
    page.click("button[name=confirm]")
    page.wait_for_url("**/fournisseurs/")
    assert OrderCycle.objects.get(pk=cycle.pk).status == "ordered"
    page.goto(url + f"/commandes/{cycle.pk}/")
    assert page.locator("text=Rouvrir les commandes").count() == 0  # no way back once purchase orders exist
    # a distribution closed before its day: refused, then with the explicit choice
    page.goto(url + "/distribution/")
    page.locator("li", has_text="Semaine de décembre").locator("button:has-text('Préparer')").click()
    page.wait_for_selector(".message-success")
    distribution = Distribution.objects.filter(cycle=cycle).first()
    page.goto(url + f"/distribution/{distribution.pk}/")
    look("day")
    page.check("#close-confirmed")
    page.click("button:has-text('Clôturer la distribution')")
    page.wait_for_selector("text=pour la clôturer avant son jour")
    look("day-refused")
    assert Distribution.objects.get(pk=distribution.pk).status == "planned"
    page.check("#close-early")
    page.check("#close-confirmed")
    page.click("button:has-text('Clôturer la distribution')")
    page.wait_for_selector("text=Distribution clôturée")
    assert Distribution.objects.get(pk=distribution.pk).status == "closed"
    context.close()
