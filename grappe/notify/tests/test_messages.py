"""A coordinator's one-off message when plans change: each person once, on the right channel; the call
list gets those who prefer a call or paper; opt-outs, left and erased members are skipped and counted;
a double press sends once; quiet hours; the preview's SMS count and cost; access."""

import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.distribution import services as distribution_services
from grappe.distribution.tests.factories import make_day
from grappe.members.models import Member
from grappe.members.tests import personas
from grappe.members.tests.factories import MemberFactory
from grappe.network.access import scope_for
from grappe.network.models import Role
from grappe.network.tests.factories import SiteFactory
from grappe.notify import services
from grappe.notify.audiences import distribution_audience, group_audience, plan, stop_audience
from grappe.notify.models import OneOffMessage, SentNotification
from grappe.notify.sms import ConsoleBackend

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
Status = SentNotification.Status


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def backend():
    return ConsoleBackend(stream=io.StringIO())


@pytest.fixture
def people(world):
    """Romans: Jeanne (SMS, the personas' member), one by e-mail, one by phone call, one on paper, one with
    only an e-mail though she prefers SMS, one opted out, one who left, one erased."""
    def member(name, **fields):
        return MemberFactory(association=world.association, group=world.group, name=name, **fields)
    Member.objects.filter(pk=world.member.pk).update(preferred_channel="sms", phone="06 11 11 11 11")
    return {
        "sms": world.member,
        "email": member("Par Courriel", preferred_channel="email", email="courriel@example.org"),
        "call": member("Par Appel", preferred_channel="call", phone="04 75 00 00 00"),
        "paper": member("Par Papier", preferred_channel="paper", phone=""),
        "fallback": member("Sans Mobile", preferred_channel="sms", phone="04 75 11 11 11", email="fixe@example.org"),
        "opted_out": member("Sans Rappels", reminders_opt_out=True),
        "left": member("Partie", status=Member.Status.LEFT),
        "erased": member("Effacée", erased_at=timezone.now()),
    }


def send(world, audience, text="Le camion aura 40 minutes de retard à Luc-en-Diois.", *, now, about=None,
         token=None, backend=None):
    message, made = services.create_message(audience=audience, text=text, about_date=about,
                                            token=token or uuid.uuid4(), by=world.coordinator, now=now)
    return services.deliver_message(message=message, now=now, backend=backend), made


def test_each_person_once_on_the_right_channel_and_the_call_list_gets_the_rest(world, people, backend):
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    message, _made = send(world, audience, now=paris(2026, 12, 3, 10, 0), backend=backend)
    rows = {row.member_id: row for row in SentNotification.objects.filter(kind="message", key=message.key)}
    assert backend.sent == [("+33611111111", "Le camion aura 40 minutes de retard à Luc-en-Diois.")]
    assert sorted(m.to[0] for m in mail.outbox) == ["courriel@example.org", "fixe@example.org"]
    by_email = next(m for m in mail.outbox if m.to == ["courriel@example.org"])
    assert by_email.body.startswith("Bonjour") and "40 minutes de retard à Luc-en-Diois" in by_email.body
    assert by_email.subject == "Des nouvelles de votre groupement d'achat Romans"
    assert (rows[people["sms"].pk].channel, rows[people["sms"].pk].status) == ("sms", Status.SENT)
    assert (rows[people["fallback"].pk].channel, rows[people["fallback"].pk].status) == ("email", Status.SENT)
    assert {rows[people[k].pk].status for k in ("call", "paper")} == {Status.TO_CALL}
    assert not {people[k].pk for k in ("opted_out", "left", "erased")} & set(rows)
    assert (message.sms, message.email, message.to_call, message.skipped_opt_out, message.skipped_gone) == (
        1, 2, 2, 1, 2)
    assert message.sms_parts == 1 and message.sent_at == paris(2026, 12, 3, 10, 0)


