"""The van's tour day with no network, in a real browser (issue 14's proof).

The network is cut by stopping the server: a context set offline does not cut a service worker's
fetches, and Background Sync never fires in headless Chromium, so the app sends with its "Envoyer
maintenant" button. pytest-django's live_server cannot be stopped and started again on its port, so
this module runs its own server (Django's LiveServerThread on a fixed port, its keep-alive connections
closed when it stops). One persistent user-data directory is kept across the browser's restart.
"""

import contextlib
import json
import re
import socket
from decimal import Decimal as D

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import CHROMIUM_FLAGS, assert_accessible, browser_login, chromium_path, screenshot
from grappe.accounts import services as account_services
from grappe.accounts.models import CheckoutFee, Entry
from grappe.accounts.tests.factories import issuer
from grappe.core.money import line_total
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, BasketLine
from grappe.field import services as field_services
from grappe.field.models import FieldDevice, FieldEntry
from grappe.field.tests.factories import make_tour_day
from grappe.members.models import Membership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class ClosingServer(ThreadedWSGIServer):
    """A threaded WSGI server that closes the connections it still holds open when it stops: a browser's
    keep-alive connection must not reach a stopped server. Its request threads are joined when it stops,
    before the test's database connection stops being shared with them."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_requests = set()

    def process_request(self, request, client_address):
        self.open_requests.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.open_requests.discard(request)
        super().shutdown_request(request)

    def server_close(self):
        for request in list(self.open_requests):
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)
        super().server_close()  # closes the listening socket, joins the request threads


class ServerThread(LiveServerThread):
    server_class = ClosingServer

    def _create_server(self, connections_override=None):
        # the port is taken again at once after a stop: allow_reuse_address
        return self.server_class((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=True,
                                 connections_override=connections_override)


class StoppableServer:
    """The test's server on one port, stopped and started again at will, on the test database."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("localhost", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://localhost:{self.port}"
        self.thread = None

    def start(self):
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for connection in shared.values():
            connection.inc_thread_sharing()
        self.thread = ServerThread("localhost", StaticFilesHandler, connections_override=shared, port=self.port)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error

    def stop(self):
        if self.thread is None:
            return
        self.thread.terminate()
        for connection in self.thread.connections_override.values():
            connection.dec_thread_sharing()
        self.thread = None


@pytest.fixture
def server(settings, transactional_db):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    server = StoppableServer()
    server.start()
    yield server
    server.stop()


def open_phone(browser, profile):
    """A Chromium on a 360 px phone that keeps its data (IndexedDB, service worker) in `profile`."""
    return browser.browser_type.launch_persistent_context(
        str(profile), executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True,
        viewport={"width": 360, "height": 740}, locale="fr-FR", service_workers="allow")


