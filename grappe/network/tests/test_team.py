"""The team of an association: who may see it, adding people, roles, deactivation, the audit."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from grappe.core.errors import DomainError
from grappe.core.models import ApiToken, TemporaryPassword
from grappe.members.tests.personas import person
from grappe.network import services
from grappe.network.models import Role, StaffAuditEntry
from grappe.network.tests.factories import BuyingGroupFactory, PartnerFactory, make_role

pytestmark = pytest.mark.django_db
User = get_user_model()


# --- who sees what ----------------------------------------------------------------------------

def test_admin_sees_the_whole_team_with_its_details(world, client_for, django_assert_max_num_queries):
    client = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("network:team"))
    text = response.content.decode()
    for username in ("admin", "coordinator", "volunteer", "referrer"):
        assert f"{username}</dd>" in text
    assert "outsider" not in text and "member</dd>" not in text
    assert "CCAS de Romans" in text and "Deux étapes" not in text  # role detail shown
    assert reverse("network:person_add") in text


def test_team_list_query_count_does_not_grow_with_people(world, client_for, django_assert_max_num_queries):
    for number in range(15):
        person(f"extra{number}", world.association, Role.Kind.VOLUNTEER, groups=[world.group, world.other_group])
    client = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("network:team"))
    assert "extra14" in response.content.decode()


def test_coordinator_sees_their_groups_team_read_only(world, client_for):
    person("die_only", world.association, Role.Kind.VOLUNTEER, groups=[world.other_group])
    text = client_for(world.coordinator).get(reverse("network:team")).content.decode()
    assert "volunteer</dd>" in text and "coordinator</dd>" in text
    assert "die_only" not in text and "referrer</dd>" not in text
    assert reverse("network:person_add") not in text
    assert reverse("network:person", args=[world.volunteer.pk]) not in text


@pytest.mark.parametrize("persona", ["volunteer", "referrer", "member_user", "outsider"])
def test_others_cannot_see_the_team(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(reverse("network:team"))
    assert response.status_code == 404 or "volunteer</dd>" not in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "volunteer", "referrer"])
def test_only_admins_manage_the_team(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("network:person_add")).status_code == 404
    assert client.get(reverse("network:person", args=[world.volunteer.pk])).status_code == 404
    assert client.post(reverse("network:person_deactivate", args=[world.volunteer.pk])).status_code == 404


def test_people_of_another_association_are_invisible(world, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("network:person", args=[world.outsider.pk])).status_code == 404
    assert client.post(reverse("network:person_deactivate", args=[world.outsider.pk])).status_code == 404
    outsider_role = world.outsider.roles.get()
    assert client.post(reverse("network:role_remove", args=[world.outsider.pk, outsider_role.pk])).status_code == 404
    # nor their roles through a person of ours
    assert client.post(reverse("network:role_remove", args=[world.volunteer.pk, outsider_role.pk])).status_code == 404
    world.outsider.refresh_from_db()
    assert world.outsider.is_active and Role.objects.filter(pk=outsider_role.pk).exists()


def test_nav_and_overview_link_the_team_for_admins(world, client_for):
    text = client_for(world.admin).get(reverse("network:overview")).content.decode()
    assert text.count(reverse("network:team")) >= 2  # menu and overview
    text = client_for(world.volunteer).get(reverse("network:overview")).content.decode()
    assert reverse("network:team") not in text


# --- adding people ----------------------------------------------------------------------------

def test_admin_adds_a_volunteer_without_email_and_gets_a_temporary_password(world, client_for):
    response = client_for(world.admin).post(reverse("network:person_add"), {
        "first_name": "Hélène", "last_name": "Garçon", "email": "", "username": "", "kind": "volunteer",
        "groups": [world.group.pk],
    })
    assert response.status_code == 200
    person = User.objects.get(username="helene.garcon")
    assert person.first_name == "Hélène" and person.email == "" and person.is_active
    role = person.roles.get()
    assert role.association == world.association and list(role.groups.all()) == [world.group]
    password = response.context["password"]
    assert password in response.content.decode() and person.check_password(password)
    assert not set(password) & set("0O1lI")
    actions = set(StaffAuditEntry.objects.filter(subject=person, actor=world.admin).values_list("action", flat=True))
    assert actions == {"added", "role_added", "password_issued"}
    assert not any(password in entry.detail for entry in StaffAuditEntry.objects.all())


def test_same_name_twice_in_two_associations_gets_a_free_sign_in_name(world):
    person("jean.dupont", first_name="Jean", last_name="Dupont")  # someone else's account
    added = services.add_person(association=world.association, by=world.admin, first_name="Jean",
                                last_name="Dupont", kind="admin")
    assert added.created and added.user.username == "jean.dupont2"
    assert not added.user.has_usable_password()


def test_an_existing_person_of_the_association_gets_the_role_not_a_duplicate(world, client_for):
    world.volunteer.email = "v@example.org"
    world.volunteer.save()
    users_before = User.objects.count()
    response = client_for(world.admin).post(reverse("network:person_add"), {
        "first_name": "Vol", "last_name": "Unteer", "email": "V@Example.org", "kind": "coordinator",
        "groups": [world.other_group.pk],
    })
    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert set(world.volunteer.roles.values_list("kind", flat=True)) == {"volunteer", "coordinator"}


def test_a_person_added_twice_by_name_is_not_duplicated(world):
    first = services.add_person(association=world.association, by=world.admin, first_name="Ana",
                                last_name="Silva", kind="volunteer", groups=[world.group])
    again = services.add_person(association=world.association, by=world.admin, first_name="Ana",
                                last_name="Silva", kind="coordinator", groups=[world.group])
    assert not again.created and again.user == first.user
    with pytest.raises(DomainError, match="a déjà ce rôle"):
        services.add_person(association=world.association, by=world.admin, first_name="Ana",
                            last_name="Silva", kind="volunteer", groups=[world.other_group])


def test_a_member_of_the_association_can_become_a_volunteer(world):
    world.member_user.email = "jeanne@example.org"
    world.member_user.save()
    added = services.add_person(association=world.association, by=world.admin, first_name="Jeanne",
                                last_name="Martin", email="jeanne@example.org", kind="volunteer", groups=[world.group])
    assert not added.created and added.user == world.member_user


def test_a_person_of_another_association_is_refused(world, client_for):
    world.outsider.email = "o@example.org"
    world.outsider.save()
    response = client_for(world.admin).post(reverse("network:person_add"), {
        "first_name": "O", "last_name": "Utsider", "email": "o@example.org", "kind": "admin",
    })
    assert response.status_code == 200
    assert "une seule association" in response.content.decode()
    assert not world.outsider.roles.filter(association=world.association).exists()


def test_a_member_of_another_association_is_refused(world):
    from grappe.members.tests.factories import MemberFactory

    user = person("far", email="far@example.org")
    MemberFactory(association=world.elsewhere, group=world.elsewhere_group, user=user)
    with pytest.raises(DomainError, match="une seule association"):
        services.add_person(association=world.association, by=world.admin, first_name="F", last_name="Ar",
                            email="far@example.org", kind="volunteer", groups=[world.group])


@pytest.mark.parametrize("kind", ["volunteer", "coordinator"])
def test_a_group_role_needs_a_group_of_this_association(world, client_for, kind):
    client = client_for(world.admin)
    for groups in ([], [world.elsewhere_group.pk]):
        response = client.post(reverse("network:person_add"), {
            "first_name": "Paul", "last_name": "Sans", "kind": kind, "groups": groups})
        assert response.status_code == 200
        assert not User.objects.filter(last_name="Sans").exists()
    with pytest.raises(DomainError, match="au moins un groupement"):
        services.add_person(association=world.association, by=world.admin, first_name="Paul", last_name="Sans",
                            kind=kind, groups=[world.elsewhere_group])


def test_a_referrer_needs_a_partner_of_this_association(world, client_for):
    response = client_for(world.admin).post(reverse("network:person_add"), {
        "first_name": "Rita", "last_name": "Ref", "kind": "referrer"})
    assert "un partenaire de cette association" in response.content.decode()
    foreign = PartnerFactory(association=world.elsewhere)
    with pytest.raises(DomainError, match="un partenaire de cette association"):
        services.add_person(association=world.association, by=world.admin, first_name="Rita", last_name="Ref",
                            kind="referrer", partner=foreign)
    assert not User.objects.filter(last_name="Ref").exists()


# --- changing and removing roles --------------------------------------------------------------

def test_admin_changes_a_volunteers_groups(world, client_for):
    role = world.volunteer.roles.get()
    response = client_for(world.admin).post(reverse("network:role_edit", args=[world.volunteer.pk, role.pk]),
                                            {"groups": [world.other_group.pk]})
    assert response.status_code == 302
    assert list(role.groups.all()) == [world.other_group]
    entry = StaffAuditEntry.objects.get(subject=world.volunteer, action="role_changed")
    assert entry.actor == world.admin and entry.detail == "Die"


def test_changing_groups_to_none_or_foreign_is_refused(world):
    role = world.volunteer.roles.get()
    with pytest.raises(DomainError):
        services.change_role(role=role, by=world.admin, groups=[])
    with pytest.raises(DomainError):
        services.change_role(role=role, by=world.admin, groups=[BuyingGroupFactory(association=world.elsewhere)])
    assert list(role.groups.all()) == [world.group]


def test_admin_adds_and_removes_a_role(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse("network:role_add", args=[world.volunteer.pk]),
                           {"kind": "referrer", "partner": world.partner.pk})
    assert response.status_code == 302
    role = world.volunteer.roles.get(kind="referrer")
    client.post(reverse("network:role_remove", args=[world.volunteer.pk, role.pk]))
    assert not world.volunteer.roles.filter(kind="referrer").exists()
    assert StaffAuditEntry.objects.filter(subject=world.volunteer, action="role_removed", kind="referrer").exists()


def test_the_only_role_cannot_be_removed(world):
    with pytest.raises(DomainError, match="seul rôle"):
        services.remove_role(role=world.volunteer.roles.get(), by=world.admin)


def test_the_last_active_admin_cannot_lose_the_role_or_be_deactivated(world, client_for):
    make_role(world.admin, world.association, Role.Kind.COORDINATOR, groups=[world.group])
    admin_role = world.admin.roles.get(kind="admin")
    with pytest.raises(DomainError, match="dernier administrateur"):
        services.remove_role(role=admin_role, by=world.admin)
    second = person("second_admin", world.association, Role.Kind.ADMIN)
    response = client_for(second).post(reverse("network:person_deactivate", args=[world.admin.pk]), follow=True)
    assert "Désactivé" in response.content.decode()
    # now `second` is the last active admin: the first one, deactivated, does not count
    with pytest.raises(DomainError, match="dernier administrateur"):
        services.deactivate_person(association=world.association, user=second, by=world.admin)
    response = client_for(second).post(reverse("network:role_remove", args=[second.pk, second.roles.get().pk]),
                                       follow=True)
    assert "dernier administrateur" in response.content.decode()
    assert second.roles.filter(kind="admin").exists()


def test_nobody_deactivates_themselves(world):
    with pytest.raises(DomainError, match="vous-même"):
        services.deactivate_person(association=world.association, user=world.admin, by=world.admin)


# --- deactivation -----------------------------------------------------------------------------

def test_deactivation_ends_sessions_and_tokens_and_keeps_roles(world, client, client_for):
    client.force_login(world.volunteer)
    assert client.get(reverse("network:overview")).status_code == 200
    _token, key = ApiToken.create_for(world.volunteer, "phone")
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(world.admin)
    response = admin_client.post(reverse("network:person_deactivate", args=[world.volunteer.pk]))
    assert response.status_code == 302
    world.volunteer.refresh_from_db()
    assert not world.volunteer.is_active
    assert world.volunteer.roles.count() == 1
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.volunteer.pk) for s in Session.objects.all())
    assert client.get(reverse("network:overview")).status_code == 302  # back to sign-in
    assert ApiToken.objects.get(user=world.volunteer).revoked_at is not None
    assert Client().get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert not Client().login(username="volunteer", password="pass-word-123")
    entry = StaffAuditEntry.objects.get(subject=world.volunteer, action="deactivated")
    assert entry.actor == world.admin
    # still listed, marked, and can come back
    assert "désactivé" in admin_client.get(reverse("network:team")).content.decode()
    admin_client.post(reverse("network:person_reactivate", args=[world.volunteer.pk]))
    world.volunteer.refresh_from_db()
    assert world.volunteer.is_active
    assert StaffAuditEntry.objects.filter(subject=world.volunteer, action="reactivated").exists()


def test_a_deactivated_person_gets_no_new_role(world):
    services.deactivate_person(association=world.association, user=world.volunteer, by=world.admin)
    with pytest.raises(DomainError, match="réactivez"):
        services.add_role(association=world.association, user=world.volunteer, by=world.admin, kind="referrer",
                          partner=world.partner)


def test_the_temporary_password_is_cores_one_use_password_with_a_slip(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse("network:person_add"), {
        "first_name": "Lucie", "last_name": "Bernard", "kind": "volunteer", "groups": [world.group.pk]})
    person = User.objects.get(username="lucie.bernard")
    password = response.context["password"]
    assert TemporaryPassword.objects.get(user=person).issued_by == world.admin
    assert response["Cache-Control"].startswith("max-age=0")
    slip = client.post(reverse("network:person_slip", args=[person.pk]), {"password": password})
    assert slip["Content-Type"] == "application/pdf"
    assert client.post(reverse("network:person_slip", args=[person.pk]), {"password": "guess"}).status_code == 404
    # a new one replaces it; the old slip can no longer be printed
    response = client.post(reverse("network:person_password", args=[person.pk]))
    assert response.context["password"] != password
    assert client.post(reverse("network:person_slip", args=[person.pk]), {"password": password}).status_code == 404
    assert StaffAuditEntry.objects.filter(subject=person, action="password_issued").count() == 2


def test_no_temporary_password_for_someone_else(world, client_for):
    client = client_for(world.admin)
    assert client.post(reverse("network:person_password", args=[world.outsider.pk])).status_code == 404
    assert client_for(world.coordinator).post(
        reverse("network:person_password", args=[world.volunteer.pk])).status_code == 404
    assert not TemporaryPassword.objects.exists()
