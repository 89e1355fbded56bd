"""Issuing invoices: one unbroken sequence per association and year, never edited, corrected by credit
notes, kept whole when the member is erased; the PDF's legal mentions; Factur-X valid against the XSD."""

import io
from datetime import UTC, datetime
from decimal import Decimal as D

import facturx
import pytest
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from grappe.core.errors import DomainError
from grappe.invoicing import services
from grappe.invoicing.amounts import Line
from grappe.invoicing.cii import NS
from grappe.invoicing.documents import invoice_facturx, invoice_pdf, invoice_xml
from grappe.invoicing.models import Invoice
from grappe.members.models import Member
from grappe.members.services import erase_member
from grappe.members.tests.factories import MemberFactory

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
BASKETS = [Line("Paniers de novembre 2026", D("12"), D("14.50")), Line("Œufs, 6", D("4"), D("2.10"))]


@pytest.fixture
def ccas(world):
    association = world.association
    association.siret, association.address = "12345678900011", "3 rue des Clercs\n26100 Romans-sur-Isère"
    association.save()
    return MemberFactory(association=association, group=world.group, kind=Member.Kind.STRUCTURE,
                         name="CCAS de Romans, service jeunesse")


def issue(world, member, *, now=NOW, lines=BASKETS, **kwargs):
    buyer = services.buyer_of(member, address="Place Jean Jaurès\n26100 Romans-sur-Isère", siret="21260281900016",
                              service_code="JEUNESSE")
    return services.issue_invoice(association=world.association, member=member, buyer=buyer, lines=lines,
                                  by=world.coordinator, now=now, payment_terms="Virement", **kwargs)


def test_numbers_follow_one_sequence_per_association_and_year(world, ccas):
    first, second = issue(world, ccas), issue(world, ccas)
    next_year = issue(world, ccas, now=datetime(2027, 1, 2, 10, tzinfo=UTC))
    other = MemberFactory(association=world.elsewhere, group=world.elsewhere_group, kind=Member.Kind.STRUCTURE)
    elsewhere = services.issue_invoice(association=world.elsewhere, member=other, buyer=services.buyer_of(other),
                                       lines=BASKETS, by=world.outsider, now=NOW)
    assert [first.reference, second.reference, next_year.reference, elsewhere.reference] == [
        "F-2026-0001", "F-2026-0002", "F-2027-0001", "F-2026-0001"]
    assert first.total_gross == D("182.40") and first.total_vat == D("0") and not first.vat_subject
    assert first.due_on.isoformat() == "2027-01-02" and first.buyer_is_professional


def test_an_issued_invoice_is_never_edited_and_a_credit_note_corrects_it(world, ccas):
    invoice = issue(world, ccas)
    invoice.buyer_name = "Autre"
    with pytest.raises(DomainError):
        invoice.save()
    with pytest.raises(DomainError):
        invoice.delete()
    partial = services.issue_credit_note(invoice=invoice, lines=[Line("Œufs, 6", D("4"), D("2.10"))],
                                         by=world.coordinator, now=NOW)
    assert (partial.kind, partial.corrects, partial.reference, partial.total_gross) == (
        Invoice.Kind.CREDIT_NOTE, invoice, "F-2026-0002", D("8.40"))
    with pytest.raises(DomainError):  # 174.00 left to credit
        services.issue_credit_note(invoice=invoice, by=world.coordinator, now=NOW)
    with pytest.raises(DomainError):  # a credit note is not corrected by another one
        services.issue_credit_note(invoice=partial, by=world.coordinator, now=NOW)
    Invoice.objects.get(pk=invoice.pk)
    assert Invoice.objects.get(pk=invoice.pk).buyer_name == "CCAS de Romans, service jeunesse"


@pytest.mark.parametrize("lines", [[], [Line(" ", D("1"), D("1"))], [Line("x", D("NaN"), D("1"))],
                                   [Line("x", D("1"), D("1"), D("5.5"))]])
def test_refused_invoices_take_no_number(world, ccas, lines):
    with pytest.raises(DomainError):
        issue(world, ccas, lines=lines)
    assert issue(world, ccas).number == 1


