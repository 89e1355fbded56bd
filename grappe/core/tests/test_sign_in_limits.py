"""Sign-in limits that stop guessing without letting a stranger lock someone out.

Failures are counted per (account, address) and, from addresses that never signed in to the account,
per account; an address is limited on the accounts it never signed in to. The client address is read
from the trusted proxies' X-Forwarded-For."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from grappe.core import auth
from grappe.core.models import FailedLogin, SignInAddress
from grappe.members.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD, address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_a_hundred_failures_from_strangers_do_not_lock_the_admin_out(world, client):
    assert signed_in(login(client.__class__(), "admin", address="192.0.2.10"))  # her usual address
    for number in range(10):
        stranger = client.__class__()
        for _ in range(10):
            assert not signed_in(login(stranger, "admin", "wrong", address=f"198.51.100.{number}"))
    assert signed_in(login(client, "admin", address="192.0.2.10"))


def test_strangers_are_still_stopped_on_the_account(world, client, settings):
    for number in range(10):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            login(client.__class__(), "admin", "wrong", address=f"198.51.100.{number}")
    # even the right password from a new address waits: guessing from many addresses is bounded
    response = login(client, "admin", address="203.0.113.7")
    assert not signed_in(response) and "15 minutes" in response.content.decode()


def test_one_address_locks_only_itself_on_that_account(world, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client.__class__(), "coordinator", "wrong", address="198.51.100.1")
    assert not signed_in(login(client.__class__(), "coordinator", address="198.51.100.1"))
    assert signed_in(login(client, "coordinator", address="192.0.2.44"))


def test_failures_on_other_accounts_from_a_shared_address_do_not_block_its_regular_users(world, client, settings):
    """A social centre, or every user behind a proxy: one address, many people."""
    assert signed_in(login(client.__class__(), "member", address="192.0.2.1"))
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 5):
        login(client.__class__(), f"guess{number}", "wrong", address="192.0.2.1")
    assert signed_in(login(client, "member", address="192.0.2.1"))
    # but that address can no longer spray passwords over accounts it does not know
    assert not signed_in(login(client.__class__(), "volunteer", address="192.0.2.1"))


def test_the_client_address_comes_from_the_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert auth.client_ip(request) == "10.0.0.1"  # the header is ignored: anyone can send it
    settings.TRUSTED_PROXY_COUNT = 1
    assert auth.client_ip(request) == "203.0.113.5"  # what our proxy saw, not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 2
    assert auth.client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: not through them, keep REMOTE_ADDR
    assert auth.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert auth.client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.1"
    assert auth.client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_behind_the_proxy_each_person_counts_apart(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.__class__().post(reverse("login"), {"username": "coordinator", "password": "wrong"},
                                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.60")
    assert signed_in(response)
    assert SignInAddress.objects.get(user=world.coordinator).ip_address == "192.0.2.60"


def test_old_failure_rows_are_purged_as_new_ones_are_written(world, settings):
    old = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW + 60)
    FailedLogin.objects.bulk_create([FailedLogin(username=f"x{n}", ip_address="192.0.2.1", at=old)
                                     for n in range(30)])
    auth.record_failure("someone", "192.0.2.2")
    assert FailedLogin.objects.filter(at__lt=old + datetime.timedelta(seconds=1)).count() == 0
    assert FailedLogin.objects.count() == 1


def test_a_successful_sign_in_clears_only_its_own_address_failures(world, client):
    login(client.__class__(), "admin", "wrong", address="192.0.2.10")
    login(client.__class__(), "admin", "wrong", address="198.51.100.1")
    assert signed_in(login(client, "admin", address="192.0.2.10"))
    assert list(FailedLogin.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]


def test_erasing_a_member_deletes_the_sign_in_rows_that_carry_their_name_or_email(world, client):
    from grappe.members.services import erase_member

    world.member.email = "jeanne@example.org"
    world.member.save()
    world.member_user.email = "jeanne.own@example.org"
    world.member_user.save()
    assert signed_in(login(client.__class__(), "member", address="192.0.2.1"))
    login(client.__class__(), "Member", "wrong", address="198.51.100.1")
    auth.record_reset_request("Jeanne@example.org", "198.51.100.1")
    auth.record_reset_request("jeanne.own@example.org", "198.51.100.1")
    auth.record_failure("someone-else", "198.51.100.1")
    erase_member(member=world.member, by=world.coordinator)
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["someone-else"]
    assert not SignInAddress.objects.filter(user=world.member_user).exists()