def test_the_call_list_shows_those_to_call(world, people, client_for, backend):
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    send(world, audience, now=timezone.now().replace(hour=10), backend=backend)
    page = client_for(world.volunteer).get(reverse("notify:calls")).content.decode()
    assert "Par Appel" in page and "Par Papier" in page and "Message d&#x27;un coordinateur" in page
    assert "Sans Rappels" not in page and "Partie" not in page


def test_sending_again_or_twice_at_once_sends_nothing_more(world, people, backend):
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    token = uuid.uuid4()
    now = paris(2026, 12, 3, 10, 0)
    first, made = send(world, audience, now=now, token=token, backend=backend)
    again, made_again = send(world, audience, now=now, token=token, backend=backend)  # "Envoyer" pressed twice
    services.deliver_message(message=first, now=now + timedelta(minutes=5), backend=backend)  # the timer too
    assert made and not made_again and again.pk == first.pk
    assert OneOffMessage.objects.count() == 1 and len(backend.sent) == 1 and len(mail.outbox) == 2
    assert SentNotification.objects.filter(kind="message").count() == 5


def test_a_volunteer_with_two_slots_gets_one_message_through_her_member_record(world, backend):
    day = make_day(world)
    distribution_services.add_slot(distribution=day.day, task="Accueil")
    distribution_services.add_slot(distribution=day.day, task="Pesée")
    helper = personas.person("helper", world.association, Role.Kind.VOLUNTEER, groups=[world.group])
    helper.email = "helper@example.org"
    helper.save()
    day.day.slots.update(volunteer=helper)
    Member.objects.filter(pk=world.member.pk).update(user=world.volunteer, preferred_channel="sms")
    day.day.slots.filter(task="Pesée").update(volunteer=world.volunteer)
    distribution_services.add_slot(distribution=day.day, task="Caisse")
    day.day.slots.filter(task="Caisse").update(volunteer=world.volunteer)
    audience = distribution_audience(scope_for(world.coordinator), day.day.pk, volunteers=True)
    message, _ = send(world, audience, "Rendez-vous à 13h", now=paris(2026, 12, 3, 10, 0), backend=backend)
    assert backend.sent == [("+33600000000", "Rendez-vous à 13h")]  # the volunteer's member record: SMS
    assert [m.to for m in mail.outbox] == [["helper@example.org"]]  # no member record: her login's e-mail
    assert (message.sms, message.email) == (1, 1)


def test_a_stops_members_and_a_distributions_members(world, backend):
    day = make_day(world)
    stop = SiteFactory(group=world.group, name="Luc-en-Diois", is_stop=True)
    Member.objects.filter(pk=day.paul.pk).update(stop=stop)
    scope = scope_for(world.coordinator)
    assert [line.recipient.member for line in plan(stop_audience(scope, stop.pk), "x").lines] == [day.paul]
    members = {line.recipient.member for line in plan(distribution_audience(scope, day.day.pk), "x").lines}
    assert members == {day.jeanne, day.paul}  # not Alice, of Die


# --- Quiet hours ----------------------------------------------------------------------------------

@pytest.mark.parametrize("now, about, leaves", [
    (paris(2027, 1, 5, 6, 59), date(2027, 1, 5), paris(2027, 1, 5, 7, 0)),  # today's distribution, too early
    (paris(2027, 1, 5, 7, 0), date(2027, 1, 5), paris(2027, 1, 5, 7, 0)),  # at 7 h it goes
    (paris(2027, 1, 5, 20, 30), date(2027, 1, 6), paris(2027, 1, 5, 20, 30)),  # tomorrow's: until 21 h
    (paris(2027, 1, 5, 21, 0), date(2027, 1, 6), paris(2027, 1, 6, 7, 0)),
    (paris(2027, 1, 5, 20, 0), None, paris(2027, 1, 6, 9, 0)),  # another subject: the reminders' 9 h-20 h
    (paris(2027, 1, 5, 8, 0), date(2027, 1, 9), paris(2027, 1, 5, 9, 0)),  # a later distribution too
])
def test_quiet_hours(world, people, backend, now, about, leaves):
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    message, _ = send(world, audience, now=now, about=about, backend=backend)
    assert message.send_at == leaves
    assert bool(message.sent_at) == (leaves == now) and bool(backend.sent) == (leaves == now)
    if leaves != now:  # the timer (send_reminders) or the queued task sends it once its time has come
        assert services.deliver_due_messages(now=leaves - timedelta(seconds=1), backend=backend) == 0
        assert services.deliver_due_messages(now=leaves, backend=backend) == 1
        assert len(backend.sent) == 1 and OneOffMessage.objects.get().sent_at == leaves


