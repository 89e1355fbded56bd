"""Issue 17: what cannot be undone asks first, with the way back where one exists; drafts can be
changed and deleted; a cycle opened ahead of its time reads "ouvre le lundi 7 décembre à 9 h" on
every page."""

import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.orders import services
from grappe.orders.models import CycleEvent, CycleGroup, OrderCycle, OrderLine, PurchaseOrder
from grappe.orders.services import CycleStateError, GroupPlan
from grappe.orders.states import cycle_state

from .factories import make_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("daytime")]
PARIS = ZoneInfo("Europe/Paris")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def status_of(cycle) -> str:
    return OrderCycle.objects.get(pk=cycle.pk).status


def kinds(cycle) -> list[str]:
    return list(CycleEvent.objects.filter(cycle_id=cycle.pk).values_list("kind", flat=True))


# --- the state as people read it -------------------------------------------------------------------


def test_a_cycle_opened_before_its_time_reads_opens_on_its_day_and_hour(world):
    cycle = make_cycle(world, open_=False).cycle
    cycle.status = OrderCycle.Status.OPEN
    cycle.opens_at = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
    cycle.closes_at = datetime.datetime(2026, 12, 12, 18, 30, tzinfo=PARIS)
    before = datetime.datetime(2026, 12, 4, 17, 0, tzinfo=PARIS)
    state = cycle_state(cycle, before)
    assert (state.code, state.label) == ("scheduled", "ouvre le lundi 7 décembre à 9\u00a0h")
    cycle.opens_at = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=PARIS)
    assert cycle_state(cycle, before).label == "ouvre le lundi 7 décembre à 9\u00a0h\u00a030"
    assert cycle_state(cycle, datetime.datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)).code == "open"
    after = cycle_state(cycle, datetime.datetime(2026, 12, 12, 18, 30, tzinfo=PARIS))  # the cron has not run yet
    assert (after.code, after.label) == ("closed", "close")
    cycle.status = OrderCycle.Status.DRAFT
    assert cycle_state(cycle, before).label == "brouillon"


def test_a_scheduled_cycle_reads_the_same_on_every_page(world, client_for):
    shop = make_cycle(world, open_=False)
    opens = timezone.localtime(timezone.now() + 3 * DAY).replace(hour=9, minute=0, second=0, microsecond=0)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(opens_at=opens, closes_at=opens + 5 * DAY)
    services.open_cycle(cycle=shop.cycle, by=world.admin)
    wording = cycle_state(OrderCycle.objects.get(pk=shop.cycle.pk)).label
    assert wording.startswith("ouvre le ") and wording.endswith("à 9\u00a0h")
    moment = wording.removeprefix("ouvre le ")
    staff = client_for(world.admin)
    for url in (reverse("orders:cycle_list"), reverse("orders:cycle_detail", args=[shop.cycle.pk])):
        page = staff.get(url).content.decode()
        assert wording.capitalize() in page and ">Ouverte<" not in page and ">Close<" not in page, url
    member = client_for(world.member_user)
    for url in (reverse("orders:my_orders"), reverse("orders:basket", args=[shop.cycle.pk]), reverse("home")):
        page = member.get(url).content.decode()
        assert f"Les commandes ouvrent le {moment}" in page, url
        assert "Cette campagne est close" not in page and "Vous pouvez commander jusqu" not in page, url


def test_the_api_gives_the_state_as_the_pages_show_it(world, api):
    shop = make_cycle(world, open_=False)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(opens_at=timezone.now() + DAY,
                                                       closes_at=timezone.now() + 3 * DAY)
    services.open_cycle(cycle=shop.cycle, by=world.admin)
    body = api(world.admin, "get", f"/orders/cycles/{shop.cycle.pk}").json()
    assert (body["status"], body["state"]) == ("open", "scheduled")


# --- drafts ----------------------------------------------------------------------------------------


