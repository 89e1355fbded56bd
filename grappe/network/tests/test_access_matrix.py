"""Persona x page matrix (issue 11): every URL pattern and every API operation, generated from the URL
resolver and the OpenAPI schema, filled with ids of objects from the persona's own group, another group
of the same association, and another association.

- Outside the persona's scope: 404 for GET and for POST (anonymous: a redirect to sign-in, or 404;
  the API: 401). A POST-only page answers a GET with 405 before looking anything up, whatever the
  object: that tells nothing, and is accepted.
- Inside: never a server error (any other answer is fine: 200, a redirect, a refusal, 403 for a page
  one reads but may not change).
- A pattern the matrix cannot fill (an unknown keyword, or no object of that kind) FAILS with its name,
  so that no new page escapes it. The few public or framework patterns are listed with a reason.

The scope the matrix expects is written here independently of grappe.network.access: group-bound
objects (cycles covering only one group, members, baskets, distributions...) are outside for a persona
who does not work in that group; anything of another association is outside for everyone.
"""

import datetime
import json
import re
import uuid
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from grappe.accounts import services as account_services
from grappe.accounts import vouchers
from grappe.bank import services as bank_services
from grappe.bank.models import BankAccount, ImportJob
from grappe.bank.statements import parse as parse_statement
from grappe.catalogue.models import GroupSelection, PriceImport, Suggestion
from grappe.catalogue.tests.factories import SupplierFactory, make_product
from grappe.core.models import ApiToken
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.events import services as event_services
from grappe.events.tests.factories import EventFactory
from grappe.field.models import FieldDevice, FieldEntry
from grappe.invoicing import services as invoicing_services
from grappe.invoicing.amounts import Line
from grappe.members import services as member_services
from grappe.members.tests import personas
from grappe.members.tests.factories import MemberFactory
from grappe.network.models import Role
from grappe.network.tests.factories import CommuneFactory, PartnerFactory, SiteFactory
from grappe.notify.models import OneOffMessage, SentNotification
from grappe.orders import services as order_services
from grappe.orders.models import PurchaseOrder
from grappe.orders.services import GroupPlan
from grappe.orders.tests.factories import pay
from grappe.tours.models import CandidateStop, Scenario, ScenarioJob

PLACES = ("own", "other", "elsewhere")  # the persona's group, another group of the association, elsewhere
PERSONAS = ("anonymous", "member", "volunteer", "coordinator", "coordinator2", "referrer", "admin", "other_admin")

# Public or framework patterns, not scoped by the access layer (each with why).
PUBLIC = {
    "login": "the sign-in page",
    "login_code": "the sign-in's second page (two-step code): only for a session whose password was just right, "
                  "else back to the sign-in page (core/tests/test_sign_in_code.py)",
    "logout": "signing out (POST), harmless for anyone",
    "password_reset": "forgotten password: public by nature",
    "password_reset_done": "static confirmation page",
    "password_reset_confirm": "the e-mailed link: its uid and token are the credential",
    "password_reset_complete": "static confirmation page",
    "password_choose": "a temporary password's first sign-in; requires a session",
    "members:register": "joining with a referral code: public by design (the code is the credential)",
    "set_language": "django.conf.urls.i18n: choose the language",
    "members:language": "the footer's language switch (POST): a visitor chooses, a member's profile keeps it "
                        "(members/tests/test_language.py)",
    "email_confirm": "the e-mailed link confirming one's own address: its signed token names the user and the "
                     "address, a forged or stale one is refused (core/tests/test_own_email.py)",
    "field:app_shell": "the offline tour day's app shell: no personal data in it, cached by its service worker",
    "field:service_worker": "the offline tour day's service worker: no data in it",
    **{f"field:{n}": "authenticated by a device token, tested in grappe/field/tests"
       for n in ("api_day", "api_send", "api_finish")},
    "timetable:page": "a van group's stops and times for the villages: public by design (issue 14), it shows the "
                      "association's phone and each stop's place and dates, never a member; 404 for a group that "
                      "is not a mobile group of that association with an adopted tour (tours/tests/test_villages.py)",
    "health": "the health page for monitors (/sante/): states and ages of the database, cache, worker, backup, "
              "reminders and queue, no personal data (core/tests/test_health.py)",
    "timetable:poster": "the poster of one stop for the village hall: the same public facts as the page its QR code "
                        "opens, so public too (a mairie prints it without an account); 404 for a site that is not an "
                        "active stop of that group's tour (tours/tests/test_villages.py)",
}
SKIPPED_PREFIXES = {
    "admin/": "Django's admin: mounted only with GRAPPE_ADMIN, staff who signed in with a TOTP code only "
               "(core/tests/test_admin_door.py)",
    "api/v1/": "the API: walked below from its OpenAPI schema, with token auth",
    "media/": "uploaded files served in development only",
    "static/": "static files",
}