def look(page, name):
    """axe-core on the screen, no horizontal scroll at 360 px, a screenshot when asked for."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"field-{name}")


def pending(page):
    return page.inner_text("#field-pending")


def open_basket(page, stop_position, typed, name):
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("a.field-stop")
    page.locator("a.field-stop").nth(stop_position - 1).click()
    page.fill("#field-search", typed)
    page.locator("a.field-basket-link", has_text=name).click()
    page.wait_for_selector(f"h1:has-text('{name}')")


def line_of(basket, product):
    return BasketLine.objects.get(basket=basket, product=product, from_stock=False)


def total_of(basket, extra=()):
    """What a basket costs, from its lines (served or allotted) and the lines `extra` (unit price, qty)."""
    amounts = [line_total(line.unit_price, line.quantity) for line in basket.lines.all()]
    return sum(amounts + [line_total(price, quantity) for price, quantity in extra], D("0"))


def french(amount):
    return f"{amount:.2f}".replace(".", ",")


def test_a_volunteer_serves_three_stops_with_no_network_and_everything_arrives_once(
        browser, server, world, tmp_path):
    tour = make_tour_day(world)
    issuer(world.association, "Secours populaire")  # the vouchers taken at the stops: issuers of the list
    issuer(world.association, "CCAS de Die")
    b = tour.baskets  # two per stop, in stop order: Étienne, Hélène | Noël, Zoé | Anaïs, Gérald
    # Gérald joined lately: his first fee is taken at this, his first distribution
    world.association.first_fee_at_first_distribution = True
    world.association.save(update_fields=["first_fee_at_first_distribution"])
    Membership.objects.filter(member=b[5].member).delete()
    profile = tmp_path / "profile"
    phone = open_phone(browser, profile)
    page = phone.pages[0] if phone.pages else phone.new_page()

    # at the depot, with the network: prepare the day for the road
    browser_login(page, server, "volunteer")
    page.goto(server.url + "/terrain/")
    page.fill("input[name=label]", "Tablette du camion")
    page.click("button:has-text('Préparer pour la route')")
    page.wait_for_selector("a.field-stop")
    assert "#" not in page.url  # the token left the address at once
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.locator("a.field-stop").count() == 3
    assert "Luc-en-Diois" in page.inner_text("a.field-stop >> nth=0")
    look(page, "home")
    device = FieldDevice.objects.get()
    assert device.label == "Tablette du camion" and device.prepared_by == world.volunteer

    # the network goes: the app opens from the service worker's cache
    server.stop()
    page.reload()
    page.wait_for_selector("a.field-stop")

    # stop 1: Étienne (searched without accents): a weight out of tolerance is refused, nothing else erased
    open_basket(page, 1, "etienne", "Étienne Müller")
    lentils, oil = line_of(b[0], tour.lentils), line_of(b[0], tour.oil)
    page.fill(f"#field-line-{oil.pk}", "1")
    page.fill(f"#field-line-{lentils.pk}", "1,7")
    page.click("#field-collect")
    assert "trop loin des 2\u00a0kg attribués" in page.inner_text(f"#field-line-{lentils.pk}-error")
    assert page.input_value(f"#field-line-{oil.pk}") == "1"
    assert page.input_value(f"#field-line-{lentils.pk}") == "1,7"
    look(page, "basket-refused-weight")
    assert "Aucune saisie" in pending(page)
    page.fill(f"#field-line-{lentils.pk}", "1,95")
    page.click("#field-collect")
    page.wait_for_selector("#field-pay")
    lentils.served = D("1.950")
    etienne_total = total_of(b[0]) - line_total(lentils.unit_price, lentils.allotted) \
        + line_total(lentils.unit_price, D("1.95"))
    assert french(etienne_total) in page.inner_text("#field-due")
    assert page.input_value("#field-pay-amount") == french(etienne_total)
    look(page, "basket-payment")
    page.click("#field-pay-button")  # cash, the whole amount
    page.wait_for_selector("text=Rien à payer.")
    assert "2 saisies pas encore envoyées" in pending(page)

    # stop 1: Hélène (found by her number): apples from the van's stock, her weight, a cheque and a voucher
    open_basket(page, 1, str(b[1].member.number), "Hélène Faure")
    page.check(f"#field-stock-{tour.apples.pk}")
    page.fill("#field-stock-quantity", "9")  # more than the van holds
    page.click("#field-stock button")
    assert "il ne reste que 5\u00a0kg" in page.inner_text("#field-stock-error")
    page.fill("#field-stock-quantity", "1,5")
    page.click("#field-stock button")
    page.wait_for_selector("text=Pommes ajouté au panier")
    page.fill(f"#field-line-{line_of(b[1], tour.lentils).pk}", "2,4")
    page.click("#field-collect")
    page.wait_for_selector("#field-pay")
    page.check("#pay-means-cheque")
    page.fill("#field-pay-amount", "10")
    page.click("#field-pay-button")
    assert "tapez le numéro du chèque" in page.inner_text("#field-pay-error")
    page.fill("#field-pay-reference", "0012345")
    page.click("#field-pay-button")
    page.wait_for_selector("text=Paiement de 10,00\u00a0€ gardé")
    page.check("#pay-means-voucher")
    page.fill("#field-pay-reference", "SP-77")
    page.fill("#field-pay-issuer", "Secours populaire")
    page.click("#field-pay-button")
    page.wait_for_selector("text=Rien à payer.")
    page.click("text=Adhérent suivant")
    cash_box = page.inner_text("#field-cash")
    assert "Espèces" in cash_box and "Chèque" in cash_box and "Bon alimentaire" in cash_box
    assert "10,00\u00a0€" in cash_box
    look(page, "stop")

    # stop 2: Noël did not come; Zoé's weights saved first, then collected, paid by a voucher
    open_basket(page, 2, "noel", "Noël Garcin")
    page.click("#field-absent button")
    page.wait_for_selector("text=Pas venu\u00a0: rien de servi")
    open_basket(page, 2, "zoe", "Zoé Arnaud")
    page.fill(f"#field-line-{line_of(b[3], tour.lentils).pk}", "3,6")
    page.click("#field-save")
    page.wait_for_selector("text=Pesées gardées sur l’appareil.")
    page.click("#field-collect")
    page.wait_for_selector("#field-pay")
    page.check("#pay-means-voucher")
    page.fill("#field-pay-reference", "CCAS-5")
    assert page.locator("#field-pay-issuers option[value='CCAS de Die']").count() == 1  # the list, as suggestions
    page.fill("#field-pay-issuer", "CCAS de Die")
    page.click("#field-pay-button")
    page.wait_for_selector("text=Rien à payer.")

    # stop 3: Anaïs pays cash (her basket will be reopened on the server meanwhile); Gérald pays part in
    # cash and leaves the rest on his account, within the limit
    open_basket(page, 3, "anais", "Anaïs Peyrot")
    page.click("#field-collect")
    page.wait_for_selector("#field-pay")
    page.click("#field-pay-button")
    page.wait_for_selector("text=Rien à payer.")
    open_basket(page, 3, "gerald", "Gérald Roux")
    page.click("#field-collect")
    page.wait_for_selector("#field-pay")
    fee = french(world.association.minimum_fee)
    assert f"Cotisation\u00a0: {fee}\u00a0€" in page.inner_text("#field-fee")
    page.click("#field-fee button")  # in cash
    page.wait_for_selector("text=Cotisation gardée sur l’appareil.")
    page.click("#field-on-account button")  # all of it on his account: beyond the limit of 20 €
    assert "au-delà de la limite de 20,00\u00a0€" in page.inner_text("#field-account-error")
    page.fill("#field-pay-amount", "999")
    page.click("#field-pay-button")
    assert "est plus que les" in page.inner_text("#field-pay-error")
    gerald_cash = total_of(b[5]) - D("10")
    page.fill("#field-pay-amount", french(gerald_cash))
    page.click("#field-pay-button")
    page.wait_for_selector("text=Reste à payer\u00a0: 10,00\u00a0€")
    page.click("#field-on-account button")
    page.wait_for_selector("text=Le reste est laissé sur le compte.")
    look(page, "basket-on-account")
    page.click("text=Adhérent suivant")
    stop_cash = page.inner_text("#field-cash")  # Anaïs's and Gérald's cash, Gérald's fee among it
    anais_total = total_of(b[4])
    assert f"Espèces\t{french(anais_total + gerald_cash + world.association.minimum_fee)}\u00a0€" in stop_cash
    assert f"dont cotisations\t{fee}\u00a0€" in stop_cash
    assert "16 saisies pas encore envoyées" in pending(page)

    # the browser is closed and opened again, still with no network: nothing is lost
    phone.close()
    phone = open_phone(browser, profile)
    page = phone.pages[0] if phone.pages else phone.new_page()
    page.goto(server.url + "/terrain/jour/")
    page.wait_for_selector("a.field-stop")
    assert "16 saisies pas encore envoyées" in pending(page)
    van = page.inner_text("main table")  # Zoé's 0,1 kg of lentils above her share came from the van
    assert "Lentilles vertes\t2,9\u00a0kg" in van and "Pommes\t3,5\u00a0kg" in van
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT).count() == 0

    # meanwhile at the office, Anaïs's basket was handed out and reopened on the server
    account_services.collect_basket(basket=b[4], by=world.coordinator)
    account_services.reopen_basket(basket=b[4], by=world.coordinator)

    # the network returns: everything is sent, in order, once
    server.start()
    page.click("#field-send")
    page.wait_for_selector("#field-refused")
    assert "Tout est envoyé" in pending(page)
    assert FieldEntry.objects.count() == 16
    refused = FieldEntry.objects.filter(status=FieldEntry.Status.REFUSED)
    assert {e.basket_id for e in refused} == {b[4].pk} and refused.count() == 2, \
        [(e.basket_id, e.kind, e.payload, e.reason) for e in refused]
    refused_text = page.inner_text("#field-refused")
    assert "Anaïs Peyrot" in refused_text and "la coordination le traitera" in refused_text
    look(page, "home-refused")
    open_basket(page, 3, "anais", "Anaïs Peyrot")  # waiting again, as the server has it, saying why
    assert page.inner_text("#field-basket-status") == "En attente"
    assert "Refusé par le serveur" in page.inner_text("main .messages")
    look(page, "basket-refused")
    page.evaluate("location.hash = '#/'")

    def books():
        return (sorted(Entry.objects.values_list("member_id", "kind", "amount", "means", "reference", "issuer")),
                sorted(BasketLine.objects.values_list("basket_id", "product_id", "served", "from_stock")),
                sorted(Basket.objects.values_list("pk", "status")), FieldEntry.objects.count(),
                distribution_services.stock_available(tour.distributions[0], tour.apples.pk))

    payments = Entry.objects.filter(kind=Entry.Kind.PAYMENT)
    assert sorted(payments.values_list("means", flat=True)) == ["cash", "cash", "cheque", "voucher", "voucher"]
    assert payments.get(means="cheque").reference == "0012345"
    assert payments.get(member=b[3].member).issuer == "CCAS de Die"
    for basket in b[:2] + [b[3], b[5]]:
        basket.refresh_from_db()
        charge = Entry.objects.get(basket=basket, kind=Entry.Kind.CHARGE)
        assert charge.amount == -total_of(basket)
        paid = sum(payments.filter(member=basket.member).values_list("amount", flat=True))
        assert paid == total_of(basket) - (D("10") if basket == b[5] else D("0"))
    assert CheckoutFee.objects.get(basket=b[5]).means == "cash"
    assert Membership.objects.get(member=b[5].member).paid_on == tour.day
    assert line_of(b[0], tour.lentils).served == D("1.950")
    assert line_of(b[1], tour.lentils).served == D("2.400")
    assert line_of(b[3], tour.lentils).served == D("3.600")
    assert BasketLine.objects.get(basket=b[1], from_stock=True).served == D("1.500")
    assert distribution_services.stock_available(tour.distributions[0], tour.apples.pk) == D("3.5")
    assert distribution_services.stock_available(tour.distributions[0], tour.lentils.pk) == D("2.9")
    assert "Lentilles vertes\t2,9\u00a0kg" in page.inner_text("main table")  # the device agrees
    assert dict(Basket.objects.values_list("pk", "status")) == {
        b[0].pk: "collected", b[1].pk: "collected", b[2].pk: "not_collected", b[3].pk: "collected",
        b[4].pk: "waiting", b[5].pk: "collected"}
    before = books()

    # the same entries sent again change nothing
    replay = page.evaluate("""async (url) => {
        const token = await GrappeField.store.getMeta("token");
        const entries = (await GrappeField.store.outbox()).map((r) => r.entry);
        const response = await fetch(url, {method: "POST", body: JSON.stringify({entries}),
            headers: {Authorization: "Device " + token, "Content-Type": "application/json"}});
        return await response.json();
    }""", server.url + "/terrain/api/envoi/")
    assert [r["status"] for r in replay["results"]] == ["duplicate"] * 16, json.dumps(replay)[:500]
    assert books() == before

    # the service worker's cache holds the shell and its files, never an answer of the API
    cached = page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
        }
        return paths;
    }""")
    assert "/terrain/jour/" in cached and "/static/field/app.js" in cached
    assert all(path == "/terrain/jour/" or path.startswith("/static/") for path in cached), cached

    # the coordinator finds Anaïs's entries on the refused list
    office = phone.new_page()
    browser_login(office, server, "coordinator")
    office.goto(server.url + "/terrain/refus/")
    assert "Anaïs Peyrot" in office.inner_text("main")
    office.close()

    # the day is over: the device forgets it
    page.click("#field-end")
    page.click("#field-end-yes")  # after a second thought
    page.wait_for_selector("text=Journée terminée")
    assert page.evaluate("GrappeField.store.outbox().then((all) => all.length)") == 0
    assert page.evaluate("GrappeField.store.getMeta('token')") is None
    assert FieldDevice.objects.get().status == FieldDevice.Status.FINISHED
    look(page, "finished")
    phone.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    yield context.new_page()
    context.close()