# --- Pages ----------------------------------------------------------------------------------------

@pytest.mark.usefixtures("daytime")  # the message leaves at once only in the day
def test_preview_shows_counts_length_parts_and_cost_then_sends(world, people, client_for, settings,
                                                               django_capture_on_commit_callbacks):
    settings.SMS_PRICE_PER_PART = D("0.07")
    client = client_for(world.coordinator)
    url = reverse("notify:message_group", args=[world.group.pk])
    assert client.get(url + "?texte=Bonjour").status_code == 200
    text = "Distribution annulée pour cause de neige. " * 5  # 209 characters: two parts
    token = str(uuid.uuid4())
    page = client.post(url, {"step": "preview", "text": text, "token": token})
    html = page.content.decode().replace("\u00a0", " ")
    assert page.status_code == 200
    assert "1 SMS × 2 parties × 0,07 € = 0,14 €" in html
    assert "En SMS : 209 caractères" in html and "2 parties" in html
    refused = client.post(url, {"step": "send", "text": text, "token": token})  # not confirmed
    assert refused.status_code == 422 and "cause de neige" in refused.content.decode()
    assert OneOffMessage.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"step": "send", "text": text, "token": token, "confirm": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"step": "send", "text": text, "token": token, "confirm": "on"})  # a double click
    message = OneOffMessage.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("notify:message", args=[message.pk])
    assert SentNotification.objects.filter(kind="message", key=message.key).count() == 5
    detail = client.get(sent["Location"]).content.decode()
    assert "Par Appel" in detail and "Martin Jeanne" in detail
    assert message.text[:40] in client.get(reverse("notify:messages")).content.decode()


def test_an_empty_message_is_refused_as_typed(world, client_for):
    client = client_for(world.coordinator)
    page = client.post(reverse("notify:message_group", args=[world.group.pk]),
                       {"step": "preview", "text": "   ", "subject": "Mon objet", "token": str(uuid.uuid4())})
    assert page.status_code == 422 and 'value="Mon objet"' in page.content.decode()


def test_access(world, client_for):
    die_site = SiteFactory(group=world.other_group, name="Die", is_stop=True)
    day = make_day(world)
    die_day = day.distributions[0] if day.distributions[0].group_id == world.other_group.pk else day.distributions[1]
    coordinator = client_for(world.coordinator)  # Romans only
    for name, args in [("notify:message_group", [world.other_group.pk]), ("notify:message_stop", [die_site.pk]),
                       ("notify:message_distribution", [die_day.pk]), ("notify:message_volunteers", [die_day.pk]),
                       ("notify:message_cycle_group", [day.cycle.pk, world.other_group.pk])]:
        assert coordinator.get(reverse(name, args=args)).status_code == 404, name
    assert coordinator.get(reverse("notify:message_cycle", args=[day.cycle.pk])).status_code == 200
    assert client_for(world.volunteer).get(reverse("notify:message_group", args=[world.group.pk])).status_code == 404
    assert client_for(world.outsider).get(reverse("notify:message_group", args=[world.group.pk])).status_code == 404
    admin_message, _ = services.create_message(audience=group_audience(scope_for(world.admin), world.other_group.pk),
                                               text="Die", token=uuid.uuid4(), by=world.admin)
    assert coordinator.get(reverse("notify:message", args=[admin_message.pk])).status_code == 404
    assert client_for(world.admin).get(reverse("notify:message", args=[admin_message.pk])).status_code == 200


