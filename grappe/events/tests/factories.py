from datetime import timedelta

import factory
from django.utils import timezone

from grappe.events.models import Event
from grappe.network.tests.factories import BuyingGroupFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    group = factory.SubFactory(BuyingGroupFactory)
    association = factory.SelfAttribute("group.association")
    title = factory.Sequence(lambda n: f"Atelier cuisine {n}")
    place = "Salle des fêtes"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    capacity = 2
