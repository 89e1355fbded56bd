"""A household's whole journey on a 360 x 740 phone, axe-core on every page (issue 13, "Proof").

A social worker (the referrer persona) refers a household and opens its slip; the household opens the
join form of the slip, joins, signs in, opens her home and the basket of the open cycle, adds products
with "+" and saves. The cycle is then closed and confirmed and its distribution prepared through the
services (`now=` passed); a volunteer serves her through the browser (the day's page, the weighing, the
basket handed out, the checkout paid in cash). The household opens her receipt and "Mon compte".

Run once per language the household may read (LANGUAGES): the pages must say `lang` (and `dir="rtl"`
for a right-to-left language). Screenshots of every step go to GRAPPE_SCREENSHOTS when it is set
(conftest `screenshot`), named journey-LANG-NN-who-step.png.

What is switched on once the rest of issue 13 lands (each a constant or a param below; each was tried
on its branch alone, 3 December 2026):
- MEMBER_RECEIPT = True: the household may open her own receipt (staff only on main: a 404, which this
  test asserts, so it fails with that advice the day the receipt opens to her);
- SLIP_HAS_JOIN_URL = True: the referral page links the URL of the slip's QR code (the join form with
  the code and the language filled in), and the household opens it instead of typing the code;
- the "ar" param without its skip mark: Arabic, right to left; add a "tr" param beside it;
- KNOWN_AXE: remove the "my-account" entry once the statement's scrolling table is reachable by keyboard.
"""

from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, screenshot
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, BasketLine, Distribution
from grappe.members.models import Member, Referral
from grappe.orders import services as order_services
from grappe.orders.models import OrderLine
from grappe.orders.tests.factories import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
RIGHT_TO_LEFT = {"ar"}
MEMBER_RECEIPT = True  # True once the household may open her own receipt (money-story branch)
SLIP_HAS_JOIN_URL = True  # True once the slip carries a QR code of the join URL (first-visit branch)
HOUSEHOLD_PASSWORD = "lentilles-vertes-26"

# axe-core rules a step still breaks on main, with why; each is left out of that step's check only.
# Remove an entry once its page is fixed.
KNOWN_AXE: dict[str, dict[str, str]] = {}

LANGUAGES = [
    pytest.param("fr", id="fr"),
    pytest.param("ar", id="ar"),
    pytest.param("tr", id="tr"),
]


class Steps(list):
    """The steps of one journey, named after the household's language."""

    def __init__(self, name):
        super().__init__()
        self.name = name


class Journey:
    """One person's phone, and the checks every page of the journey passes."""

    def __init__(self, browser, server, language, who, steps):
        """`language`: the one this person reads; `steps`: the steps of the whole journey, shared by its
        people (it numbers the screenshots in the order they were taken, under the journey's name)."""
        self.context = browser.new_context(viewport=PHONE, locale=language)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.server, self.language, self.who, self.steps = server, language, who, steps

    def go(self, path):
        """Open a path of the site (or a whole URL, such as the one of a QR code)."""
        response = self.page.goto(path if path.startswith("http") else self.server.url + path)
        return response.status if response is not None else None

    def sign_in(self, username, password=PASSWORD):
        self.go("/connexion/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/connexion/" not in url)

    def check(self, step, *, language=None):
        """axe-core, the language and direction of the page, nothing wider than the phone; a screenshot."""
        page = self.page
        accessible(page, set(KNOWN_AXE.get(step, ())))
        language = language or self.language
        assert (page.get_attribute("html", "lang") or "").startswith(language), f"{step}: lang"
        direction = page.evaluate("getComputedStyle(document.documentElement).direction")
        assert direction == ("rtl" if language in RIGHT_TO_LEFT else "ltr"), f"{step}: direction {direction}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{step}: the page is {width} px wide on a {PHONE['width']} px phone"
        self.steps.append(step)
        screenshot(page, f"journey-{self.steps.name}-{len(self.steps):02d}-{self.who}-{step}")

    def close(self):
        self.context.close()