# What `pk` names, per pattern; the other keywords name the same object everywhere.
PK_KIND = {
    **{f"accounts:{n}": "member" for n in ("member", "member_payment", "member_refund", "reverse")},
    **{f"accounts:{n}": "basket" for n in ("collect", "reopen", "checkout", "pay", "fee", "on_account", "receipt",
                                           "my_basket")},
    "accounts:cash_count": "distribution", "accounts:settlement": "cycle", "accounts:supplier_payment": "invoice",
    "accounts:voucher_issuer": "voucher_issuer",
    **{f"accounts:{n}": "voucher_claim" for n in ("voucher_claim", "voucher_claim_pdf", "voucher_claim_xlsx",
                                                  "voucher_claim_reimbursed", "voucher_claim_cancel",
                                                  "voucher_claim_reopen")},
    **{f"bank:{n}": "bank_account" for n in ("account_edit", "import", "lines", "reconciliation")},
    "bank:import_job": "bank_import_job",
    **{f"bank:{n}": "bank_line" for n in ("line", "line_confirm", "line_change", "line_ignore", "line_reopen")},
    **{f"catalogue:{n}": "product" for n in ("product", "product_edit", "product_price", "product_reference")},
    **{f"catalogue:{n}": "supplier" for n in ("supplier", "supplier_edit", "import_new")},
    "catalogue:import_preview": "price_import",
    "catalogue:suggestion_vote": "suggestion", "catalogue:suggestion_answer": "suggestion",
    "token_revoke": "token",
    **{f"distribution:{n}": "distribution" for n in ("day", "close", "rota", "rota_take", "rota_edit", "document",
                                                        "prepare_documents")},
    **{f"distribution:{n}": "basket" for n in ("basket", "add_from_stock", "remove_line", "not_collected")},
    **{f"events:{n}": "event" for n in ("detail", "edit", "register", "unregister", "staff_register")},
    "events:staff_unregister": "registration",
    "field:revoke": "device", "field:handle": "field_entry",
    **{f"invoicing:{n}": "sales_invoice" for n in ("detail", "pdf", "facturx", "credit_note")},
    **{f"members:{n}": "member" for n in ("detail", "edit", "category", "membership", "access", "access_slip",
                                          "leave", "data", "export_json", "export_pdf", "erase")},
    "members:referral_detail": "referral", "members:referral_slip": "referral",
    "network:group": "group", "network:group_edit": "group", "network:site_edit": "site",
    "network:partner_edit": "partner",
    **{f"network:{n}": "person" for n in ("person", "person_edit", "person_deactivate", "person_reactivate", "person_password",
                                          "person_slip", "role_add", "role_edit", "role_remove")},
    "notify:call_done": "notification", "notify:send_receipt": "basket", "notify:message": "message",
    "notify:event_cancel": "event",
    **{f"orders:{n}": "cycle" for n in ("cycle_detail", "basket", "on_behalf", "paper_entry", "order_form_pdf",
                                        "cycle_open", "cycle_extend", "cycle_schedule", "cycle_close", "review",
                                        "purchase_orders", "cycle_edit", "cycle_delete", "cycle_reopen")},
    **{f"orders:{n}": "purchase_order" for n in ("purchase_order_pdf", "purchase_order_csv", "purchase_order_send",
                                                 "receipt")},
    **{f"tours:{n}": "scenario" for n in ("scenario", "scenario_edit", "scenario_run", "need", "candidates",
                                          "candidate", "adopt")},
}
KWARG_KIND = {"cycle_pk": "cycle", "group_pk": "group", "member_pk": "member", "slot_pk": "slot",
              "line_pk": "basket_line", "entry_pk": "entry", "role_pk": "role", "candidate_pk": "candidate",
              "supplier_pk": "supplier", "kind": "document_kind", "day": "day", "site_pk": "site",
              "distribution_pk": "distribution"}
