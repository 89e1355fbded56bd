"""For the villages (issue 14): a van group's public page, each stop's poster, and the route sheet's
lists per stop. The van is grappe/tours/tests/van.py: Luc-en-Diois every Tuesday 9 h 30 – 11 h,
Châtillon-en-Diois every other Tuesday, Lus-la-Croix-Haute every other Thursday with a pause from
15 December to 15 March; its four-week cycle starts on the Monday of the current week."""

import io
import re
from datetime import timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from grappe.catalogue.models import GroupSelection
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.core.tests.test_member_pages import choice_codes, machine_words, typography, visible_text
from grappe.members.models import Member
from grappe.network.models import BuyingGroup, Site
from grappe.network.tests.factories import AssociationFactory
from grappe.orders import services as order_services
from grappe.orders.models import CycleStop, OrderLine, StockItem
from grappe.orders.services import GroupPlan
from grappe.orders.tests.factories import make_member
from grappe.tours import queries
from grappe.tours.models import Tour
from grappe.tours.views import poster_is_busy

from .van import make_van, monday_of

pytestmark = pytest.mark.django_db

LUC, CHATILLON, LUS = "Luc-en-Diois, place de la Mairie", "Châtillon-en-Diois", "Lus-la-Croix-Haute"
NBSP = "\u00a0"


@pytest.fixture
def van(world):
    world.association.phone = "04 75 22 33 44"
    world.association.save(update_fields=["phone"])
    return make_van(world.association, period_start=monday_of(timezone.localdate()))


def page_url(van):
    return reverse("timetable:page", args=[van.group.association.slug, van.group.pk])


def poster_url(van, name):
    return reverse("timetable:poster", args=[van.group.association.slug, van.group.pk, van.sites[name].pk])


def next_weekday(weekday, after=None):
    day = after or timezone.localdate()
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def french_day(day):
    return date_format(day, "l j F")


def cycle_with_stop(world, van, site, day, *, time="", open_=True):
    """A cycle of the van group whose stop `site` is handed out on `day`."""
    now = timezone.now()
    cycle = order_services.create_cycle(
        association=world.association, name="Commande du camion", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=20), by=world.admin,
        groups=[GroupPlan(van.group, day, stops=((site, day),))])
    if time:
        CycleStop.objects.filter(cycle_group__cycle=cycle, site=site).update(time=time)
    if open_:
        cycle = order_services.open_cycle(cycle=cycle, by=world.admin)
    return cycle


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


# --- The public page --------------------------------------------------------------------------------

def test_the_page_opens_without_sign_in_with_each_stop_its_place_and_next_visits(van):
    response = Client().get(page_url(van))
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    for name in (LUC, CHATILLON, LUS):
        assert name in text
    assert "Place de la Mairie, 26310 Luc-en-Diois" in text and "Secrétariat de mairie, 04 75 00 00 01" in text
    tuesday = next_weekday(1)
    assert f"<strong>{french_day(tuesday).capitalize()}</strong>, <span class=\"hours\">9{NBSP}h{NBSP}30{NBSP}– 11{NBSP}h" in html
    assert "Chaque année, pas de passage du 15 décembre au 15 mars." in text
    assert "tel:0475223344" in html and "04 75 22 33 44" in text
    assert "travailleur social" in text and "CCAS" in text and f"1,00{NBSP}€" in text
    assert 'id="stops-map-data"' in html and f'id="arret-{van.sites[LUC].pk}"' in html
    assert poster_url(van, LUC) in html
    assert not machine_words(text, choice_codes()) and not typography(text)


def test_the_page_shows_no_member_nor_anything_personal(world, van):
    jeanne = make_member(world, group=van.group, stop=van.sites[LUC], name="Secretname Josiane",
                         phone="06 98 76 54 32", email="josiane@example.org",
                         preferred_channel=Member.Channel.CALL)
    product = make_product(SupplierFactory(association=world.association), name="Lentilles", order_step=D("1"))
    GroupSelection.objects.create(group=van.group, product=product)
    cycle = cycle_with_stop(world, van, van.sites[LUC], next_weekday(1))
    order_services.set_line(cycle=cycle, member=jeanne, product=product, quantity=D("2"), by=world.admin)
    html = Client().get(page_url(van)).content.decode()
    for secret in ("Secretname", "Josiane", "06 98 76 54 32", "0698765432", "josiane@example.org",
                   f"n° {jeanne.number}", "Lentilles"):
        assert secret not in html, secret


