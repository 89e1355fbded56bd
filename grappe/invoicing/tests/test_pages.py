"""The invoice pages: who reaches them, issuing after a preview (numbered, shown), refusals re-rendered as
typed with 422, credit notes, the statement's figures, the downloads, the list's totals."""

import datetime
import io
import uuid
from decimal import Decimal as D

import facturx
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from grappe.accounts import services as account_services
from grappe.accounts.models import Entry
from grappe.invoicing import services
from grappe.invoicing.amounts import Line
from grappe.invoicing.models import Invoice
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory

SIRET = "21260281900014"  # passes INSEE's check


@pytest.fixture
def ccas(world):
    return MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE,
                         name="CCAS de Romans", billing_address="Place Jean Jaurès\n26100 Romans-sur-Isère",
                         siret=SIRET, public_body=True, chorus_service_code="JEUNESSE")


TODAY = timezone.localdate()


def day(days_ago: int) -> datetime.datetime:
    moment = datetime.datetime.combine(TODAY - datetime.timedelta(days=days_ago), datetime.time(11))
    return timezone.make_aware(moment)


def charge(world, member, amount, days_ago):
    return Entry.objects.create(association=world.association, member=member, kind=Entry.Kind.CHARGE,
                                amount=-D(amount), at=day(days_ago))


def period(**extra):
    return {"start": (TODAY - datetime.timedelta(days=30)).isoformat(), "end": TODAY.isoformat(),
            "payment_days": "30", "payment_terms": "Virement", **extra}


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def test_a_coordinator_previews_then_issues_and_sees_the_number(world, ccas, client_for):
    charge(world, ccas, "40.00", 12)
    charge(world, ccas, "22.50", 5)
    client = client_for(world.coordinator)
    url = reverse("invoicing:issue", args=[ccas.pk])
    assert client.get(url).status_code == 200
    preview = client.post(url, period(action="preview"))
    assert preview.status_code == 200 and not Invoice.objects.exists()
    page = text(preview)
    assert "62,50 €" in page and "Panier du" in page and "Émettre cette facture" in page
    seen = preview.context["form"]["seen"].value()
    assert seen and f'value="{seen}"' in page
    done = client.post(url, period(action="confirm", seen=seen), follow=True)
    invoice = Invoice.objects.get()
    reference = f"F-{TODAY.year}-0001"
    assert invoice.reference == reference and invoice.total_gross == D("62.50") and invoice.member == ccas
    assert (invoice.buyer_siret, invoice.buyer_service_code, invoice.buyer_address) == (
        SIRET, "JEUNESSE", "Place Jean Jaurès\n26100 Romans-sur-Isère")
    assert invoice.due_on == TODAY + datetime.timedelta(days=30) and invoice.issued_by == world.coordinator
    assert done.redirect_chain[-1][0] == reverse("invoicing:detail", args=[invoice.pk])
    assert f"Facture {reference} émise" in text(done) and "Télécharger (PDF Factur-X)" in text(done)


def test_a_confirmation_without_preview_or_after_a_change_is_refused_as_typed(world, ccas, client_for):
    charge(world, ccas, "40.00", 12)
    client = client_for(world.coordinator)
    url = reverse("invoicing:issue", args=[ccas.pk])
    refused = client.post(url, period(action="confirm", payment_terms="Chèque à l'ordre de VRAC"))
    assert refused.status_code == 422 and not Invoice.objects.exists()
    assert "Chèque à l&#x27;ordre de VRAC" in refused.content.decode()
    seen = refused.context["form"]["seen"].value()
    charge(world, ccas, "10.00", 3)  # a basket charged between the preview and the confirmation
    changed = client.post(url, period(action="confirm", seen=seen))
    assert changed.status_code == 422 and not Invoice.objects.exists()
    assert "50,00 €" in text(changed)


@pytest.mark.parametrize(("fields", "message"), [
    ({"end": "2020-01-01"}, "La fin est avant le début"),
    ({"payment_days": "45"}, "Un organisme public paie sous 30 jours au plus"),
    ({"payment_days": "abc"}, "Saisissez un nombre entier"),
])
def test_a_refused_form_comes_back_as_typed_with_422(world, ccas, client_for, fields, message):
    charge(world, ccas, "40.00", 12)
    response = client_for(world.coordinator).post(reverse("invoicing:issue", args=[ccas.pk]),
                                                  period(action="preview", payment_terms="Mandat n° 77", **fields))
    assert response.status_code == 422 and message in text(response)
    assert "Mandat n° 77" in text(response) and not Invoice.objects.exists()
    for value in fields.values():
        assert f'value="{value}"' in response.content.decode()


