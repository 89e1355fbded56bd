"""Distribution screens and documents word units in the plural: "2 pièces", not "2 pièce"."""

import pytest
from django.urls import reverse

from .factories import make_day
from .test_views import pdf_text

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_the_basket_screen_and_documents_word_pieces_in_the_plural(world, client_for):
    day = make_day(world)
    client = client_for(world.volunteer)
    page = client.get(reverse("distribution:basket", args=[day.paul_basket.pk])).content.decode()
    assert f"4{NBSP}pièces" in page and "4 pièce<" not in page
    serving = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "service"]))).replace(NBSP, " ")
    assert "6 pièces" in serving and "2 pièces" in serving and "4 pièces" in serving
    baskets = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "paniers"]))).replace(NBSP, " ")
    assert "2 pièces" in baskets and "5 kg" in baskets