def open_day(page, server, world, tour):
    device, key = field_services.prepare_device(group=tour.group, day=tour.day, label="Téléphone de Julie",
                                                by=world.volunteer)
    page.goto(f"{server.url}/terrain/jour/#{key}")
    page.wait_for_selector("a.field-stop")
    return device


def test_a_revoked_device_erases_the_day_at_its_next_contact(phone, server, world):
    tour = make_tour_day(world)
    page = phone
    device = open_day(page, server, world, tour)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    server.stop()  # else Background Sync sends the entry at once (Chromium fires it when online)
    open_basket(page, 2, "noel", "Noël Garcin")
    page.click("#field-absent button")
    page.wait_for_selector("text=Pas venu\u00a0: rien de servi")
    assert "1 saisie pas encore envoyée" in pending(page)
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("text=Envoyez d’abord les saisies en attente")
    assert page.locator("#field-end").count() == 0  # the day ends only once everything is sent
    field_services.revoke_device(device=device, by=world.coordinator)
    server.start()
    page.click("#field-send")
    page.wait_for_selector("text=retiré par la coordination")
    assert page.evaluate("GrappeField.store.outbox().then((all) => all.length)") == 0
    assert page.evaluate("GrappeField.store.getMeta('bundle')") is None
    assert FieldEntry.objects.count() == 0 and Basket.objects.get(pk=tour.baskets[2].pk).status == "waiting"
    look(page, "revoked")