def test_a_cycle_date_for_a_stop_takes_the_place_of_the_planned_one(world, van):
    tuesday = next_weekday(1, timezone.localdate() + timedelta(days=7))
    thursday = tuesday + timedelta(days=2)
    cycle_with_stop(world, van, van.sites[LUC], thursday, time="14h-15h30")
    html = Client().get(page_url(van)).content.decode()
    assert f"<strong>{french_day(thursday).capitalize()}</strong>, <span class=\"hours\">14{NBSP}h{NBSP}– 15{NBSP}h{NBSP}30" in html
    luc = html.split(f'id="arret-{van.sites[LUC].pk}"')[1].split("</li>\n  \n  <li")[0]
    assert french_day(tuesday - timedelta(days=7)).capitalize() in luc  # the week before stays
    assert french_day(tuesday).capitalize() not in luc


def test_a_draft_cycles_date_is_not_told_yet(world, van):
    tuesday = next_weekday(1, timezone.localdate() + timedelta(days=7))
    cycle_with_stop(world, van, van.sites[LUC], tuesday + timedelta(days=2), time="14h", open_=False)
    text = visible_text(Client().get(page_url(van)).content.decode())
    luc = text.split(LUC)[1].split(CHATILLON)[0]
    assert french_day(tuesday).capitalize() in luc and french_day(tuesday + timedelta(days=2)) not in luc


def test_large_print_works_without_javascript(van):
    html = Client().get(page_url(van) + "?grand=1").content.decode()
    assert 'class="timetable large-print"' in html and "Caractères normaux" in html
    assert 'class="timetable"' in Client().get(page_url(van)).content.decode()


def test_langue_in_the_address_chooses_the_language_and_is_then_dropped(van):
    client = Client()
    response = client.get(page_url(van) + "?langue=tr&grand=1")
    assert response.status_code == 302 and response["Location"] == page_url(van) + "?grand=1"
    html = client.get(response["Location"]).content.decode()
    assert 'lang="tr"' in html and "Gelecek uğramalar" in html and "9:30" in html
    html = client.get(page_url(van) + "?langue=ar", follow=True).content.decode()
    assert 'dir="rtl"' in html and "خريطة المحطات" in html
    assert client.get(page_url(van) + "?langue=xx").status_code == 302  # ignored, the cookie stays


def test_unknown_fixed_closed_or_tourless_groups_are_404(world, van):
    client = Client()
    slug = world.association.slug
    assert client.get(reverse("timetable:page", args=["ailleurs", van.group.pk])).status_code == 404
    assert client.get(reverse("timetable:page", args=[slug, 999999])).status_code == 404
    assert client.get(reverse("timetable:page", args=[slug, world.group.pk])).status_code == 404  # fixed
    Tour.objects.create(group=world.group, run=van.run, period_start=van.tour.period_start)
    assert client.get(reverse("timetable:page", args=[slug, world.group.pk])).status_code == 404  # still fixed
    bare = BuyingGroup.objects.create(association=world.association, name="Camion sans tournée", kind="mobile")
    assert client.get(reverse("timetable:page", args=[slug, bare.pk])).status_code == 404
    other = AssociationFactory(slug="autre")
    assert client.get(reverse("timetable:page", args=[other.slug, van.group.pk])).status_code == 404
    BuyingGroup.objects.filter(pk=van.group.pk).update(status=BuyingGroup.Status.CLOSED)
    assert client.get(page_url(van)).status_code == 404
    assert client.get(poster_url(van, LUC)).status_code == 404


def test_only_active_stops_of_the_tour_are_shown_and_printed(world, van):
    old = Site.objects.create(group=van.group, name="Ancien arrêt de Menglon", is_stop=True)
    room = Site.objects.create(group=world.group, name="Salle de Romans")
    assert "Menglon" not in Client().get(page_url(van)).content.decode()
    slug = world.association.slug
    for site in (old, room):
        url = reverse("timetable:poster", args=[slug, van.group.pk, site.pk])
        assert Client().get(url).status_code == 404


# --- The poster ---------------------------------------------------------------------------------------

def test_the_poster_is_one_a4_page_with_the_dates_the_phone_and_the_qr_codes_address(van):
    response = Client().get(poster_url(van, LUC))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages, text = pdf_text(response)
    assert pages == 1
    assert "Le camion VRAC passe à Luc-en-Diois" in text
    assert f"http://testserver{page_url(van)}" in text.replace(" ", "")  # the QR code's address, written out
    tuesday = next_weekday(1)
    assert french_day(tuesday).capitalize() in text and "9 h 30 – 11 h" in text.replace(NBSP, " ")
    assert "04 75 22 33 44" in text and "un bénévole prend votre commande" in text
    assert not machine_words(text, choice_codes())