def test_no_invoice_without_billing_address_nor_a_public_body_without_its_siret(world, ccas, client_for):
    household = world.member  # invoiced on request: a name and an address, no SIRET
    charge(world, household, "7.00", 4)
    client = client_for(world.admin)
    missing = client.post(reverse("invoicing:issue", args=[household.pk]), period(action="preview"))
    assert missing.status_code == 422 and "adresse de facturation" in text(missing)
    Member.objects.filter(pk=household.pk).update(billing_address="2 rue Haute\n26100 Romans")
    preview = client.post(reverse("invoicing:issue", args=[household.pk]), period(action="preview"))
    client.post(reverse("invoicing:issue", args=[household.pk]),
                period(action="confirm", seen=preview.context["form"]["seen"].value()))
    invoice = Invoice.objects.get()
    assert not invoice.buyer_is_professional and invoice.buyer_siret == ""
    Member.objects.filter(pk=ccas.pk).update(siret="", chorus_service_code="")
    refused = client.post(reverse("invoicing:issue", args=[ccas.pk]), period(action="preview"))
    assert refused.status_code == 422 and "Chorus Pro" in text(refused)


@pytest.mark.parametrize("persona", ["volunteer", "referrer", "member_user", "outsider"])
def test_other_roles_get_404_everywhere(world, ccas, client_for, persona):
    invoice = issue(world, ccas)
    client = client_for(getattr(world, persona))
    if persona == "outsider":  # another association's admin: her own (empty) list
        assert invoice.buyer_name not in text(client.get(reverse("invoicing:list")))
    else:
        assert client.get(reverse("invoicing:list")).status_code == 404
    for name, args in [("invoicing:detail", [invoice.pk]), ("invoicing:pdf", [invoice.pk]),
                       ("invoicing:facturx", [invoice.pk]), ("invoicing:credit_note", [invoice.pk]),
                       ("invoicing:issue", [ccas.pk]), ("invoicing:statement", [ccas.pk]),
                       ("invoicing:statement_pdf", [ccas.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("invoicing:credit_note", args=[invoice.pk]), {"lines": ["0"]}).status_code == 404
    assert Invoice.objects.count() == 1


def test_a_coordinator_of_another_group_gets_404_and_a_volunteer_role_does_not_help(world, ccas, client_for):
    from grappe.members.tests.personas import person
    from grappe.network.models import Role
    from grappe.network.tests.factories import make_role

    invoice = issue(world, ccas)
    die = person("die-coordinator", world.association, Role.Kind.COORDINATOR, groups=[world.other_group])
    make_role(die, world.association, Role.Kind.VOLUNTEER, groups=[world.group])
    client = client_for(die)
    assert client.get(reverse("invoicing:detail", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("invoicing:issue", args=[ccas.pk])).status_code == 404
    assert client.get(reverse("invoicing:statement", args=[ccas.pk])).status_code == 404
    assert invoice.reference not in text(client.get(reverse("invoicing:list")))
    assert client_for(world.admin).get(reverse("invoicing:detail", args=[invoice.pk])).status_code == 200


def issue(world, member, lines=None, **kwargs):
    return services.issue_invoice(association=world.association, member=member, buyer=services.buyer_of(member),
                                  lines=lines or [Line("Panier du 04/11/2026", D("1"), D("40.00")),
                                                  Line("Panier du 18/11/2026", D("1"), D("22.50"))],
                                  by=world.coordinator, **kwargs)


def test_a_credit_note_for_chosen_lines_then_nothing_left_twice(world, ccas, client_for):
    invoice = issue(world, ccas)
    client = client_for(world.coordinator)
    url = reverse("invoicing:credit_note", args=[invoice.pk])
    page = client.get(url)
    assert page.status_code == 200 and "62,50 €" in text(page)
    none = client.post(url, {})
    assert none.status_code == 422 and not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    done = client.post(url, {"lines": ["1"]}, follow=True)
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert (note.corrects, note.total_gross, note.reference) == (invoice, D("22.50"), f"F-{TODAY.year}-0002")
    assert f"Avoir {note.reference} émis" in text(done)
    detail = text(client.get(reverse("invoicing:detail", args=[invoice.pk])))
    assert note.reference in detail and "40,00 €" in detail  # left after the credit note
    too_much = client.post(url, {"lines": ["0", "1"]})  # 62.50 asked, 40.00 left
    assert too_much.status_code == 422 and "ne peut pas créditer plus" in text(too_much)
    assert 'value="0"' in too_much.content.decode() and "checked" in too_much.content.decode()
    assert client.get(reverse("invoicing:credit_note", args=[note.pk])).status_code == 404


def test_the_statement_page_and_pdf_give_invoiced_credited_paid_and_balance(world, ccas, client_for):
    invoice = issue(world, ccas)
    services.issue_credit_note(invoice=invoice, lines=[Line("Panier du 18/11/2026", D("1"), D("22.50"))],
                               by=world.coordinator)
    account_services.record_payment(member=ccas, amount=D("30.00"), means="transfer", by=world.admin,
                                    key=uuid.uuid4(), reference="VIR CCAS")
    issue(world, ccas, lines=[Line("Panier du 02/12/2026", D("1"), D("12.00"))])
    client = client_for(world.coordinator)
    response = client.get(reverse("invoicing:statement", args=[ccas.pk]))
    figures = response.context["statement"]
    assert (figures.invoiced, figures.credited, figures.paid, figures.balance) == (
        D("74.50"), D("22.50"), D("30.00"), D("22.00"))
    page = text(response)
    for shown in ("74,50 €", "22,50 €", "30,00 €", "22,00 €", "Reste à payer", "VIR CCAS"):
        assert shown in page, shown
    pdf = client.get(reverse("invoicing:statement_pdf", args=[ccas.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    pdf_text = "".join(pdf_text.split())
    for shown in ("74,50", "22,50", "30,00", "22,00", "CCASdeRomans"):
        assert shown in pdf_text, shown


def test_downloads_are_the_pdf_and_the_factur_x_with_its_xml(world, ccas, client_for):
    invoice = issue(world, ccas)
    client = client_for(world.coordinator)
    plain = client.get(reverse("invoicing:pdf", args=[invoice.pk]))
    assert plain["Content-Type"] == "application/pdf" and plain.content.startswith(b"%PDF")
    assert f'filename="{invoice.reference}.pdf"' in plain["Content-Disposition"]
    factur_x = client.get(reverse("invoicing:facturx", args=[invoice.pk]))
    filename, xml = facturx.get_xml_from_pdf(factur_x.content, check_xsd=True)
    assert filename == "factur-x.xml" and SIRET.encode() in xml and b"JEUNESSE" in xml


def test_the_list_filters_by_year_and_buyer_with_totals_in_few_queries(world, ccas, client_for,
                                                                        django_assert_max_num_queries):
    other = MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE,
                          name="Centre social")
    first = issue(world, ccas)
    services.issue_credit_note(invoice=first, lines=[Line("Panier du 18/11/2026", D("1"), D("22.50"))],
                               by=world.coordinator)
    for _index in range(5):
        issue(world, other, lines=[Line("Panier", D("1"), D("10.00"))])
    issue(world, ccas, now=timezone.now() - datetime.timedelta(days=400))
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(12):
        everything = client.get(reverse("invoicing:list"))
    assert everything.context["totals"] == {"invoiced": D("175.00"), "credited": D("22.50"), "net": D("152.50")}
    this_year = client.get(reverse("invoicing:list"), {"annee": TODAY.year, "adherent": ccas.pk})
    assert this_year.context["totals"] == {"invoiced": D("62.50"), "credited": D("22.50"), "net": D("40.00")}
    assert [i.pk for i in this_year.context["page"]] == [first.pk + 1, first.pk]
    assert "40,00 €" in text(this_year)
    assert client.get(reverse("invoicing:list"), {"annee": "1990"}).status_code == 422


def test_the_member_page_links_to_invoices_for_coordinators_only(world, ccas, client_for):
    url = reverse("members:detail", args=[ccas.pk])
    coordinator = text(client_for(world.coordinator).get(url))
    assert reverse("invoicing:issue", args=[ccas.pk]) in coordinator and SIRET in coordinator
    volunteer = text(client_for(world.volunteer).get(url))
    assert reverse("invoicing:issue", args=[ccas.pk]) not in volunteer
