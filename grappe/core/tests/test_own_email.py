"""A login's own e-mail (the one "forgotten password" uses) is typed by its owner on the profile and
confirmed through a link sent to it; nobody else can set it."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grappe.core import services

pytestmark = pytest.mark.django_db

NEW = "Grappe-Violette-2026"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_a_confirmed_household_resets_its_password_alone(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.member_user)
    assert "Adresse e-mail" in client.get(reverse("profile")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_change"), {"email": "Jeanne@Example.org", "password": "pass-word-123"})
    assert response.url == reverse("profile")
    world.member_user.refresh_from_db()
    assert world.member_user.email == ""  # not before the link is followed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Jeanne@Example.org"]
    link = link_in(mail.outbox[0])
    anonymous = client.__class__()
    page = anonymous.get(link)  # a mail scanner's GET changes nothing
    assert page.status_code == 200
    world.member_user.refresh_from_db()
    assert world.member_user.email == ""
    assert anonymous.post(link).status_code == 200
    world.member_user.refresh_from_db()
    assert world.member_user.email == "Jeanne@Example.org"

    mail.outbox.clear()
    anonymous.post(reverse("password_reset"), {"email": "jeanne@example.org"})
    assert len(mail.outbox) == 1 and "member" in mail.outbox[0].body
    response = anonymous.get(link_in(mail.outbox[0]))
    anonymous.post(response.url, {"new_password1": NEW, "new_password2": NEW})
    world.member_user.refresh_from_db()
    assert world.member_user.check_password(NEW)


def test_the_email_change_needs_the_current_password_and_shows_the_form_again(world, client_for):
    client = client_for(world.member_user)
    response = client.post(reverse("email_change"), {"email": "jeanne@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="jeanne@example.org"' in response.content.decode()
    assert mail.outbox == []


def test_a_confirmation_link_expires_and_cannot_be_forged(world):
    now = timezone.now()
    token = services.email_confirmation_token(user=world.member_user, email="j@example.org", now=now)
    later = now + datetime.timedelta(seconds=services.EMAIL_CONFIRMATION_SECONDS + 1)
    with pytest.raises(services.DomainError):
        services.confirm_email(token=token, now=later)
    with pytest.raises(services.DomainError):
        services.confirm_email(token=token[:-2] + "xx", now=now)
    world.member_user.refresh_from_db()
    assert world.member_user.email == ""
    assert services.confirm_email(token=token, now=now).email == "j@example.org"


def test_an_older_link_cannot_bring_back_a_replaced_address(world):
    now = timezone.now()
    first = services.email_confirmation_token(user=world.member_user, email="old@example.org", now=now)
    second = services.email_confirmation_token(user=world.member_user, email="new@example.org", now=now)
    services.confirm_email(token=second, now=now)
    with pytest.raises(services.DomainError):
        services.confirm_email(token=first, now=now)
    world.member_user.refresh_from_db()
    assert world.member_user.email == "new@example.org"


def test_confirmation_links_are_limited_like_sign_in(world, client_for, settings, django_capture_on_commit_callbacks):
    client = client_for(world.member_user)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(settings.LOGIN_FAILURE_LIMIT + 2):
            client.post(reverse("email_change"), {"email": f"x{number}@example.org", "password": "pass-word-123"})
    assert len(mail.outbox) == settings.LOGIN_FAILURE_LIMIT


def test_guessing_the_password_on_the_email_page_counts_as_failed_sign_ins(world, client_for, settings):
    client = client_for(world.member_user)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("email_change"), {"email": "x@example.org", "password": "wrong"})
    response = client.post(reverse("email_change"), {"email": "x@example.org", "password": "pass-word-123"})
    assert "15 minutes" in response.content.decode() and mail.outbox == []
