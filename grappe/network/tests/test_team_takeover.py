"""Adding a person on the team page never attaches, nor gives a password to, a login that is not the
association's: another association's, nobody's (an operator's superuser) or a staff login."""

import pytest
from django.urls import reverse

from grappe.core import services as core_services
from grappe.core.errors import DomainError
from grappe.core.models import TemporaryPassword
from grappe.members.tests.personas import person
from grappe.network import services
from grappe.network.models import Role

pytestmark = pytest.mark.django_db


def test_another_associations_admin_cannot_take_over_roots_login(world, client_for, root):
    hash_before = root.password
    response = client_for(world.outsider).post(reverse("network:person_add"), {
        "first_name": "Ro", "last_name": "Ot", "email": "", "username": "root", "kind": "admin"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "root" in page  # the form again, with what was typed
    assert "password" not in response.context or not response.context.get("password")
    assert not Role.objects.filter(user=root).exists()
    assert not TemporaryPassword.objects.filter(user=root).exists()
    root.refresh_from_db()
    assert root.password == hash_before and root.check_password("root-secret-2026")


@pytest.mark.parametrize("how", ["username", "email"])
def test_a_login_of_nobody_is_not_attached(world, how):
    person("lonely", email="lonely@example.org")  # no role, no member
    found = {"username": "lonely"} if how == "username" else {"email": "lonely@example.org"}
    with pytest.raises(DomainError):
        services.add_person(association=world.association, by=world.admin, first_name="Lo", last_name="Nely",
                            kind="volunteer", groups=[world.group], **found)
    assert not Role.objects.filter(user__username="lonely").exists()


def test_a_login_of_another_association_is_refused_by_sign_in_name(world):
    with pytest.raises(DomainError):
        services.add_person(association=world.association, by=world.admin, first_name="O", last_name="U",
                            username="OUTSIDER", kind="volunteer", groups=[world.group])
    assert not world.outsider.roles.filter(association=world.association).exists()


def test_a_staff_login_of_the_team_is_not_attached_nor_given_a_password(world):
    world.volunteer.is_staff = True
    world.volunteer.save()
    with pytest.raises(DomainError):
        services.add_person(association=world.association, by=world.admin, first_name="V", last_name="S",
                            username="volunteer", kind="coordinator", groups=[world.group])
    with pytest.raises(DomainError):
        services.issue_temporary_password(association=world.association, user=world.volunteer, by=world.admin)
    assert not TemporaryPassword.objects.filter(user=world.volunteer).exists()


def test_the_team_page_gives_no_password_to_someone_without_a_role_here(world):
    lonely = person("lonely")
    with pytest.raises(DomainError):
        services.issue_temporary_password(association=world.association, user=lonely, by=world.admin)
    with pytest.raises(DomainError):
        services.issue_temporary_password(association=world.association, user=world.outsider, by=world.admin)
    assert not TemporaryPassword.objects.exists()


def test_core_never_issues_a_temporary_password_to_a_superuser_or_staff(world, root):
    staff = person("operator", is_staff=True)
    for user in (root, staff):
        with pytest.raises(DomainError):
            core_services.issue_temporary_password(user=user, by=world.admin)
    assert not TemporaryPassword.objects.exists()
    root.refresh_from_db()
    assert root.check_password("root-secret-2026")
