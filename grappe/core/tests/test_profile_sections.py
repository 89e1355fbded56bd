"""A household's profile shows its password and e-mail, not the staff settings (two-step sign-in, API
tokens), unless it already uses one of them; the team sees them all."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from grappe.core.models import ApiToken

pytestmark = pytest.mark.django_db


def sections(client):
    page = client.get(reverse("profile")).content.decode()
    return {"password": 'id="password-title"' in page, "email": 'id="email-title"' in page,
            "totp": 'id="totp-title"' in page, "tokens": 'id="tokens-title"' in page}


def test_a_household_sees_only_its_own_settings(world, client_for):
    assert sections(client_for(world.member_user)) == {"password": True, "email": True, "totp": False,
                                                       "tokens": False}


@pytest.mark.parametrize("who", ["admin", "coordinator", "volunteer"])
def test_the_team_sees_the_staff_settings(world, client_for, who):
    assert sections(client_for(getattr(world, who))) == {"password": True, "email": True, "totp": True,
                                                         "tokens": True}


def test_a_household_that_uses_two_step_sign_in_or_a_token_can_still_turn_it_off(world, client_for):
    TOTPDevice.objects.create(user=world.member_user, name="x", confirmed=True)
    assert sections(client_for(world.member_user))["totp"]
    TOTPDevice.objects.filter(user=world.member_user).delete()
    ApiToken.create_for(world.member_user, "tableur")
    assert sections(client_for(world.member_user))["tokens"]
