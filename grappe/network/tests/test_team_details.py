"""A team member's phone, and their name and e-mail corrected (issue 17)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from grappe.core.errors import REFUSED
from grappe.network import services
from grappe.network.models import PersonContact, Role, StaffAuditEntry

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_team_form_takes_a_phone(world, client_for):
    client = client_for(world.admin)
    assert 'name="phone"' in client.get(reverse("network:person_add")).content.decode()
    response = client.post(reverse("network:person_add"), {
        "first_name": "Paul", "last_name": "Sans-Mail", "email": "", "phone": "06 12 34 56 78", "username": "",
        "kind": Role.Kind.VOLUNTEER, "groups": [world.group.pk]})
    assert response.status_code == 200  # the temporary password page
    paul = User.objects.get(last_name="Sans-Mail")
    assert PersonContact.objects.get(user=paul).phone == "06 12 34 56 78"
    page = client_for(world.admin).get(reverse("network:person", args=[paul.pk])).content.decode()
    assert "06 12 34 56 78" in page and reverse("network:person_edit", args=[paul.pk]) in page


def test_an_admin_corrects_a_volunteers_name_email_and_phone(world, client_for):
    client = client_for(world.admin)
    url = reverse("network:person_edit", args=[world.volunteer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"first_name": "Valérie", "last_name": "Bénévole", "email": "val@example.org",
                                 "phone": "0475112233"})
    assert response.status_code == 302
    world.volunteer.refresh_from_db()
    assert (world.volunteer.first_name, world.volunteer.last_name, world.volunteer.email) == (
        "Valérie", "Bénévole", "val@example.org")
    assert world.volunteer.contact.phone == "0475112233"
    entry = StaffAuditEntry.objects.get(subject=world.volunteer, action=StaffAuditEntry.Action.CORRECTED)
    assert entry.actor == world.admin and "email" in entry.detail and "phone" in entry.detail


def test_an_email_of_another_account_is_refused_with_what_was_typed(world, client_for):
    world.coordinator.email = "coord@example.org"
    world.coordinator.save()
    response = client_for(world.admin).post(reverse("network:person_edit", args=[world.volunteer.pk]), {
        "first_name": "Val", "last_name": "B", "email": "coord@example.org", "phone": "0611"})
    assert response.status_code == REFUSED
    assert "coord@example.org" in response.content.decode()
    world.volunteer.refresh_from_db()
    assert world.volunteer.email != "coord@example.org"


def test_nothing_changed_writes_no_audit(world):
    changed = services.correct_person(association=world.association, user=world.volunteer, by=world.admin,
                                      first_name=world.volunteer.first_name or "V",
                                      last_name=world.volunteer.last_name or "B", email=world.volunteer.email)
    again = services.correct_person(association=world.association, user=world.volunteer, by=world.admin,
                                    first_name=world.volunteer.first_name, last_name=world.volunteer.last_name,
                                    email=world.volunteer.email)
    assert again == [] and StaffAuditEntry.objects.filter(action="corrected").count() == (1 if changed else 0)


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "outsider"])
def test_only_the_associations_admins_correct_people(world, client_for, who):
    response = client_for(getattr(world, who)).post(reverse("network:person_edit", args=[world.volunteer.pk]), {
        "first_name": "X", "last_name": "Y", "email": "", "phone": ""})
    assert response.status_code == 404