def test_vat_per_rate_when_the_association_is_subject(world, ccas):
    world.association.vat_subject, world.association.vat_number = True, "FR40123456789"
    world.association.save()
    invoice = issue(world, ccas, lines=[Line("Panier", D("2"), D("10"), D("5.5")), Line("Sac", D("1"), D("5"), D("20"))])
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("25.00"), D("2.10"), D("27.10"))
    text = pdf_text(invoice_pdf(invoice))
    assert "TVA 5,5 %" in text and "TVA 20 %" in text and "293 B" not in text
    assert facturx.xml_check_xsd(invoice_xml(invoice), flavor="factur-x", level="en16931")


def test_erasing_the_member_leaves_the_invoice_whole(world, ccas):
    invoice = issue(world, ccas)
    erase_member(member=ccas, by=world.admin)
    kept = Invoice.objects.get(pk=invoice.pk)
    assert kept.member_id == ccas.pk and kept.buyer_name == "CCAS de Romans, service jeunesse"
    assert kept.buyer_siret == "21260281900016" and kept.lines == invoice.lines


def test_the_erasure_page_says_invoices_are_kept(world, ccas, client_for):
    page = client_for(world.admin).get(reverse("members:erase", args=[ccas.pk]))
    assert "Les factures déjà émises à cet adhérent sont conservées" in page.content.decode()


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\u202f", " ") \
        .replace("\xa0", " ")


def test_the_pdf_carries_the_mentions_french_law_asks(world, ccas):
    text = pdf_text(invoice_pdf(issue(world, ccas)))
    for mention in ["Facture F-2026-0001", "3 décembre 2026", world.association.name, "12345678900011",
                    "CCAS de Romans, service jeunesse", "21260281900016", "JEUNESSE", "Paniers de novembre 2026",
                    "182,40", "TVA non applicable, art. 293 B du CGI", "2 janvier 2027", "Virement", "40 €",
                    "escompte"]:
        assert "".join(mention.split()) in "".join(text.split()), mention  # pypdf splits "VRAC T est"


def test_a_household_invoice_has_no_professional_late_payment_mention(world):
    invoice = services.issue_invoice(association=world.association, member=world.member,
                                     buyer=services.buyer_of(world.member), lines=BASKETS, by=world.coordinator,
                                     now=NOW)
    assert not invoice.buyer_is_professional
    assert "recouvrement" not in pdf_text(invoice_pdf(invoice))


def test_factur_x_embeds_an_en16931_xml_valid_against_the_xsd(world, ccas):
    invoice = issue(world, ccas)
    note = services.issue_credit_note(invoice=invoice, by=world.coordinator, now=NOW)
    for document, type_code in [(invoice, "380"), (note, "381")]:
        pdf = invoice_facturx(document)
        filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
        assert filename == "factur-x.xml"
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert facturx.get_level(etree.fromstring(xml)) == "en16931"
        tree = etree.fromstring(xml)
        assert tree.findtext(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS) \
            == "21260281900016"
        assert tree.findtext(".//ram:BuyerReference", namespaces=NS) == "JEUNESSE"
        assert tree.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == type_code
        assert tree.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "182.40"
        catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
        assert b'pdfaid:part="3"' in catalog["/Metadata"].get_object().get_data() or \
            b"<pdfaid:part>3</pdfaid:part>" in catalog["/Metadata"].get_object().get_data()
        assert "/AF" in catalog  # the XML is the PDF/A-3 "associated file"
    assert etree.fromstring(invoice_xml(note)).findtext(
        ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "F-2026-0001"


def test_the_xsd_check_refuses_a_broken_xml(world, ccas):
    tree = etree.fromstring(invoice_xml(issue(world, ccas)))
    summation = tree.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS)
    summation.remove(summation.find("ram:GrandTotalAmount", namespaces=NS))
    with pytest.raises(Exception, match="(?i)xsd|schema|element"):
        facturx.xml_check_xsd(etree.tostring(tree), flavor="factur-x", level="en16931")
