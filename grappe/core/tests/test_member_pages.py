"""No page a household sees shows a raw code, an ISO date or a machine word (issue 13, "Proof").

The household persona (grappe/members/tests/personas.py: `member_user`, the login of Martin Jeanne) is
given what fills her pages: a past cycle weighed, collected and paid at its distribution, an open cycle
with a basket, a reminder sent, her membership, an event she registered for. Every page she may GET is
opened, plus the public pages (join, sign-in, forgotten password), and the VISIBLE text (tags, scripts,
styles and attributes stripped) must not hold:

- an ISO date or date-time ("2026-12-03", "2026-12-03T10:00"), a time with seconds;
- `True`, `False`, `None`;
- a snake_case machine word (`priority_basis`) or the value of a model choice that differs from its
  label (`priority`, `qpv`, `cash`, `charge`...), as a whole word; the values that are also French words
  (`structure`, `correction`, `fruit`...) are left out, and `charge` is allowed in "prise en charge";
- money or a quantity with a decimal point ("5.00 €", "2.500 kg");
- a plural in brackets ("personne(s)").

The member pages are derived from the URL resolver (the walk of the access matrix,
grappe/network/tests/test_access_matrix.py): every pattern that answers the household 200 with HTML
when filled with her own objects. `test_the_list_of_member_pages_is_complete` fails when a new page
answers her and is not in MEMBER_PAGES, so that it gets checked. One place per page: MEMBER_PAGES
names the page, and KNOWN_PROBLEMS the pages that still fail, with why (xfail, not strict).

French typography (a non-breaking space before « : ; ! ? ») is checked apart, with TYPOGRAPHY_TODO
naming the pages that fail it on main. Once the rest of issue 13 lands: add `accounts:receipt` (the
member's own receipt) to MEMBER_PAGES (the list test asks for it), and remove from TYPOGRAPHY_TODO the
pages that pass (reported XPASS).
"""

import datetime
import io
import re
import uuid
from decimal import Decimal as D
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from grappe.accounts import services as account_services
from grappe.distribution import services as distribution_services
from grappe.distribution.models import BasketLine
from grappe.distribution.tests.factories import make_day
from grappe.events import services as event_services
from grappe.events.tests.factories import EventFactory
from grappe.members.models import Member
from grappe.members.tests import personas
from grappe.network.tests.test_access_matrix import KWARG_KIND, PK_KIND, walk
from grappe.notify.models import SentNotification
from grappe.orders import services as order_services
from grappe.orders.services import GroupPlan
from grappe.tours.tests.van import make_van, monday_of

# --- What is checked in the visible text ---------------------------------------------------------------

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ISO_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SECONDS = re.compile(r"(?<!\d)\d{1,2}:\d{2}:\d{2}(?!\d)")
PYTHON_WORDS = re.compile(r"\b(True|False|None)\b")
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
DECIMAL_POINT = re.compile(r"\b\d+\.\d+\s*(?:€|EUR|kg|g|L|l|pièces?)(?!\w)")
PLURAL_IN_BRACKETS = re.compile(r"\w\((?:s|e|es|x)\)")
# French typography: « : ; ! ? » after a (narrow) non-breaking space, never after a plain space or a letter.
FRENCH_PUNCTUATION = re.compile(r"(?<![\u00a0\u202f])(?: |(?<=\w))[:;!?](?=[\s\u00a0).,»]|$)")
TYPED_DECIMAL_POINT = re.compile(r"^\s*-?\d+\.\d+\s*$")

# Choice values that are also French words (or words a French page uses as they are): not flagged.
FRENCH_WORDS = {"structure", "correction", "budget", "minutes", "import", "mobile", "fruit", "initial", "email",
                "api", "sms", "ccas", "kg", "l", "other"}
# "charge" is the code of a basket's charge; the French "prise en charge", "à charge" are fine.
FRENCH_CONTEXTS = re.compile(r"\b(?:en|à|sa|votre|leur|la) charge\b", re.IGNORECASE)


def choice_codes() -> set[str]:
    """The string values of every model field with choices in Grappe's apps whose French label differs
    from the value: the words a page must never show as they are."""
    codes = set()
    with translation.override("fr"):
        for model in apps.get_models():
            if not model.__module__.startswith("grappe."):
                continue
            for field in model._meta.get_fields():
                for value, label in getattr(field, "choices", None) or ():
                    if isinstance(value, str) and value and value.casefold() != str(label).casefold():
                        codes.add(value)
    return codes - FRENCH_WORDS


