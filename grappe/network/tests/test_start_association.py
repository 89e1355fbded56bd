import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from grappe.core.services import must_choose_password
from grappe.network.models import Association, Role

pytestmark = pytest.mark.django_db


def start(**options):
    out = io.StringIO()
    call_command("start_association", stdout=out, **options)
    return out.getvalue()


def test_a_new_installation_gets_its_association_and_first_admin():
    text = start(name="VRAC Drôme", first_name="Marie", last_name="Durand", email="marie@example.org")
    association = Association.objects.get(slug="vrac-drome")
    admin = Role.objects.get(association=association, kind=Role.Kind.ADMIN).user
    password = text.rsplit(": ", 1)[1].strip()
    assert f"identifiant {admin.username}" in text and admin.email == "marie@example.org"
    assert authenticate(username=admin.username, password=password) is not None
    assert must_choose_password(admin)


def test_a_second_run_changes_nothing_and_says_why():
    start(name="VRAC Drôme", first_name="Marie", last_name="Durand")
    with pytest.raises(CommandError, match="a déjà un administrateur"):
        start(name="VRAC Drôme", first_name="Paul", last_name="Martin")
    assert Role.objects.filter(kind=Role.Kind.ADMIN).count() == 1


def test_the_first_admins_team_page_opens_and_says_the_installation_acted(client):
    start(name="VRAC Drôme", first_name="Marie", last_name="Durand", email="marie@example.org")
    admin = Role.objects.get(kind=Role.Kind.ADMIN).user
    client.force_login(admin)
    response = client.get(f"/reseau/equipe/{admin.pk}/")
    assert response.status_code == 200
    assert "par l'installation" in response.content.decode()