def test_the_poster_of_a_paused_stop_says_the_pause(van):
    _pages, text = pdf_text(Client().get(poster_url(van, LUS)))
    assert "pas de passage du 15 décembre au 15 mars" in text


# --- The tour page and the route sheet ------------------------------------------------------------------

def test_the_tour_page_links_to_the_public_page_and_each_poster(world, van, client_for):
    html = client_for(world.admin).get(reverse("tours:tour", args=[van.group.pk])).content.decode()
    assert page_url(van) in html
    for name in (LUC, CHATILLON, LUS):
        assert poster_url(van, name) in html


@pytest.fixture
def loaded_tuesday(world, van):
    """Next Tuesday's cycle at Luc: two baskets, a member to call with one, one on paper without, one who
    left; the van keeps some stock."""
    farm = SupplierFactory(association=world.association, name="Ferme")
    lentils = make_product(farm, name="Lentilles vertes", order_step=D("0.5"), is_bulk=True)
    oil = make_product(farm, name="Huile de tournesol", unit="l", order_step=D("1"))
    jars = make_product(farm, name="Confiture", unit="piece", order_step=D("1"))
    for product in (lentils, oil, jars):
        GroupSelection.objects.create(group=van.group, product=product)
    tuesday = next_weekday(1, timezone.localdate() + timedelta(days=1))
    cycle = cycle_with_stop(world, van, van.sites[LUC], tuesday)
    luc = van.sites[LUC]
    anna = make_member(world, group=van.group, stop=luc, name="Arnaud Anna", phone="06 10 00 00 01")
    bruno = make_member(world, group=van.group, stop=luc, name="Blanc Bruno", phone="04 75 10 00 02",
                        preferred_channel=Member.Channel.CALL)
    claire = make_member(world, group=van.group, stop=luc, name="Cros Claire", phone="",
                         preferred_channel=Member.Channel.PAPER)
    make_member(world, group=van.group, stop=luc, name="Parti Paul", phone="06 10 00 00 04",
                preferred_channel=Member.Channel.CALL, status=Member.Status.LEFT)
    for member, product, quantity in ((anna, lentils, "2.5"), (anna, oil, "2"), (bruno, lentils, "1.5"),
                                      (bruno, jars, "3")):
        order_services.set_line(cycle=cycle, member=member, product=product, quantity=D(quantity), by=world.admin)
    StockItem.objects.create(group=van.group, product=jars, quantity=D("12"))
    StockItem.objects.create(group=van.group, product=oil, quantity=D("0"))
    return {"day": tuesday, "anna": anna, "bruno": bruno, "claire": claire, "cycle": cycle}


def test_the_route_sheet_lists_baskets_loads_stock_and_calls_per_stop(world, van, loaded_tuesday, client_for):
    day, anna, bruno = loaded_tuesday["day"], loaded_tuesday["anna"], loaded_tuesday["bruno"]
    response = client_for(world.admin).get(reverse("tours:route_sheet", args=[van.group.pk, day.isoformat()]))
    assert response.status_code == 200
    _pages, text = pdf_text(response)
    text = text.replace(NBSP, " ")
    assert "2 paniers à remettre" in text
    assert f"n° {anna.number} · Arnaud Anna" in text and f"n° {bruno.number} · Blanc Bruno" in text
    assert "Lentilles vertes : 4 kg" in text  # 2.5 + 1.5, ordered (the cycle is not closed)
    assert "Huile de tournesol : 2 L" in text and "Confiture : 3 pièces" in text
    assert "04 75 10 00 02" in text and "a un panier" in text
    assert "Cros Claire · pas de numéro de téléphone" in text
    assert "Parti Paul" not in text and "06 10 00 00 01" not in text  # left; Anna prefers SMS
    assert "Stock du camion à vendre" in text and "Confiture : 12 pièces" in text
    assert "Huile de tournesol : 0" not in text