def test_two_windows_sending_at_once_post_the_entries_once(phone, server, world):
    tour = make_tour_day(world)
    first = phone
    open_day(first, server, world, tour)
    first.wait_for_function("() => navigator.serviceWorker.controller !== null")
    server.stop()
    for typed, name in (("noel", "Noël Garcin"), ("zoe", "Zoé Arnaud")):
        open_basket(first, 2, typed, name)
        first.click("#field-absent button")
        first.wait_for_selector("text=Pas venu\u00a0: rien de servi")
    second = first.context.new_page()
    second.goto(server.url + "/terrain/jour/")
    second.wait_for_selector("a.field-stop")
    assert "2 saisies pas encore envoyées" in pending(second)
    posts = []
    first.context.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/api/envoi/" in r.url else None)
    server.start()
    for page in (first, second, first):  # the button twice in one window, once in the other, at once
        page.evaluate("() => { (window.sending = window.sending || []).push(GrappeField.sync.send()); }")
    for page in (first, second):
        page.evaluate("() => Promise.all(window.sending)")
    assert len(posts) == 1
    assert FieldEntry.objects.filter(status=FieldEntry.Status.APPLIED).count() == 2
    second.wait_for_selector("text=Tout est envoyé")  # the other window heard of it


def test_after_36_hours_the_device_takes_no_entry_and_only_sends(phone, server, world):
    tour = make_tour_day(world)
    page = phone
    open_day(page, server, world, tour)
    page.evaluate("""async () => {
        const bundle = await GrappeField.store.getMeta("bundle");
        bundle.send_only_after = "2000-01-01T00:00:00+01:00";
        await GrappeField.store.setMeta("bundle", bundle);
    }""")
    page.reload()
    page.wait_for_selector("text=il peut seulement envoyer")
    open_basket(page, 1, "helene", "Hélène Faure")
    assert "Lecture seule" in page.inner_text("main")
    assert page.locator("#field-collect, #field-pay, #field-absent").count() == 0
    assert page.locator("#field-send").is_visible()


