"""A coordinator gives a member without e-mail an online login, or a new temporary password."""

import re

import pytest
from django.urls import reverse

from grappe.core.models import TemporaryPassword
from grappe.core.services import TEMPORARY_PASSWORD_DAYS
from grappe.members.models import AuditEntry, Member
from grappe.members.services import AccessRefused, erase_member, give_online_access, member_leaves
from grappe.members.tests.factories import MemberFactory
from grappe.members.tests.personas import person
from grappe.network.models import Role
from grappe.network.tests.factories import make_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_member(world):
    return MemberFactory(association=world.association, group=world.group, number=9012, name="Durand Paul")


def test_coordinator_gives_access_to_a_member_who_joined_on_paper(world, client_for, paper_member):
    client = client_for(world.coordinator)
    assert "Donner un accès en ligne" in client.get(reverse("members:detail", args=[paper_member.pk])).content.decode()
    response = client.post(reverse("members:access", args=[paper_member.pk]))
    assert response.status_code == 200
    paper_member.refresh_from_db()
    user = paper_member.user
    assert re.fullmatch(r"vrac-test-[a-hjkmnp-z2-9]{6}", user.username)  # not the member number: not guessable
    password = response.context["password"]
    assert password in response.content.decode() and user.check_password(password)
    assert response["Cache-Control"].startswith("max-age=0")
    assert f"dans les {TEMPORARY_PASSWORD_DAYS} jours" in response.content.decode()  # what the rule says
    assert TemporaryPassword.objects.filter(user=user, issued_by=world.coordinator, used_at=None).exists()
    entry = AuditEntry.objects.get(member=paper_member, action=AuditEntry.Action.ACCESS)
    assert entry.actor == world.coordinator and password not in str(entry.fields) + entry.detail


def test_new_temporary_password_for_an_existing_login(world, client_for):
    client = client_for(world.coordinator)
    page = client.get(reverse("members:detail", args=[world.member.pk])).content.decode()
    assert "Nouveau mot de passe provisoire" in page
    response = client.post(reverse("members:access", args=[world.member.pk]))
    world.member_user.refresh_from_db()
    assert world.member_user.check_password(response.context["password"])
    assert not world.member_user.check_password("pass-word-123")
    assert AuditEntry.objects.filter(member=world.member, action=AuditEntry.Action.PASSWORD).exists()


def test_the_slip_prints_the_temporary_password_only(world, client_for, paper_member):
    client = client_for(world.coordinator)
    password = client.post(reverse("members:access", args=[paper_member.pk])).context["password"]
    slip = client.post(reverse("members:access_slip", args=[paper_member.pk]), {"password": password})
    assert slip["Content-Type"] == "application/pdf" and slip.content.startswith(b"%PDF")
    forged = client.post(reverse("members:access_slip", args=[paper_member.pk]), {"password": "anything"})
    assert forged.status_code == 404


@pytest.mark.parametrize("persona", ["volunteer", "referrer", "member_user", "outsider"])
def test_only_a_coordinator_of_the_group_can_give_access(world, client_for, paper_member, persona):
    client = client_for(getattr(world, persona))
    assert client.post(reverse("members:access", args=[paper_member.pk])).status_code == 404
    assert client.post(reverse("members:access_slip", args=[paper_member.pk]), {"password": "x"}).status_code == 404
    paper_member.refresh_from_db()
    assert paper_member.user is None


def test_volunteer_cannot_reset_and_sees_no_button(world, client_for):
    client = client_for(world.volunteer)
    assert "Nouveau mot de passe provisoire" not in client.get(
        reverse("members:detail", args=[world.member.pk])).content.decode()
    assert client.post(reverse("members:access", args=[world.member.pk])).status_code == 404
    world.member_user.refresh_from_db()
    assert world.member_user.check_password("pass-word-123")


def test_coordinator_of_another_group_gets_404(world, client_for):
    elsewhere = MemberFactory(association=world.association, group=world.other_group)
    assert client_for(world.coordinator).post(reverse("members:access", args=[elsewhere.pk])).status_code == 404


def test_get_is_not_allowed(world, client_for, paper_member):
    assert client_for(world.coordinator).get(reverse("members:access", args=[paper_member.pk])).status_code == 405


def test_erased_or_left_members_cannot_be_given_access(world, paper_member):
    member_leaves(member=paper_member, by=world.coordinator)
    with pytest.raises(AccessRefused):
        give_online_access(member=paper_member, by=world.coordinator)
    erase_member(member=world.member, by=world.coordinator)
    with pytest.raises(AccessRefused):
        give_online_access(member=world.member, by=world.coordinator)
    assert Member.objects.get(pk=paper_member.pk).user is None


def test_refusal_is_shown_in_french(world, client_for, paper_member):
    member_leaves(member=paper_member, by=world.coordinator)
    client = client_for(world.coordinator)
    response = client.post(reverse("members:access", args=[paper_member.pk]), follow=True)
    assert "ne peut pas recevoir d&#x27;accès en ligne" in response.content.decode()


def test_a_team_members_login_cannot_be_taken_over_through_their_household(world):
    make_role(world.member_user, world.association, Role.Kind.VOLUNTEER, groups=[world.group])
    with pytest.raises(AccessRefused):
        give_online_access(member=world.member, by=world.coordinator)
    world.member_user.refresh_from_db()
    assert world.member_user.check_password("pass-word-123")


def test_member_sign_in_names_are_not_a_sequence(world):
    names = set()
    for number in range(9100, 9110):
        member = MemberFactory(association=world.association, group=world.group, number=number)
        user, _password = give_online_access(member=member, by=world.coordinator)
        assert str(number) not in user.username
        names.add(user.username)
    assert len(names) == 10


def test_a_member_login_keeps_its_sign_in_name(world, paper_member):
    paper_member.user = person("vrac-test-9012")  # made before names were random
    paper_member.save()
    user, _password = give_online_access(member=paper_member, by=world.coordinator)
    assert user.username == "vrac-test-9012"


def test_member_signs_in_with_the_temporary_password_then_chooses_their_own(world, client, paper_member):
    user, password = give_online_access(member=paper_member, by=world.coordinator)
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.url == reverse("password_choose")
    client.post(reverse("password_choose"), {"new_password1": "Grappe-Violette-2026",
                                             "new_password2": "Grappe-Violette-2026"})
    page = client.get(reverse("members:my_data")).content.decode()
    assert "Durand Paul" in page