API_PARAM_KIND = {"cycle_id": "cycle", "basket_id": "basket", "distribution_id": "distribution",
                  "po_id": "purchase_order", "event_id": "event", "group_id": "group", "supplier_id": "supplier",
                  "product_id": "product", "scenario_id": "scenario", "member_id": "member", "group": "group",
                  "job_id": "job"}
CONSTANTS = {"document_kind": "emargement"}  # not objects: the same value in every place

# Which personas are bound to their groups for each kind of object: for them, the object of another
# group of the association is outside. Kinds not listed are the association's (catalogue, scenarios,
# partners): another group's object is inside for every persona of the association.
GROUP_BOUND = {"member", "volunteer", "coordinator", "referrer"}
BOUND = {
    kind: GROUP_BOUND for kind in ("cycle", "purchase_order", "invoice", "sales_invoice", "member", "basket", "basket_line",
                                   "entry", "distribution", "slot", "event", "registration", "referral", "group",
                                   "site", "notification", "person", "role", "day", "message", "device",
                                   "field_entry")
} | {"product": {"member"}}
# a referrer directs households to any group of their association (the referral form lists them all)
BOUND["group"] = GROUP_BOUND - {"referrer"}
# bank statements name every group's members: the association's admins only, whatever the group
ADMIN_ONLY = {"bank_account", "bank_line", "bank_import_job", "voucher_claim"}  # + claims: association-wide money


def outside(persona: str, place: str, kinds) -> bool:
    """Whether the objects of `place` are outside `persona`'s scope (then every answer must be a 404)."""
    if persona == "anonymous":
        return True
    if "token" in kinds:  # one's own API tokens only
        return place != "own"
    if persona == "other_admin":
        return place != "elsewhere"
    if place == "elsewhere":
        return True
    if kinds & ADMIN_ONLY:
        return persona != "admin"
    if place == "other":
        return any(persona in BOUND.get(kind, set()) for kind in kinds)
    return False


# --- The world: one object of every kind in each of the three places --------------------------------