def test_loads_are_summed_per_unit_never_kilograms_with_litres(world, van, loaded_tuesday):
    day = loaded_tuesday["day"]
    # the same name sold in litres by another product line: two loads, never one sum
    OrderLine.objects.filter(order__member=loaded_tuesday["bruno"], name="Lentilles vertes").update(unit="l")
    OrderLine.objects.filter(order__member=loaded_tuesday["anna"], name="Lentilles vertes").update(allotted=D("2"))
    _run_day, sheet = queries.route_sheet(van.tour, day)
    queries.fill_route_sheet(van.group, day, sheet)
    luc = next(item for item in sheet if item.site == van.sites[LUC])
    loads = {(load.name, load.unit): load.quantity for load in luc.loads}
    assert loads[("Lentilles vertes", "kg")] == D("2")  # allotted wins over ordered
    assert loads[("Lentilles vertes", "l")] == D("1.5")
    assert [call.member.name for call in luc.calls] == ["Blanc Bruno", "Cros Claire"]
    assert [call.has_basket for call in luc.calls] == [True, False]
    others = [item for item in sheet if item.site != van.sites[LUC]]
    assert all(not item.basket_members and not item.loads for item in others)


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_stops(world, van):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grappe.tours.models import RunDay, RunStop, RunVisit

    def count():
        with CaptureQueriesContext(connection) as queries_run:
            assert Client().get(page_url(van)).status_code == 200
        return len(queries_run)

    before = count()
    luc = van.sites[LUC]
    day = RunDay.objects.filter(run=van.run).first()
    for n in range(3):
        site = Site.objects.create(group=van.group, name=f"Hameau {n}", is_stop=True, commune=luc.commune,
                                   latitude=luc.latitude, longitude=luc.longitude, position=10 + n)
        stop = RunStop.objects.create(run=van.run, name=site.name, commune=luc.commune, latitude=luc.latitude,
                                      longitude=luc.longitude, frequency="weekly", service_minutes=30, site=site)
        RunVisit.objects.create(day=day, stop=stop, position=10 + n, arrival=16 * 60, departure=16 * 60 + 30)
    html = Client().get(page_url(van)).content.decode()
    assert "Hameau 2" in html
    assert count() == before


def test_a_busy_stop_with_long_names_still_prints_on_one_page(world, van):
    from datetime import date

    from grappe.tours.models import RunDay, RunStop, RunVisit

    luc = van.sites[LUC]
    stop = RunStop.objects.get(run=van.run, site=luc)
    RunStop.objects.filter(pk=stop.pk).update(pause_start=date(2026, 7, 14), pause_end=date(2026, 8, 31))
    for week in range(4):  # Thursdays too: sixteen visits in eight weeks
        day, _created = RunDay.objects.get_or_create(run=van.run, week=week, weekday=3,
                                                     defaults={"km": D("80"), "minutes": 480})
        RunVisit.objects.create(day=day, stop=stop, position=9, arrival=16 * 60 + 15, departure=17 * 60 + 45)
    Site.objects.filter(pk=luc.pk).update(
        name="Saint-Julien-en-Quint, place de l’Église du Vieux Village",
        address="Place de l’Église, hameau des Granges, 26150 Saint-Julien-en-Quint",
        contact="Épicerie-café Le Relais du Vercors, ouverte le matin, 04 75 00 00 09")
    host = world.partner
    host.phone = "04 75 99 88 77"
    host.save(update_fields=["phone"])
    BuyingGroup.objects.filter(pk=van.group.pk).update(host=host)
    response = Client().get(poster_url(van, LUC))
    pages, text = pdf_text(response)
    assert pages == 1
    assert "Et d’autres passages" in text and "pas de passage du 14 juillet au 31 août" in text


def test_the_fullest_normal_poster_still_prints_on_one_page(world, van):
    """Eight visits, a pause, and just under the words that make the poster compact."""
    from datetime import date

    from grappe.tours.models import RunStop

    luc = van.sites[LUC]
    RunStop.objects.filter(run=van.run, site=luc).update(pause_start=date(2026, 7, 14), pause_end=date(2026, 8, 31))
    Site.objects.filter(pk=luc.pk).update(name="Saint-Julien-en-Quint, place de l’Église",
                                          address="Place de l’Église, 26150 Saint-Julien",
                                          contact="Le Relais, 04 75 00 00 09")
    assert not poster_is_busy(SimpleNamespace(site=Site.objects.get(pk=luc.pk), visits=[None] * 8))
    response = Client().get(poster_url(van, LUC))
    pages, text = pdf_text(response)
    assert pages == 1 and "Et d’autres passages" not in text and "du 14 juillet au 31 août" in text
