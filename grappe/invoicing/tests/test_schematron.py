"""The EN 16931 Schematron (the European Commission's CII validation artefact, compiled to XSLT 2.0, see
data/README.md) run offline with saxonche on generated invoices, credit notes and the XML a Factur-X
file carries: no failed assertion of flag "fatal". Skipped where saxonche or the artefact is missing."""

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import facturx
import pytest
from lxml import etree

from grappe.invoicing import services
from grappe.invoicing.amounts import Line
from grappe.invoicing.cii import NS
from grappe.invoicing.documents import invoice_facturx, invoice_xml
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory

saxonche = pytest.importorskip("saxonche")
ARTEFACT = Path(__file__).parent / "data" / "EN16931-CII-validation.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not ARTEFACT.exists(), reason="EN 16931 validation artefact missing")


@pytest.fixture(scope="module")
def schematron():
    with saxonche.PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(ARTEFACT))

        def failed(xml: bytes) -> list[tuple[str, str, str]]:
            """(flag, rule id, text) of each failed assertion of the Schematron on `xml`."""
            document = processor.parse_xml(xml_text=xml.decode())
            report = etree.fromstring(executable.transform_to_string(xdm_node=document).encode())
            return [(node.get("flag"), node.get("id"), " ".join(node.findtext("svrl:text", namespaces=SVRL).split()))
                    for node in report.iterfind(".//svrl:failed-assert", SVRL)]

        yield failed


@pytest.fixture
def ccas(world):
    world.association.siret, world.association.address = "12345678900011", "3 rue des Clercs\n26100 Romans-sur-Isère"
    world.association.save()
    return MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE,
                         name="CCAS de Romans")


def issue(world, member, lines):
    buyer = services.buyer_of(member, address="Place Jean Jaurès\n26100 Romans-sur-Isère", siret="21260281900016",
                              service_code="JEUNESSE")
    return services.issue_invoice(association=world.association, member=member, buyer=buyer, lines=lines,
                                  by=world.coordinator, now=NOW, payment_terms="Virement à 30 jours")


def fatal(failures):
    return [failure for failure in failures if failure[0] == "fatal"]


def test_the_schematron_catches_a_broken_invoice(world, ccas, schematron):
    """The check can fail: a total that does not add up breaks BR-CO-15 (grand total = net + VAT)."""
    tree = etree.fromstring(invoice_xml(issue(world, ccas, [Line("Panier", D("2"), D("10"))])))
    tree.find(".//ram:GrandTotalAmount", NS).text = "99.00"
    assert "BR-CO-15" in {rule for _, rule, _ in fatal(schematron(etree.tostring(tree)))}


def test_an_invoice_not_subject_to_vat_and_its_credit_note_pass(world, ccas, schematron):
    invoice = issue(world, ccas, [Line("Paniers de novembre 2026", D("12"), D("14.50")),
                                  Line("Œufs, 6", D("4"), D("2.10"))])
    note = services.issue_credit_note(invoice=invoice, lines=[Line("Œufs, 6", D("4"), D("2.10"))],
                                      by=world.coordinator, now=NOW)
    assert fatal(schematron(invoice_xml(invoice))) == []
    assert fatal(schematron(invoice_xml(note))) == []
    _, embedded = facturx.get_xml_from_pdf(invoice_facturx(invoice), check_xsd=False)
    assert fatal(schematron(embedded)) == []


def test_an_invoice_with_vat_at_two_rates_passes(world, ccas, schematron):
    world.association.vat_subject, world.association.vat_number = True, "FR40123456789"
    world.association.save()
    invoice = issue(world, ccas, [Line("Panier", D("3"), D("10.33"), D("5.5")), Line("Sac", D("1"), D("5"), D("20"))])
    assert fatal(schematron(invoice_xml(invoice))) == []


def test_a_household_invoice_passes(world, schematron):
    world.association.siret = "12345678900011"
    world.association.save()
    invoice = services.issue_invoice(association=world.association, member=world.member,
                                     buyer=services.buyer_of(world.member), lines=[Line("Panier", D("1"), D("7.5"))],
                                     by=world.coordinator, now=NOW)
    assert fatal(schematron(invoice_xml(invoice))) == []