def test_a_draft_is_changed_groups_and_all_then_no_longer_once_opened(world):
    cycle = make_cycle(world, open_=False).cycle
    romans = CycleGroup.objects.get(cycle=cycle, group=world.group)
    CycleGroup.objects.filter(pk=romans.pk).update(time="14 h")
    opens, closes = cycle.opens_at + DAY, cycle.closes_at + 2 * DAY
    services.update_draft_cycle(cycle=cycle, name="Commande de Noël", opens_at=opens, closes_at=closes,
                                groups=[GroupPlan(world.group, romans.distribution_date, place=romans.place)],
                                by=world.admin, strategy="fifo")
    cycle = OrderCycle.objects.get(pk=cycle.pk)
    assert (cycle.name, cycle.opens_at, cycle.closes_at, cycle.strategy) == ("Commande de Noël", opens, closes, "fifo")
    assert list(CycleGroup.objects.filter(cycle=cycle).values_list("group_id", "time")) == [(world.group.pk, "14 h")]
    assert kinds(cycle) == ["created", "edited"]
    with pytest.raises(CycleStateError, match="doit se clôturer après"):
        services.update_draft_cycle(cycle=cycle, name="x", opens_at=closes, closes_at=opens, by=world.admin,
                                    groups=[GroupPlan(world.group, romans.distribution_date)])
    services.open_cycle(cycle=cycle, by=world.admin)
    with pytest.raises(CycleStateError, match="brouillon"):
        services.update_draft_cycle(cycle=cycle, name="Autre", opens_at=opens, closes_at=closes, by=world.admin,
                                    groups=[GroupPlan(world.group, romans.distribution_date)])
    assert OrderCycle.objects.get(pk=cycle.pk).name == "Commande de Noël"


def test_a_draft_is_deleted_and_an_opened_cycle_is_not(world):
    opened = make_cycle(world).cycle
    draft = services.create_cycle(association=world.association, name="Brouillon", opens_at=opened.opens_at,
                                  closes_at=opened.closes_at, by=world.admin,
                                  groups=[GroupPlan(world.group, timezone.localdate() + 7 * DAY)])
    assert services.delete_draft_cycle(cycle=draft, by=world.admin) == "Brouillon"
    assert not OrderCycle.objects.filter(pk=draft.pk).exists()
    with pytest.raises(CycleStateError, match="brouillon"):
        services.delete_draft_cycle(cycle=opened, by=world.admin)
    assert OrderCycle.objects.filter(pk=opened.pk).exists()


def test_the_draft_pages_change_and_delete_it_only_when_ticked(world, client_for):
    cycle = make_cycle(world, open_=False).cycle
    client = client_for(world.admin)
    edit = reverse("orders:cycle_edit", args=[cycle.pk])
    page = client.get(edit).content.decode()
    assert 'value="Commande de test"' in page and f'value="{world.group.pk}" checked' in page
    form = {"name": "Commande de janvier", "opens_at": "2027-01-04T09:00", "closes_at": "2027-01-09T18:00",
            "distribution_date": "2027-01-13", "groups": [world.group.pk, world.other_group.pk], "strategy": "fair",
            "rounding": "fill"}
    assert client.post(edit, {**form, "name": ""}).status_code == 422  # refused: shown again, nothing changed
    assert OrderCycle.objects.get(pk=cycle.pk).name == "Commande de test"
    assert client.post(edit, form).status_code == 302
    cycle = OrderCycle.objects.get(pk=cycle.pk)
    assert cycle.name == "Commande de janvier" and timezone.localtime(cycle.opens_at).hour == 9
    assert set(CycleGroup.objects.filter(cycle=cycle).values_list("distribution_date", flat=True)) == {
        datetime.date(2027, 1, 13)}

    delete = reverse("orders:cycle_delete", args=[cycle.pk])
    page = client.get(delete).content.decode()
    assert "sera supprimé définitivement" in page and 'name="confirmed"' in page and "required" in page
    refused = client.post(delete, {})
    assert refused.status_code == 422 and "Cochez la case pour confirmer la suppression" in refused.content.decode()
    assert OrderCycle.objects.filter(pk=cycle.pk).exists()
    assert client.post(delete, {"confirmed": "1"}).status_code == 302
    assert not OrderCycle.objects.filter(pk=cycle.pk).exists()