def _place(association, group, admin, partner, staff_user, member, now):
    """Every kind of object in one group: a cycle covering only it, ordered and prepared, and the rest."""
    supplier = SupplierFactory(association=association, name=f"Ferme {group.name}", email="f@example.org")
    product = make_product(supplier, name=f"Lentilles {group.name}", reference=f"L-{group.pk}",
                           pack_size=D("5"), pack_price_excl_vat=D("10.00"), order_step=D("1"))
    GroupSelection.objects.create(group=group, product=product)
    day = timezone.localdate() + datetime.timedelta(days=7)
    cycle = order_services.create_cycle(association=association, name=f"Cycle {group.name}",
                                        opens_at=now - datetime.timedelta(hours=2),
                                        closes_at=now + datetime.timedelta(days=1), by=admin,
                                        groups=[GroupPlan(group, day, place="Salle")])
    cycle = order_services.open_cycle(cycle=cycle, by=admin)
    order_services.set_line(cycle=cycle, member=member, product=product, quantity=D("5"), by=None)
    order_services.close_cycle(cycle=cycle, by=admin, confirm=True)
    distribution_services.create_distributions(cycle=cycle, by=admin)
    distribution = Distribution.objects.get(cycle=cycle, group=group)
    basket = Basket.objects.get(distribution=distribution, member=member)
    po = PurchaseOrder.objects.filter(cycle=cycle).first()
    invoice = account_services.record_invoice(purchase_order=po, number=f"F-{group.pk}", date=timezone.localdate(),
                                              amount=D("10.55"), by=admin)
    entry = account_services.record_payment(member=member, amount=D("5.00"), means="cash", by=admin,
                                            key=uuid.uuid4())
    sales_invoice = invoicing_services.issue_invoice(
        association=association, member=member, buyer=invoicing_services.buyer_of(member, address="1 place"),
        lines=[Line("Panier", D("1"), D("12.50"))], by=admin, now=now)
    voucher_issuer = vouchers.save_issuer(association=association, by=admin, name=f"CCAS {group.name}")
    account_services.record_payment(member=member, amount=D("5.00"), means="voucher", by=admin, key=uuid.uuid4(),
                                    reference=f"B-{group.pk}", issuer=voucher_issuer)
    voucher_claim = vouchers.open_claim(association, voucher_issuer, timezone.localdate() - datetime.timedelta(days=1),
                                        timezone.localdate() + datetime.timedelta(days=1), by=admin)
    slot = distribution_services.add_slot(distribution=distribution, task="Accueil")
    event = EventFactory(group=group, association=association)
    registration = event_services.register(by=admin, event=event, member=member)
    referral = member_services.create_referral(partner=partner, group=group, by=admin,
                                               household_name=f"Foyer orienté {group.name}")
    price_import = PriceImport.objects.create(association=association, supplier=supplier, filename="prix.csv",
                                              rows=[], uploaded_by=admin)
    suggestion = Suggestion.objects.create(association=association, group=group, author=admin,
                                           name=f"Farine {group.name}")
    commune = CommuneFactory()
    site = SiteFactory(group=group, commune=commune, name=f"Salle {group.name}")
    scenario = Scenario.objects.create(association=association, group=group, name=f"Camion {group.name}",
                                       depot=commune)
    candidate = CandidateStop.objects.create(scenario=scenario, commune=commune, name="Place",
                                             latitude=D("44.7"), longitude=D("5.3"))
    job = ScenarioJob.objects.create(scenario=scenario, status=ScenarioJob.Status.DONE, requested_by=admin)
    notification = SentNotification.objects.create(
        association=association, group=group, kind="cycle_open", key=f"k{group.pk}", member=member,
        recipient=f"member:{member.pk}", channel="sms", text="Bonjour", status=SentNotification.Status.TO_CALL)
    message = OneOffMessage.objects.create(association=association, audience="group_members", group=group,
                                           group_ids=[group.pk], text="Le camion aura du retard", token=uuid.uuid4(),
                                           created_by=admin, send_at=now)
    role = Role.objects.get(user=staff_user, association=association)
    device = FieldDevice.objects.create(association=association, group=group, day=day, label=f"Tablette {group.name}",
                                        prefix="matrix", key_hash=FieldDevice.hash_key(f"fld_matrix_{group.pk}"),
                                        prepared_by=staff_user)
    field_entry = FieldEntry.objects.create(id=uuid.uuid4(), device=device, basket=basket, kind="payment",
                                            payload={"amount": "3", "means": "cash"}, status="refused",
                                            reason="Ce panier a été modifié sur le serveur.")
    bank_account = BankAccount.objects.create(association=association, name=f"Compte {group.name}")
    bank_line = bank_services.import_statement(
        account=bank_account, by=admin, file_name="releve.csv",
        statement=parse_statement(f"Date;Libellé;Montant\n02/11/2026;VIR ADH {member.number};12,50\n".encode()))
    bank_import_job = ImportJob.objects.create(account=bank_account, file_name="releve.csv", content=b"",
                                               format="csv", status=ImportJob.Status.DONE, created_by=admin)
    return {
        "bank_account": bank_account, "bank_line": bank_line.lines.first(), "bank_import_job": bank_import_job,
        "cycle": cycle, "purchase_order": po, "invoice": invoice, "sales_invoice": sales_invoice, "member": member, "basket": basket,
        "basket_line": basket.lines.first(), "entry": entry, "distribution": distribution, "slot": slot,
        "event": event, "registration": registration, "referral": referral, "group": group, "site": site,
        "notification": notification, "person": staff_user, "role": role, "product": product, "supplier": supplier,
        "price_import": price_import, "suggestion": suggestion, "scenario": scenario, "candidate": candidate,
        "job": job, "partner": partner, "day": day.isoformat(), "message": message, "device": device,
        "field_entry": field_entry, "voucher_issuer": voucher_issuer, "voucher_claim": voucher_claim,
    }


