"""The food-voucher pages on a phone (360 px), axe-core on each: the vouchers received with a number
seen twice, the issuers, preparing a claim, the claim with its reimbursement form."""

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from django.utils import timezone

from grappe.accounts import services
from grappe.accounts.models import Means, VoucherClaim
from grappe.accounts.tests.factories import issuer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_admin_prepares_a_claim_and_marks_it_reimbursed(world, e2e, phone_page):
    ccas = issuer(world.association, "CCAS de Romans", address="Place Jules Nadi\n26100 Romans-sur-Isère")
    today = timezone.localdate()
    for number in ("BA-118", "ba 118", "BA-119"):
        services.record_payment(member=world.member, amount=D("5"), means=Means.VOUCHER, reference=number,
                                issuer=ccas, by=None, key=uuid.uuid4())
    page = phone_page
    e2e.login(page, e2e.server, "admin")
    page.goto(f"{e2e.server.url}/comptes/bons/")
    page.wait_for_selector("text=numéro déjà vu")
    _fits(page)
    e2e.axe(page)
    page.goto(f"{e2e.server.url}/comptes/bons/emetteurs/")
    _fits(page)
    e2e.axe(page)
    page.goto(f"{e2e.server.url}/comptes/bons/demandes/nouvelle/")
    page.select_option("select[name=emetteur]", str(ccas.pk))
    page.fill("input[name=debut]", (today - dt.timedelta(days=7)).isoformat())
    page.fill("input[name=fin]", today.isoformat())
    page.click("button:has-text('Voir les bons')")
    page.wait_for_selector("text=3 bons à réclamer")
    _fits(page)
    e2e.axe(page)
    page.click("button:has-text('Confirmer la demande')")
    page.wait_for_selector("text=Marquer remboursée")
    _fits(page)
    e2e.axe(page)
    page.fill("input[name=bank_reference]", "VIR CCAS 4411")
    page.click("button:has-text('L’argent est arrivé'), button:has-text(\"L'argent est arrivé\")")
    page.wait_for_selector("text=Annuler le remboursement")
    e2e.axe(page)
    claim = VoucherClaim.objects.get()
    assert (claim.status, claim.count, claim.total, claim.bank_reference) == ("reimbursed", 3, D("15.00"),
                                                                             "VIR CCAS 4411")
