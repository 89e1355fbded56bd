"""A coordinator invoices a CCAS in a browser at 360 px, with axe-core on every page: the member's billing
details, the invoice previewed then issued, a credit note, the statement and the list."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import screenshot
from grappe.accounts.models import Entry
from grappe.invoicing.models import Invoice
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _looked_at(page, e2e, name):
    """The page fits a 360 px phone and passes axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    e2e.axe(page)
    screenshot(page, f"invoicing-{name}-360")


def test_a_coordinator_invoices_a_ccas_on_a_phone(world, e2e, phone_page):
    ccas = MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE,
                         name="CCAS de Romans, service jeunesse")
    today = timezone.localdate()
    for days_ago, amount in ((12, "40.00"), (5, "22.50")):
        moment = datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(11))
        Entry.objects.create(association=world.association, member=ccas, kind=Entry.Kind.CHARGE, amount=-D(amount),
                             at=timezone.make_aware(moment))
    page, server = phone_page, e2e.server.url
    e2e.login(page, e2e.server, "coordinator")
    page.goto(f"{server}/adherents/{ccas.pk}/modifier/")
    page.fill("#id_m-billing_address", "Place Jean Jaurès\n26100 Romans-sur-Isère")
    page.fill("#id_m-siret", "212 602 819 00016")  # a typing error: refused, shown again
    page.check("#id_m-public_body")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Ce SIRET n’est pas valable")
    _looked_at(page, e2e, "member-form-refused")
    page.fill("#id_m-siret", "212 602 819 00014")
    page.fill("#id_m-chorus_service_code", "JEUNESSE")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_url(f"**/adherents/{ccas.pk}/")
    _looked_at(page, e2e, "member-page")
    page.click("a:has-text('Émettre une facture')")
    page.fill("#id_start", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_end", today.isoformat())
    _looked_at(page, e2e, "issue")
    page.click("button:has-text('Voir l’aperçu')")
    page.wait_for_selector("text=Aperçu")
    assert "62,50\u00a0€" in page.locator("main").inner_text()
    _looked_at(page, e2e, "preview")
    page.click("button:has-text('Émettre cette facture')")
    page.wait_for_selector(f"text=Facture F-{today.year}-0001 émise")
    _looked_at(page, e2e, "detail")
    page.click("a:has-text('Émettre un avoir')")
    page.uncheck("#id_lines_0")
    _looked_at(page, e2e, "credit-note")
    page.click("button:has-text('Émettre l’avoir')")
    page.wait_for_selector(f"text=Avoir F-{today.year}-0002 émis")
    assert Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE).total_gross == D("22.50")
    page.click("a:has-text('Relevé de')")
    page.wait_for_selector("text=Reste à payer")
    assert "40,00\u00a0€" in page.locator("main").inner_text()
    _looked_at(page, e2e, "statement")
    page.goto(f"{server}/factures/")
    _looked_at(page, e2e, "list")
