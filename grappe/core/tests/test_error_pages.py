"""The error pages people meet, in French, with the menu where possible and a way back (DEBUG off)."""

from html import unescape

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grappe.core.tests.error_urls")]


def text(response):
    return unescape(response.content.decode())


def test_a_missing_page_says_so_in_french_with_the_menu(client_for, world, settings):
    assert settings.DEBUG is False
    response = client_for(world.admin).get("/nulle-part/")
    assert response.status_code == 404
    page = text(response)
    assert "Page introuvable" in page
    assert 'aria-label="Menu principal"' in page  # the menu, as on every page
    assert 'href="/"' in page and "Retour à l'accueil" in page


def test_a_missing_page_for_someone_signed_out_offers_to_sign_in(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in text(response) and 'href="/connexion/"' in text(response)


def test_a_refused_page_says_so_in_french_with_the_menu(client_for, world):
    response = client_for(world.member_user).get("/essai/403/")
    assert response.status_code == 403
    page = text(response)
    assert "Accès refusé" in page and 'aria-label="Menu principal"' in page and "Retour à l'accueil" in page


def test_a_server_error_shows_a_plain_french_page_without_touching_the_database(client_for, world,
                                                                              django_assert_num_queries):
    client = client_for(world.admin)
    client.raise_request_exception = False
    client.get("/")  # sessions and scope warmed up: what follows counts only the error page
    with django_assert_num_queries(2):  # the session and the user, read before the view fails
        response = client.get("/essai/500/")
    assert response.status_code == 500
    page = text(response)
    assert "Une erreur est survenue" in page and "Retour à l'accueil" in page
    assert "RuntimeError" not in page and "a bug" not in page


def test_the_csrf_failure_page_explains_and_offers_to_reload(world):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="testserver")
    client.force_login(world.admin)
    response = client.post("/reseau/equipe/ajouter/", {"first_name": "x"},
                           HTTP_REFERER="http://testserver/reseau/equipe/ajouter/?from=team")
    assert response.status_code == 403
    page = text(response)
    assert "restée ouverte trop longtemps" in page
    assert 'href="http://testserver/reseau/equipe/ajouter/?from=team"' in page and "Recharger la page" in page
    assert 'aria-label="Menu principal"' in page


def test_the_csrf_failure_page_never_links_to_another_site(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x", "password": "y"},
                           HTTP_REFERER="https://evil.example.com/phish")
    assert response.status_code == 403
    page = text(response)
    assert "evil.example.com" not in page and 'href="/connexion/"' in page