def build_world():
    """The shared personas (grappe/members/tests/personas.py), plus a coordinator of both groups, a volunteer
    and a household in the other group and in the other association, and a partner in each place."""
    now = timezone.now()
    base = personas.build_world()
    association, romans, die = base.association, base.group, base.other_group
    elsewhere, far, partner = base.elsewhere, base.elsewhere_group, base.partner
    partner_die = PartnerFactory(association=association, name="CCAS de Die")
    partner_far = PartnerFactory(association=elsewhere, name="CCAS lointain")

    users = {"member": base.member_user, "volunteer": base.volunteer, "coordinator": base.coordinator,
             "coordinator2": personas.person("coordinator2", association, Role.Kind.COORDINATOR, groups=[romans, die]),
             "referrer": base.referrer, "admin": base.admin, "other_admin": base.outsider}
    assert set(users) == set(PERSONAS) - {"anonymous"}
    die_volunteer = personas.person("die-volunteer", association, Role.Kind.VOLUNTEER, groups=[die])
    far_volunteer = personas.person("far-volunteer", elsewhere, Role.Kind.VOLUNTEER, groups=[far])

    jeanne = pay(base.member)
    alice = pay(MemberFactory(association=association, group=die, name="Roux Alice"))
    bob = pay(MemberFactory(association=elsewhere, group=far, name="Loin Bob"))

    places = {
        "own": _place(association, romans, users["admin"], partner, users["volunteer"], jeanne, now),
        "other": _place(association, die, users["admin"], partner_die, die_volunteer, alice, now),
        "elsewhere": _place(elsewhere, far, users["other_admin"], partner_far, far_volunteer, bob, now),
    }
    # the other association's objects are "own" for its admin: they are the persona's own place there
    tokens = {}
    for name, user in users.items():
        tokens[name] = ApiToken.create_for(user, "matrix")
    spare_here, _key = ApiToken.create_for(die_volunteer, "spare")
    spare_far, _key = ApiToken.create_for(far_volunteer, "spare")
    for place, token in (("other", spare_here), ("elsewhere", spare_far)):
        places[place]["token"] = token
    return SimpleNamespace(users=users, places=places, tokens=tokens)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def quick(monkeypatch, settings):
    """No real PDF rendering nor solver in the matrix: access is what is tested here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr("grappe.core.pdf.html_to_pdf", lambda html, base_url=None, **kwargs: b"%PDF-1.4 matrix")
    # nor a Factur-X file, which would need a real PDF to embed its XML in
    monkeypatch.setattr("grappe.invoicing.views.invoice_facturx", lambda invoice: b"%PDF-1.4 matrix")


def _value(world, persona, place, kind):
    if kind in CONSTANTS:
        return CONSTANTS[kind]
    if kind == "token" and place == "own":
        token = world.tokens.get(persona, (None,))[0]
        return token.pk if token is not None else world.places["other"]["token"].pk
    found = world.places[place].get(kind)
    if found is None:
        return None
    return found if isinstance(found, str) else found.pk


# --- The web pages ------------------------------------------------------------------------------------

def walk(patterns, prefix="", namespace=""):
    """(route, full name, keyword names) of every pattern, recursively."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from walk(entry.url_patterns, route, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            names = list(converters) or list(re.compile(str(entry.pattern)).groupindex)
            yield route, f"{namespace}{entry.name}" if entry.name else route, names