def test_without_javascript_the_shell_says_so_and_links_to_the_ordinary_pages(browser, server, world):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    browser_login(page, server, "volunteer")
    response = page.goto(server.url + "/terrain/jour/")
    html = response.text()
    assert "La journée hors ligne a besoin de JavaScript" in page.inner_text("h1")
    assert page.locator("a[href='/distribution/']").count() == 1
    assert page.locator("a[href='/terrain/']").count() == 1
    # the shell is cached on the device for anyone: nothing of the signed-in volunteer in it
    assert "csrfmiddlewaretoken" not in html and "volunteer" not in html.lower()
    context.close()


def test_the_apps_french_words_have_a_no_break_space_before_the_high_signs():
    from pathlib import Path

    from grappe.core.tests.test_typography import typography_faults

    source = (Path(__file__).resolve().parents[1] / "static" / "field" / "app.js").read_text()
    words = source[source.index("const T = {"):source.index("function t(")]
    texts = [json.loads(f'"{literal}"') for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', words)]
    assert len(texts) > 100
    assert [(text, typography_faults(text)) for text in texts if typography_faults(text)] == []


# --- The device's arithmetic against the server's own rules --------------------------------------

QUANTITIES = st.decimals(min_value=D("0"), max_value=D("999.999"), places=3)
OFFSETS = st.decimals(min_value=D("-1"), max_value=D("1"), places=3)


@st.composite
def cases(draw):
    """A line (unit price, allotted, tolerance, weighed or not) and a served quantity, often near the allotted one."""
    allotted = draw(QUANTITIES)
    served = draw(st.one_of(QUANTITIES, OFFSETS.map(lambda offset: max(D("0"), allotted + offset))))
    return (draw(st.decimals(min_value=D("0"), max_value=D("99.999999"), places=6)), allotted, served,
            draw(st.decimals(min_value=D("0"), max_value=D("100"), places=2)), draw(st.booleans()))


EDGES = [(D("3.200000"), D("2.000"), D("2.200"), D("10.00"), True), (D("3.200000"), D("2.000"), D("2.201"), D("10.00"), True),
         (D("3.200000"), D("2.000"), D("1.800"), D("10.00"), True), (D("3.200000"), D("2.000"), D("1.799"), D("10.00"), True),
         (D("0.333333"), D("1.500"), D("1.500"), D("0"), True), (D("9.500000"), D("1.000"), D("2.000"), D("10"), False),
         (D("0.005000"), D("1.000"), D("1.000"), D("0"), False), (D("0.004999"), D("1.000"), D("1.000"), D("0"), False)]


@pytest.fixture
def shell(phone, server):
    phone.goto(server.url + "/terrain/jour/")  # no day on this device: its scripts are what is wanted
    phone.wait_for_selector("text=Aucune tournée")
    return phone


def test_the_device_computes_amounts_and_tolerance_as_the_server_does(shell):
    @hypothesis_settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(cases(), min_size=1, max_size=40))
    def check(drawn):
        lines = drawn + EDGES
        answers = shell.evaluate("""(cases) => cases.map(([price, allotted, served, tolerance, weighed]) => {
            const line = {name: "x", allotted, weighed, from_stock: false, unit_label: "kg"};
            const checked = GrappeField.day.checkServed(line, served.replace(".", ","), tolerance);
            return [GrappeField.decimal.toPlain(GrappeField.decimal.lineCents(price, served), 2), !checked.error];
        })""", [[str(value) for value in line[:4]] + [line[4]] for line in lines])
        for (price, allotted, served, tolerance, weighed), (amount, accepted) in zip(lines, answers, strict=True):
            line = BasketLine(name="x", unit="kg", allotted=allotted, is_bulk=weighed, from_stock=False)
            try:
                distribution_services.check_served(line, served, tolerance)
                server_accepts = True
            except distribution_services.OutOfTolerance:
                server_accepts = False
            assert (D(amount), accepted) == (line_total(price, served), server_accepts), (price, allotted, served)

    check()


def test_the_demo_haut_diois_tour_day_opens_on_a_phone(phone, server):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from grappe.network.models import BuyingGroup

    call_command("load_demo", stdout=StringIO())
    group = BuyingGroup.objects.get(name="VRAC mobile Haut Diois")
    day = Basket.objects.filter(distribution__group=group).values_list("distribution__date", flat=True).first()
    _device, key = field_services.prepare_device(group=group, day=day, label="Tablette du camion",
                                                 by=get_user_model().objects.get(username="benevole"))
    page = phone
    page.goto(f"{server.url}/terrain/jour/#{key}")
    page.wait_for_selector("a.field-stop")
    assert page.locator("a.field-stop").count() >= 3
    look(page, "demo-home")
    page.locator("a.field-stop").first.click()
    page.wait_for_selector("a.field-basket-link")
    look(page, "demo-stop")
    page.locator("a.field-basket-link").first.click()
    page.wait_for_selector("#field-weigh")
    look(page, "demo-basket")
