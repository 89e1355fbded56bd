"""The export page reads its period from French query parameters (?debut=...&fin=...), like every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_export_reads_debut_and_fin(world, client_for):
    response = client_for(world.admin).get(reverse("accounts:export"),
                                           {"debut": "2026-01-01", "fin": "2026-12-31", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_an_end_before_the_start_is_refused_in_french(world, client_for):
    response = client_for(world.admin).get(reverse("accounts:export"),
                                           {"debut": "2026-12-31", "fin": "2026-01-01", "format": "csv"})
    assert response.status_code == 400
    assert "La fin est avant le début." in response.content.decode()