def pages():
    out, unfilled = [], []
    for route, name, kwargs in walk(get_resolver().url_patterns):
        if any(route.lstrip("^").startswith(p) for p in SKIPPED_PREFIXES):
            continue
        if name in PUBLIC:
            continue
        kinds = {}
        for kwarg in kwargs:
            kind = PK_KIND.get(name) if kwarg == "pk" else KWARG_KIND.get(kwarg)
            if kind is None:
                unfilled.append(f"{name} ({route}): no object for the keyword {kwarg!r}")
            kinds[kwarg] = kind
        out.append((name, kinds))
    return out, unfilled


def _client(world, persona):
    client = Client(raise_request_exception=True)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def _request(client, method, url, **extra):
    """One request in a savepoint rolled back after it, so that no POST changes what the next one sees."""
    sid = transaction.savepoint()
    try:
        return getattr(client, method)(url, **extra).status_code
    except Exception as error:  # a server error: reported with the pattern, persona and place
        return f"500 ({type(error).__name__}: {error})"
    finally:
        transaction.savepoint_rollback(sid)


def _check_pages(world, method, capsys):
    patterns, unfilled = pages()
    assert not unfilled, "Patterns the access matrix cannot fill (add them to PK_KIND/KWARG_KIND, or to " \
                         "PUBLIC with a reason):\n" + "\n".join(unfilled)
    failures, combos = [], 0
    for persona in PERSONAS:
        client = _client(world, persona)
        for name, kinds in patterns:
            places = PLACES if kinds else ("own",)
            for place in places:
                values = {k: _value(world, persona, place, kind) for k, kind in kinds.items()}
                missing = [k for k, v in values.items() if v is None]
                assert not missing, f"{name}: no object for {missing} in the place {place!r}"
                url = reverse(name, kwargs=values)
                status = _request(client, method, url)
                combos += 1
                expected_out = outside(persona, place, set(kinds.values())) if kinds else persona == "anonymous"
                if isinstance(status, str):
                    failures.append(f"{method.upper()} {url} [{name}] as {persona} ({place}): {status}")
                elif status == 405 and method == "get":
                    continue  # a POST-only page refuses GET before any lookup: the same for every object
                elif expected_out and persona == "anonymous":
                    if status not in (302, 404):
                        failures.append(f"{method.upper()} {url} [{name}] as anonymous: {status}, not sign-in/404")
                elif expected_out and status != 404:
                    failures.append(f"{method.upper()} {url} [{name}] as {persona} ({place}): {status}, not 404")
    with capsys.disabled():
        print(f"\naccess matrix, pages, {method.upper()}: {combos} URL x persona x object combinations "
              f"({len(patterns)} patterns)")
    return failures, combos


@pytest.mark.django_db
def test_every_page_answers_404_outside_the_scope_for_get(matrix_world, quick, capsys):
    failures, _combos = _check_pages(matrix_world, "get", capsys)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])


@pytest.mark.django_db
def test_every_page_answers_404_outside_the_scope_for_post(matrix_world, quick, capsys):
    failures, _combos = _check_pages(matrix_world, "post", capsys)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])


