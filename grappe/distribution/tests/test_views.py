"""Pages of the distribution day: search, serving, documents (text extracted from the PDFs), scoping."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from grappe.accounts.models import Entry
from grappe.distribution.models import Basket, BasketLine, RotaSlot

from .factories import make_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(world):
    return make_day(world)


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_finding_a_member_by_number_opens_their_basket(world, day, client_for):
    client = client_for(world.volunteer)
    response = client.get(reverse("distribution:day", args=[day.day.pk]), {"q": str(day.paul.number)})
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("distribution:basket", args=[day.paul_basket.pk]))
    response = client.get(reverse("distribution:day", args=[day.day.pk]), {"q": "martin"})
    assert response.status_code == 302


def test_served_quantities_are_saved_at_once_by_a_plain_post(world, day, client_for):
    client = client_for(world.volunteer)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    url = reverse("distribution:basket", args=[day.jeanne_basket.pk])
    response = client.post(url, {f"served-{lentils.pk}": "5,2"})
    assert response.status_code == 302
    lentils.refresh_from_db()
    assert lentils.served == D("5.2")
    page = client.get(url).content.decode()
    assert 'value="5,2"' in page  # what was entered is there after a reload


def test_out_of_tolerance_is_refused_with_a_message_in_french(world, day, client_for):
    client = client_for(world.volunteer)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    response = client.post(reverse("distribution:basket", args=[day.jeanne_basket.pk]),
                           {f"served-{lentils.pk}": "9"}, follow=True)
    assert "tolérance" in response.content.decode()
    lentils.refresh_from_db()
    assert lentils.served is None


def test_handing_over_saves_weights_charges_and_goes_to_payment(world, day, client_for):
    client = client_for(world.volunteer)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    response = client.post(reverse("accounts:collect", args=[day.jeanne_basket.pk]), {f"served-{lentils.pk}": "5"})
    assert response["Location"] == reverse("accounts:checkout", args=[day.jeanne_basket.pk])
    assert Basket.objects.get(pk=day.jeanne_basket.pk).status == Basket.Status.COLLECTED
    charge = Entry.objects.get(basket=day.jeanne_basket, kind=Entry.Kind.CHARGE)
    assert charge.amount < 0


def test_the_documents_print_every_member_and_product(world, day, client_for):
    client = client_for(world.volunteer)
    sign = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "emargement"])))
    assert "Martin Jeanne" in sign and "Durand Paul" in sign and "Roux Alice" not in sign
    baskets = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "paniers"])))
    assert "Lentilles vertes" in baskets and "Contenants à apporter" in baskets
    serving = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "service"])))
    assert "Huile d'olive" in serving and "Durand Paul" in serving
    labels = pdf_text(client.get(reverse("distribution:document", args=[day.day.pk, "etiquettes"])))
    assert str(day.paul.number) in labels
    loading = pdf_text(client.get(reverse("distribution:loading", args=[day.cycle.pk])))
    assert "Romans" in loading


def test_volunteer_takes_a_slot_and_coordinator_sees_empty_ones(world, day, client_for):
    coordinator = client_for(world.coordinator)
    coordinator.post(reverse("distribution:rota", args=[day.day.pk]),
                     {"task": "Caisse", "starts_at": "17h", "ends_at": "19:30"})
    slot = RotaSlot.objects.get(distribution=day.day)
    assert (slot.starts_at, slot.ends_at) == (dt.time(17), dt.time(19, 30))
    assert "Caisse (17:00 – 19:30)" in coordinator.get(reverse("distribution:list")).content.decode()
    page = coordinator.get(reverse("distribution:rota", args=[day.day.pk])).content.decode()
    assert "de 17:00 à 19:30" in page
    volunteer = client_for(world.volunteer)
    volunteer.post(reverse("distribution:rota_take", args=[day.day.pk, slot.pk]))
    assert RotaSlot.objects.get(pk=slot.pk).volunteer == world.volunteer


def test_coordinator_changes_a_slots_times_and_volunteer_cannot(world, day, client_for):
    slot = RotaSlot.objects.create(distribution=day.day, task="Pesée", starts_at=dt.time(17), ends_at=dt.time(19))
    url = reverse("distribution:rota_edit", args=[day.day.pk, slot.pk])
    assert client_for(world.volunteer).post(url, {"task": "X", "starts_at": "8:00", "ends_at": "9:00"}
                                            ).status_code == 404
    coordinator = client_for(world.coordinator)
    assert 'type="time"' in coordinator.get(url).content.decode()
    refused = coordinator.post(url, {"task": "Pesée", "starts_at": "18:00", "ends_at": "17:00"})
    assert refused.status_code == 422 and RotaSlot.objects.get(pk=slot.pk).starts_at == dt.time(17)
    coordinator.post(url, {"task": "Pesée du vrac", "starts_at": "16 h 30", "ends_at": "18h"})
    slot = RotaSlot.objects.get(pk=slot.pk)
    assert (slot.task, slot.starts_at, slot.ends_at) == ("Pesée du vrac", dt.time(16, 30), dt.time(18))


def test_volunteer_cannot_add_slots_nor_see_another_groups_distribution(world, day, client_for):
    client = client_for(world.volunteer)
    assert client.post(reverse("distribution:rota", args=[day.day.pk]), {"task": "X"}).status_code == 404
    other = day.distributions[0] if day.distributions[0].group_id != world.group.pk else day.distributions[1]
    assert client.get(reverse("distribution:day", args=[other.pk])).status_code == 404


def test_outsider_gets_404_on_every_page(world, day, client_for):
    client = client_for(world.outsider)
    d, b = day.day.pk, day.jeanne_basket.pk
    line = BasketLine.objects.filter(basket_id=b).first().pk
    gets = [reverse("distribution:day", args=[d]), reverse("distribution:rota", args=[d]),
            reverse("distribution:document", args=[d, "emargement"]), reverse("distribution:basket", args=[b]),
            reverse("distribution:loading", args=[day.cycle.pk]), reverse("accounts:checkout", args=[b]),
            reverse("accounts:receipt", args=[b]), reverse("accounts:cash_count", args=[d]),
            reverse("accounts:member", args=[day.jeanne.pk]), reverse("accounts:settlement", args=[day.cycle.pk])]
    posts = [reverse("distribution:prepare", args=[day.cycle.pk]), reverse("distribution:close", args=[d]),
             reverse("distribution:add_from_stock", args=[b]), reverse("distribution:not_collected", args=[b]),
             reverse("distribution:remove_line", args=[b, line]), reverse("distribution:rota_take", args=[d, 1]),
             reverse("accounts:collect", args=[b]), reverse("accounts:reopen", args=[b]),
             reverse("accounts:pay", args=[b]), reverse("accounts:on_account", args=[b]),
             reverse("accounts:member_payment", args=[day.jeanne.pk]),
             reverse("accounts:member_refund", args=[day.jeanne.pk]),
             reverse("accounts:cash_count", args=[d]), reverse("accounts:settlement", args=[day.cycle.pk])]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert "Martin" not in client.get(reverse("distribution:list")).content.decode()
    assert client.get(reverse("accounts:mine")).status_code == 404


def test_a_member_sees_only_their_own_account(world, day, client_for):
    client = client_for(world.member_user)
    assert client.get(reverse("accounts:mine")).status_code == 200
    assert client.get(reverse("distribution:day", args=[day.day.pk])).status_code == 404
    assert client.get(reverse("accounts:index")).status_code == 404


def test_on_the_day_a_name_typed_without_accents_opens_the_basket(world, day, client_for):
    day.paul.name = "Durand Paul-Émile"
    day.paul.save()
    response = client_for(world.volunteer).get(reverse("distribution:day", args=[day.day.pk]), {"q": "paul-emile"})
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("distribution:basket", args=[day.paul_basket.pk]))


def test_slots_that_overlap_for_one_person_are_flagged(world, day, client_for):
    """Issue 17: the rota says when one volunteer holds two slots at once."""
    from grappe.distribution import services as distribution_services

    till = distribution_services.add_slot(distribution=day.day, task="Caisse", starts_at=dt.time(17),
                                          ends_at=dt.time(19))
    weighing = distribution_services.add_slot(distribution=day.day, task="Pesée", starts_at=dt.time(18),
                                              ends_at=dt.time(20))
    tidying = distribution_services.add_slot(distribution=day.day, task="Rangement", starts_at=dt.time(20),
                                             ends_at=dt.time(21))
    RotaSlot.objects.filter(pk__in=[till.pk, weighing.pk, tidying.pk]).update(volunteer=world.volunteer)
    response = client_for(world.coordinator).get(reverse("distribution:rota", args=[day.day.pk]))
    flagged = {slot.task for slot in response.context["slots"] if slot.overlaps}
    assert flagged == {"Caisse", "Pesée"}
    assert response.content.decode().count("badge badge-warn") == 2