def test_a_cycle_message_reaches_only_the_coordinators_groups(world):
    day = make_day(world)
    coordinator_plan = plan(services.audience_of(OneOffMessage(
        association=world.association, audience="cycle_members", cycle=day.cycle, group_ids=[world.group.pk])), "x")
    assert {line.recipient.member for line in coordinator_plan.lines} == {day.jeanne, day.paul}


def test_the_distribution_day_offers_a_message_to_its_coordinator_only(world, client_for):
    day = make_day(world)
    url = reverse("notify:message_distribution", args=[day.day.pk])
    page = client_for(world.coordinator).get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert url in page
    page = client_for(world.volunteer).get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert url not in page


def test_a_changed_stop_time_offers_to_tell_those_who_ordered_there(world, client_for):
    day = make_day(world)
    cycle_group = day.cycle.cycle_groups.get(group=world.group)
    client = client_for(world.coordinator)
    url = reverse("orders:cycle_schedule", args=[day.cycle.pk])
    data = {f"date-{cycle_group.pk}": cycle_group.distribution_date.isoformat(), f"time-{cycle_group.pk}": "18 h",
            f"place-{cycle_group.pk}": cycle_group.place}
    saved = client.post(url, data)
    assert saved.status_code == 302 and "changed=g" in saved["Location"]
    page = client.get(saved["Location"]).content.decode().replace("\u00a0", " ")
    compose = reverse("notify:message_cycle_group", args=[day.cycle.pk, world.group.pk])
    assert compose + "?changement=1" in page and "Prévenir les 2 personnes concernées" in page
    form = client.get(compose + "?changement=1").content.decode()
    assert "Changement" in form and "18 h" in form
    assert client.post(url, data)["Location"] == reverse("orders:cycle_detail", args=[day.cycle.pk])  # no change


def test_the_timer_sends_a_queued_message_at_7_though_reminders_wait_for_9(world, people, monkeypatch, settings):
    from django.core.management import call_command

    from grappe.notify.management.commands import send_reminders

    settings.NOTIFY_HOURS = (9, 20)
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    message, _made = services.create_message(audience=audience, text="Distribution annulée", token=uuid.uuid4(),
                                             about_date=date(2027, 1, 5), by=world.coordinator,
                                             now=paris(2027, 1, 5, 6, 30))
    assert message.send_at == paris(2027, 1, 5, 7, 0)
    out = io.StringIO()
    monkeypatch.setattr(send_reminders.timezone, "now", lambda: paris(2027, 1, 5, 7, 5))
    call_command("send_reminders", stdout=out)
    assert "Coordinators' messages sent: 1" in out.getvalue() and "Outside sending hours" in out.getvalue()
    assert OneOffMessage.objects.get().sent_at == paris(2027, 1, 5, 7, 5)


def test_a_member_reading_arabic_gets_the_text_as_typed_greeted_in_arabic(world, backend):
    member = MemberFactory(association=world.association, group=world.group, name="Haddad Amina", first_name="Amina",
                           language="ar", preferred_channel="email", email="amina@example.org")
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    send(world, audience, "Distribution annulée pour cause de neige.", now=paris(2026, 12, 3, 10, 0), backend=backend)
    [email] = [m for m in mail.outbox if m.to == [member.email]]
    assert "Amina" in email.body.splitlines()[0] and not email.body.startswith("Bonjour")
    assert "Distribution annulée pour cause de neige." in email.body


def test_a_message_for_later_waits_on_the_job_queue_until_the_quiet_hours_end(world, people, settings,
                                                                              django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    audience = group_audience(scope_for(world.coordinator), world.group.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message, _made = services.create_message(audience=audience, text="Réunion", token=uuid.uuid4(),
                                                 by=world.coordinator, now=paris(2027, 1, 5, 22, 0))
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "grappe.notify.tasks.send_message" and queued.args_kwargs["args"] == [message.pk]
    assert queued.run_after == paris(2027, 1, 6, 9, 0) == message.send_at
    assert not SentNotification.objects.exists()