class _VisibleText(HTMLParser):
    """The text a person reads: text nodes outside <script>, <style>, <template> and <head>."""

    HIDDEN = {"script", "style", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.depth, self.typed = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type", "text") in ("text", "number") and attributes.get("value"):
            self.typed.append(attributes["value"])  # what a quantity box shows

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def _read(html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def visible_text(html: str) -> str:
    """The text nodes, with runs of ASCII white space made one space (non-breaking spaces are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", " ".join(_read(html).parts)).strip()


def typed_values(html: str) -> list[str]:
    """The values shown in the text boxes of a page (quantities typed or stored)."""
    return _read(html).typed


def machine_words(text: str, codes: set[str]) -> list[str]:
    """Every problem found in a page's visible text, each with a few words around it."""

    def around(match):
        start, end = max(match.start() - 30, 0), match.end() + 30
        return f"«…{text[start:end]}…»"

    problems = []
    for label, pattern in [("ISO date", ISO_DATE), ("ISO date-time", ISO_DATETIME), ("time with seconds", SECONDS),
                           ("Python value", PYTHON_WORDS), ("snake_case word", SNAKE_CASE),
                           ("decimal point", DECIMAL_POINT), ("plural in brackets", PLURAL_IN_BRACKETS)]:
        problems += [f"{label} {m.group(0)!r} in {around(m)}" for m in pattern.finditer(text)]
    cleaned = FRENCH_CONTEXTS.sub(" ", text)
    for code in sorted(codes):
        for match in re.finditer(rf"(?<![\w-]){re.escape(code)}(?![\w-])", cleaned):
            problems.append(f"choice code {code!r} in «…{cleaned[max(match.start() - 30, 0):match.end() + 30]}…»")
    return problems


def typography(text: str) -> list[str]:
    """Every « : ; ! ? » of a page's visible text that does not follow a non-breaking space."""
    return [f"no non-breaking space before {m.group(0)!r} in «…{text[max(m.start() - 30, 0):m.end() + 30]}…»"
            for m in FRENCH_PUNCTUATION.finditer(text)]


def test_the_checks_catch_what_they_are_for():
    codes = choice_codes()
    assert {"priority", "qpv", "cash", "charge"} <= codes and "structure" not in codes
    html = ("<p>Catégorie : priority (qpv), payé en cash le 2026-12-03, rappels False, priority_basis, "
            "5.00 €, 4 personne(s)</p><p>2026-12-03T10:00:00</p><p>Solde: 3 € ; Total : 4 €</p>")
    found = " ".join(machine_words(visible_text(html), codes))
    for expected in ["'priority'", "'qpv'", "'cash'", "'2026-12-03'", "ISO date-time", "seconds", "'False'",
                     "'priority_basis'", "'5.00 €'", "'e(s)'"]:
        assert expected in found, expected
    typo = typography(visible_text(html))
    assert any("':'" in p and "Solde:" in p for p in typo) and any("' ;'" in p for p in typo), typo
    clean = ('<p title="2026-12-03 priority">Le 3 décembre à 08:30, 5,00 €, 4 personnes, prise en charge. '
             'Solde\u00a0: 3 €\u202f! (Mot de passe oublié\u00a0?) <script>var x = "2026-12-03";</script>'
             '<input type="hidden" value="2.5"><input type="text" value="2,5"></p>')
    assert machine_words(visible_text(clean), codes) == [] and typography(visible_text(clean)) == []
    assert typed_values(clean) == ["2,5"]
    assert TYPED_DECIMAL_POINT.match("2.500") and not TYPED_DECIMAL_POINT.match("2,5")


# --- The household's world: every page filled --------------------------------------------------------

def build_household_world() -> SimpleNamespace:
    """The personas, plus for the household: a past cycle weighed, collected and paid in cash at its
    distribution (then closed), an open cycle where she has a basket, a reminder sent by SMS, an event she
    registered for. Her membership of the year is paid (make_day)."""
    world = personas.build_world()
    now = timezone.now()
    day = make_day(world)  # a closed, confirmed cycle with baskets prepared for Jeanne and two others
    basket = day.jeanne_basket
    served = {line.pk: line.allotted + D("0.2") if line.is_bulk else line.allotted
              for line in BasketLine.objects.filter(basket=basket)}
    account_services.collect_basket(basket=basket, by=world.volunteer, served=served, now=now)
    total = sum((line.amount for line in BasketLine.objects.filter(basket=basket)), D("0"))
    payment = account_services.record_payment(member=world.member, amount=total.quantize(D("0.01")), means="cash",
                                              by=world.volunteer, key=uuid.uuid4(), distribution=day.day,
                                              basket=basket, now=now)
    for other in (day.paul_basket,):
        distribution_services.mark_not_collected(basket=other, by=world.volunteer, now=now)
    distribution_services.close_distribution(distribution=day.day, by=world.coordinator, now=now, early=True)

    shop = day.shop
    open_cycle = order_services.create_cycle(
        association=world.association, name="Commande de printemps", opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=3), by=world.coordinator,
        groups=[GroupPlan(world.group, timezone.localdate(now) + datetime.timedelta(days=10), place="Salle des fêtes"),
                GroupPlan(world.other_group, timezone.localdate(now) + datetime.timedelta(days=10))])
    open_cycle = order_services.open_cycle(cycle=open_cycle, by=world.coordinator, now=now)
    for product, quantity in [(shop.lentils, "2.5"), (shop.oranges, "3")]:
        order_services.set_line(cycle=open_cycle, member=world.member, product=product, quantity=D(quantity),
                                by=world.member_user)

    reminder = SentNotification.objects.create(
        association=world.association, group=world.group, kind="cycle_open", key=f"cycle:{open_cycle.pk}",
        member=world.member, recipient=f"member:{world.member.pk}", channel=SentNotification.Channel.SMS,
        address="06 11 22 33 44", text="Les commandes sont ouvertes jusqu'à vendredi.",
        status=SentNotification.Status.SENT, sent_at=now)
    event = EventFactory(group=world.group, association=world.association,
                         starts_at=now + datetime.timedelta(days=5))
    registration = event_services.register(by=world.member_user, event=event, member=world.member)
    Member.objects.filter(pk=world.member.pk).update(phone="06 11 22 33 44", email="jeanne@example.org")
    van = make_van(world.association, period_start=monday_of(timezone.localdate(now)))
    objects = {
        "member": [world.member], "cycle": [day.cycle, open_cycle], "basket": [basket], "distribution": [day.day],
        "basket_line": [basket.lines.first()], "entry": [payment], "event": [event], "registration": [registration],
        "group": [world.group], "notification": [reminder], "product": [shop.lentils], "supplier": [shop.farm],
        "day": [day.day.date.isoformat()], "document_kind": ["emargement"], "person": [world.member_user],
    }
    return SimpleNamespace(world=world, objects=objects, past_cycle=day.cycle, open_cycle=open_cycle,
                           basket=basket, van=van)


@pytest.fixture(scope="module")
def household(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_household_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- The pages ----------------------------------------------------------------------------------

# Every page the household may GET (pattern name: what it is). Derived and checked below.
MEMBER_PAGES = {
    "home": "her home",
    "profile": "her profile",
    "password_change": "changing her password",
    "email_change": "changing her e-mail address",
    "members:my_data": "Mes données",
    "members:my_erase": "erasing her data",
    "orders:my_orders": "Mes commandes",
    "orders:basket": "the basket of a cycle (open, and past)",
    "catalogue:index": "the catalogue",
    "catalogue:product": "a product sheet",
    "catalogue:suggestions": "suggestions of products",
    "accounts:mine": "Mon compte",
    "accounts:receipt": "her own receipt",
    "accounts:my_basket": "the story of one of her baskets",
    "events:list": "the events",
    "events:detail": "an event",
    "notify:preferences": "Mes rappels",
}
# The PDFs the household downloads from her pages (label: (pattern name, query)); same checks on their text.
MEMBER_DOCUMENTS = {
    "statement": ("accounts:mine", "?format=pdf"),
    "my data": ("members:my_export_pdf", ""),
}
# Pages anyone may open without signing in (pattern name: what it is).
PUBLIC_PAGES = {
    "login": "sign-in",
    "password_reset": "forgotten password",
    "password_reset_done": "forgotten password: e-mail sent",
    "password_reset_confirm": "forgotten password: the e-mailed link",
    "password_reset_complete": "forgotten password: done",
    "members:register": "joining with a referral code",
    "field:app_shell": "the van's offline tour day's shell (the team's; public because it holds no data and is "
                       "cached by its service worker)",
    "timetable:page": "the van's stops and times, for the villages",
    "health": "the health page for monitors (no personal data)",
}
# The pages that still show a machine word on main, with why; remove an entry once its page is fixed.
KNOWN_PROBLEMS: dict[str, str] = {}
# The pages whose French still has a plain space (or none) before « : ; ! ? » on main: the msgstrs of the
# French catalogues, and a few templates that write ":" themselves. Remove an entry once its page is fixed.
_PO = "French msgstrs with a plain space before ':' / '?'"
TYPOGRAPHY_TODO: dict[str, str] = {}

# Patterns tried as the household but never hers (they would be staff pages if they answered her).
NOT_OBJECTS = {"token", "invoice", "purchase_order", "price_import", "suggestion", "scenario", "candidate", "job",
               "slot", "referral", "site", "partner", "role"}


def _patterns():
    """(name, {keyword: kind}) of every pattern of the resolver, as the access matrix reads them."""
    from django.urls import get_resolver

    for route, name, kwargs in walk(get_resolver().url_patterns):
        if route.lstrip("^").startswith(("admin/", "api/v1/", "media/", "static/")):
            continue
        yield name, {k: PK_KIND.get(name) if k == "pk" else KWARG_KIND.get(k) for k in kwargs}


def urls_of(name, kinds, objects):
    """Every URL of the pattern filled with the household's objects (one per combination)."""
    combos = [{}]
    for keyword, kind in kinds.items():
        values = objects.get(kind)
        if not values:
            return []
        combos = [{**combo, keyword: v if isinstance(v, str) else v.pk} for combo in combos for v in values]
    return [reverse(name, kwargs=combo) for combo in combos]


def _member_client(household):
    client = Client()
    client.force_login(household.world.member_user)
    return client


def _is_page(response):
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_list_of_member_pages_is_complete(household):
    """The pages that answer the household 200 with HTML are exactly MEMBER_PAGES (a new one must be added)."""
    client = _member_client(household)
    answering = set()
    for name, kinds in _patterns():
        if name in PUBLIC_PAGES or set(kinds.values()) & NOT_OBJECTS:
            continue
        if any(_is_page(client.get(url)) for url in urls_of(name, kinds, household.objects)):
            answering.add(name)
    assert client.get(reverse("accounts:mine")).status_code == 200, "a GET above signed the household out"
    assert answering == set(MEMBER_PAGES), (f"new member pages: {sorted(answering - set(MEMBER_PAGES))}; "
                                            f"gone: {sorted(set(MEMBER_PAGES) - answering)}")


def _page_params(known):
    return [pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=known[name], strict=False)]
                         if name in known else []) for name in [*MEMBER_PAGES, *PUBLIC_PAGES]]