def accessible(page, allowed=frozenset()):
    """axe-core on the page: no serious or critical violation, but those `allowed` (KNOWN_AXE)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    bad = [v for v in violations if v.get("impact") in ("serious", "critical") and v["id"] not in allowed]
    assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                              for v in bad)


def join_url(referrer_page) -> str:
    """The URL the household opens from her slip: on main, the join form, where she types the code of
    the slip; with SLIP_HAS_JOIN_URL, the QR code's URL (the join form with the code filled in), which
    the referral page links to."""
    if SLIP_HAS_JOIN_URL:
        return referrer_page.get_attribute("a[href*='/adherents/inscription/']", "href")
    return "/adherents/inscription/"


def quantity_of(page, product):
    text = page.input_value(f"#q-{product.pk}").strip().replace(",", ".")
    return D(text or "0")


def tap_plus(page, product, times):
    """Tap "+" `times` times, each time waiting for the box to show one step more (page reload or htmx).
    A product in a folded family (the compact basket) is found by opening its family, as a person would;
    the button is scrolled to the middle of the screen first, as a thumb would: at the bottom edge the
    basket's sticky total covers it."""
    for _ in range(times):
        plus = page.locator(f"button[name=plus][value='{product.pk}']")
        if not plus.is_visible():
            page.locator("details").filter(has=plus).locator("summary").first.click()
            expect(plus).to_be_visible()
        expected = float(quantity_of(page, product) + product.order_step)
        plus.evaluate("button => button.scrollIntoView({block: 'center'})")
        plus.click()
        # done when the box shows one step more and no request is under way (a page reload or an htmx swap)
        page.wait_for_function(
            """([id, expected]) => {
                const box = document.getElementById(id);
                const value = box ? parseFloat((box.value || "0").replace(",", ".")) : NaN;
                return Math.abs(value - expected) < 1e-9 && !document.querySelector(".htmx-request");
            }""", arg=[f"q-{product.pk}", expected])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_household_from_the_referral_slip_to_her_receipt(world, e2e, language):
    shop = make_cycle(world)  # open for world.group: lentils (25 kg packs), oil (cartons of 6), oranges
    # Jeanne (world.member) orders enough lentils that the pack the newcomer joins is complete
    order_services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("24"),
                            by=world.member_user)

    steps = Steps(language)
    # 1. The social worker refers the household and opens its slip.
    social = Journey(e2e.browser, e2e.server, "fr", "referrer", steps)  # staff pages stay French
    social.sign_in("referrer")
    social.go("/adherents/orientations/nouvelle/")
    social.check("referral-form")
    social.page.fill("#id_household_name", "Benali Amina")
    social.page.fill("#id_phone", "06 12 34 56 78")
    social.page.fill("#id_persons", "3")
    social.page.select_option("#id_group", label=world.group.name)
    if social.page.locator("#id_language").count():  # the language the slip's QR code opens the join page in
        social.page.select_option("#id_language", language)
    social.page.click("main button[type=submit]")
    code = social.page.locator(".code").first.inner_text().strip()
    assert Referral.objects.filter(code=code, member__isnull=True).exists()
    social.check("referral")
    slip = social.page.request.get(e2e.server.url + social.page.get_attribute("a[href$='fiche.pdf']", "href"))
    assert slip.status == 200 and slip.headers["content-type"] == "application/pdf"
    url = join_url(social.page)
    social.close()

    # 2. The household joins from the slip, signs in, fills her basket.
    home = Journey(e2e.browser, e2e.server, language, "household", steps)
    home.go(url)
    home.check("join")
    if SLIP_HAS_JOIN_URL:
        assert home.page.input_value("#id_code").strip().upper() == code
    else:
        home.page.fill("#id_code", code.lower())  # typed from the slip, as a person may
    home.page.fill("#id_name", "Benali Amina")
    home.page.fill("#id_phone", "06 12 34 56 78")
    home.page.fill("#id_adults", "1")
    home.page.fill("#id_children", "2")
    home.page.fill("#id_password", HOUSEHOLD_PASSWORD)
    home.page.click("main button[type=submit]")
    username = home.page.locator(".code").first.inner_text().strip()
    home.check("joined")
    member = Member.objects.get(user__username=username)
    assert member.group == world.group and member.category == Member.Category.PRIORITY
    assert Referral.objects.get(code=code).member == member

    home.sign_in(username, HOUSEHOLD_PASSWORD)
    home.go("/")
    home.check("home")
    home.go(f"/commandes/{shop.cycle.pk}/panier/")
    home.check("basket-empty")
    tap_plus(home.page, shop.oranges, 2)
    tap_plus(home.page, shop.lentils, 2)
    save = home.page.locator("main button[name=save]:not([aria-hidden=true])")
    save.evaluate("button => button.scrollIntoView({block: 'center'})")
    save.click()
    home.check("basket-saved")
    ordered = {line.product_id: line.quantity for line in OrderLine.objects.filter(cycle=shop.cycle,
                                                                                  order__member=member)}
    assert ordered == {shop.oranges.pk: D("2"), shop.lentils.pk: D("1")}

    # 3. The cycle closes, its orders go out, the distribution is prepared (the services, at `now`).
    now = timezone.now()
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True, now=now)
    distribution_services.create_distributions(cycle=shop.cycle, by=world.coordinator, now=now)
    day = Distribution.objects.get(cycle=shop.cycle, group=world.group)
    basket = Basket.objects.get(distribution=day, member=member)

    # 4. A volunteer serves her: the day, her basket weighed, handed out, paid in cash.
    desk = Journey(e2e.browser, e2e.server, "fr", "volunteer", steps)
    desk.sign_in("volunteer")
    desk.go(f"/distribution/{day.pk}/")
    desk.check("day")
    desk.page.fill("#q", str(member.number))
    desk.page.click("button:has-text('Chercher')")
    desk.page.wait_for_url("**/panier/**")
    desk.check("weigh")
    for line in BasketLine.objects.filter(basket=basket, allotted__gt=0):
        if line.is_bulk:
            desk.page.fill(f"#served-{line.pk}", str(line.allotted + D("0.05")).replace(".", ","))
    desk.page.click("button:has-text('Panier remis')")
    desk.page.wait_for_url("**/caisse/")
    desk.check("checkout")
    desk.page.check("input[value=cash]")
    desk.page.click("button:has-text('Enregistrer le paiement')")
    desk.page.wait_for_selector("text=Rien à payer")
    desk.check("paid")
    desk.close()
    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.COLLECTED

    # 5. The household reads her receipt and her account.
    status = home.go(f"/comptes/panier/{basket.pk}/recu/")
    if MEMBER_RECEIPT:
        assert status == 200
        home.check("receipt")
    else:
        assert status == 404, ("the household may now open her receipt: set MEMBER_RECEIPT = True "
                               "(and check what it shows)")
    home.go("/comptes/mon-compte/")
    home.check("my-account")
    assert "Rien à payer" in home.page.inner_text("main") or "0,00" in home.page.inner_text("main")
    home.close()
    assert len(steps) == 13 - (not MEMBER_RECEIPT), steps  # every page of the journey was checked