def test_an_opened_cycle_offers_neither_change_nor_deletion(world, client_for):
    cycle = make_cycle(world).cycle
    client = client_for(world.admin)
    detail = client.get(reverse("orders:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Modifier le brouillon" not in detail and "Supprimer le brouillon" not in detail
    for name in ("orders:cycle_edit", "orders:cycle_delete"):
        assert client.post(reverse(name, args=[cycle.pk]), {"confirmed": "1", "name": "x"}).status_code == 302
    assert OrderCycle.objects.get(pk=cycle.pk).name == "Commande de test"


# --- closing early, and the way back ---------------------------------------------------------------


def test_closing_now_asks_first_and_says_how_many_days_early(world, client_for):
    shop = make_cycle(world)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=timezone.now() + 6 * DAY)
    client = client_for(world.admin)
    url = reverse("orders:cycle_close", args=[shop.cycle.pk])
    detail = client.get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert f'href="{url}"' in detail  # a link to the confirmation page, not a button that closes
    page = client.get(url).content.decode()
    assert "seront closes maintenant, 6 jours avant leur échéance" in page
    assert "rouvrir les commandes tant que les bons fournisseurs ne sont pas créés" in page
    refused = client.post(url, {})
    assert refused.status_code == 422
    assert "Cochez la case pour confirmer la clôture" in refused.content.decode()
    assert status_of(shop.cycle) == "open"
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert status_of(shop.cycle) == "closed"


def test_reopening_after_an_early_close_keeps_the_deadline_and_is_recorded(world):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("5"), by=None)
    deadline = shop.cycle.closes_at
    now = timezone.now()
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, now=now)
    cycle = services.reopen_orders(cycle=shop.cycle, by=world.admin, now=now + HOUR)
    assert (cycle.status, cycle.closes_at, cycle.closed_at, cycle.closed_by) == ("open", deadline, None, None)
    event = CycleEvent.objects.filter(cycle=cycle).last()
    assert (event.kind, event.by, event.at) == ("open_again", world.admin, now + HOUR)
    services.set_line(cycle=cycle, member=world.member, product=shop.lentils, quantity=D("7"), by=None)
    assert OrderLine.objects.get().quantity == 7
    with pytest.raises(CycleStateError, match="déjà ouvertes"):
        services.reopen_orders(cycle=cycle, by=world.admin)


def test_reopening_once_the_deadline_has_passed_needs_a_new_one(world):
    shop = make_cycle(world)
    now = shop.cycle.closes_at + HOUR
    services.close_cycle(cycle=shop.cycle, by=None, now=now)
    with pytest.raises(CycleStateError, match="nouvelle échéance"):
        services.reopen_orders(cycle=shop.cycle, by=world.admin, now=now)
    assert status_of(shop.cycle) == "closed"
    cycle = services.reopen_orders(cycle=shop.cycle, by=world.admin, now=now, closes_at=now + DAY)
    assert (cycle.status, cycle.closes_at) == ("open", now + DAY)


def test_reopening_is_refused_once_the_purchase_orders_exist(world):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("25"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.admin, confirm=True)
    assert PurchaseOrder.objects.filter(cycle=shop.cycle).exists()
    with pytest.raises(CycleStateError, match="bons fournisseurs sont créés"):
        services.reopen_orders(cycle=shop.cycle, by=world.admin, closes_at=timezone.now() + DAY)
    assert status_of(shop.cycle) == "ordered" and "open_again" not in kinds(shop.cycle)


def test_the_reopen_form_of_a_closed_cycle(world, client_for):
    shop = make_cycle(world)
    services.close_cycle(cycle=shop.cycle, by=world.admin)
    client = client_for(world.admin)
    detail = client.get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert "Rouvrir les commandes" in detail and "tant que les bons fournisseurs ne sont pas créés" in detail
    url = reverse("orders:cycle_reopen", args=[shop.cycle.pk])
    refused = client.post(url, {"closes_at": "demain"})
    assert refused.status_code == 422 and 'value="demain"' in refused.content.decode()
    assert status_of(shop.cycle) == "closed"
    assert client.post(url, {"closes_at": ""}).status_code == 302  # the deadline planned is still ahead
    assert status_of(shop.cycle) == "open"


def test_confirming_the_purchase_orders_needs_the_tick_box(world, client_for):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("20"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.admin)
    client = client_for(world.admin)
    url = reverse("orders:review", args=[shop.cycle.pk])
    page = client.get(url).content.decode()
    assert "les commandes ne peuvent plus être rouvertes" in page and 'id="confirmed"' in page
    refused = client.post(url, {f"packs-{shop.lentils.pk}": "1", "confirm": "1"})
    text = refused.content.decode()
    assert refused.status_code == 422 and "Cochez la case pour confirmer" in text
    assert f'name="packs-{shop.lentils.pk}" value="1"' in text  # what was typed, shown again
    assert status_of(shop.cycle) == "closed" and not PurchaseOrder.objects.exists()
    recomputed = client.post(url, {f"packs-{shop.lentils.pk}": "1", "recompute": "1"})  # no tick needed
    assert recomputed.status_code == 200
    done = client.post(url, {f"packs-{shop.lentils.pk}": "1", "confirm": "1", "confirmed": "1"})
    assert done.status_code == 302 and status_of(shop.cycle) == "ordered"