def page_urls(name, household):
    """The URLs of a page as the household reaches it (the forgotten-password link with a real token)."""
    if name == "password_reset_confirm":
        user = household.world.member_user
        return [reverse(name, kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                      "token": default_token_generator.make_token(user)})]
    if name == "health":  # the worker seen a moment ago, as on a running installation: else it answers 503
        from grappe.core.health import WORKER, beat

        beat(WORKER, now=timezone.now())
        return [reverse(name)]
    if name == "timetable:page":  # a van group of her association, named by its association's slug
        group = household.van.group
        return [reverse(name, args=[group.association.slug, group.pk])]
    kinds = dict(_patterns())[name]
    return urls_of(name, kinds, household.objects)


def _page_texts(household, name):
    """(url, html) of each URL of the page, opened as the household (as anonymous for a public page)."""
    client = _member_client(household) if name in MEMBER_PAGES else Client()
    urls = page_urls(name, household)
    assert urls, f"{name}: no URL"
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        yield url, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", _page_params(KNOWN_PROBLEMS))
def test_no_member_page_shows_a_raw_code_or_an_iso_date(household, name):
    codes = choice_codes()
    problems = []
    for url, html in _page_texts(household, name):
        problems += [f"{url}: {p}" for p in machine_words(visible_text(html), codes)]
        problems += [f"{url}: a text box shows {v!r} (decimal point)" for v in typed_values(html)
                     if TYPED_DECIMAL_POINT.match(v)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _page_params(TYPOGRAPHY_TODO))
def test_member_pages_follow_french_typography(household, name):
    """A non-breaking space before « : ; ! ? » (docs: HELPERS, STYLE), so that a phone never breaks a line
    before them."""
    problems = []
    for url, html in _page_texts(household, name):
        problems += [f"{url}: {p}" for p in typography(visible_text(html))]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("label", list(MEMBER_DOCUMENTS))
def test_no_member_document_shows_a_raw_code_or_an_iso_date(household, label):
    from pypdf import PdfReader

    name, query = MEMBER_DOCUMENTS[label]
    response = _member_client(household).get(reverse(name) + query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    text = re.sub(r"[ \t\r\n]+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert text.strip(), f"{label}: no text"
    problems = machine_words(text, choice_codes())
    assert not problems, "\n".join(problems)