@pytest.mark.django_db
def test_a_member_reads_her_own_receipt_and_basket_story_and_nothing_of_another_basket(matrix_world, quick):
    """Inside the scope the matrix only forbids server errors; a member's own receipt (screen and PDF)
    and the story of her basket must really open (they were staff-only, 404), and the same pages of a
    basket that is not hers stay 404, as the till's pages of her own basket do."""
    client = _client(matrix_world, "member")
    own, other = matrix_world.places["own"]["basket"], matrix_world.places["other"]["basket"]
    for name, query in (("accounts:receipt", ""), ("accounts:receipt", "?format=pdf"), ("accounts:my_basket", "")):
        assert client.get(reverse(name, args=[own.pk]) + query).status_code == 200, name
        assert client.get(reverse(name, args=[other.pk]) + query).status_code == 404, name
    for name in ("accounts:checkout", "accounts:pay", "accounts:fee", "accounts:collect", "notify:send_receipt"):
        assert client.post(reverse(name, args=[own.pk])).status_code == 404, name


# --- The API --------------------------------------------------------------------------------------

def _resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def sample(schema, spec, ids):
    """A minimal valid value for a JSON schema; properties named like ids take the place's object."""
    schema = _resolve(schema, spec)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, spec).get("type") != "null"]
            return sample(options[0], spec, ids)
    kind = schema.get("type")
    if kind == "object":
        return {name: ids.get(name, sample(prop, spec, ids)) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return timezone.now().isoformat()
    if "enum" in schema:
        return schema["enum"][0]
    return "1" if fmt == "decimal" or "pattern" in schema else "x"


def operations():
    from grappe.api.api import api

    spec = api.get_openapi_schema()
    out, unfilled = [], []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            kinds = {}
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                kind = API_PARAM_KIND.get(name)
                if parameter["in"] == "path" and kind is None:
                    unfilled.append(f"{method.upper()} {path}: no object for the parameter {name!r}")
                if kind is not None:
                    kinds[(parameter["in"], name)] = kind
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is not None:
                for name in _resolve(body, spec).get("properties", {}):
                    if name in API_PARAM_KIND:
                        kinds[("body", name)] = API_PARAM_KIND[name]
            out.append((path, method, kinds, body))
    return spec, out, unfilled


@pytest.mark.django_db
def test_every_api_operation_answers_404_outside_the_scope(matrix_world, quick, capsys):
    spec, ops, unfilled = operations()
    assert not unfilled, "API operations the access matrix cannot fill:\n" + "\n".join(unfilled)
    world, failures, combos = matrix_world, [], 0
    keys = {}
    for persona in PERSONAS:
        if persona != "anonymous":
            keys[persona] = world.tokens[persona][1]
    client = Client(raise_request_exception=True)
    for persona in PERSONAS:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[persona]}"} if persona in keys else {}
        for path, method, kinds, body in ops:
            # a query parameter alone (an optional filter) is tried in every place, and without it
            places = PLACES if kinds else ("own",)
            for place in places:
                values = {where: _value(world, persona, place, kind) for where, kind in kinds.items()}
                url = path
                query = {}
                for (where, name), value in values.items():
                    if where == "path":
                        url = url.replace("{" + name + "}", str(value))
                    elif where == "query":
                        query[name] = value
                ids = {name: value for (where, name), value in values.items() if where == "body"}
                data = json.dumps(sample(body, spec, ids)) if body is not None else None
                if query:
                    url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
                extra = dict(headers)
                if data is not None:
                    extra.update(data=data, content_type="application/json")
                status = _request(client, method, url, **extra)
                combos += 1
                expected_out = outside(persona, place, set(kinds.values())) if kinds else persona == "anonymous"
                label = f"{method.upper()} {url} as {persona} ({place})"
                if isinstance(status, str) or status == 500:
                    failures.append(f"{label}: {status}")
                elif persona == "anonymous":
                    if status != 401:
                        failures.append(f"{label}: {status}, not 401")
                elif expected_out and status != 404:
                    failures.append(f"{label}: {status}, not 404")
    with capsys.disabled():
        print(f"\naccess matrix, API: {combos} operation x persona x object combinations ({len(ops)} operations)")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])
