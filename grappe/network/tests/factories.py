from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from grappe.network.models import Association, BuyingGroup, Commune, Partner, Role, Site, Territory

PASSWORD = "pass-word-123"  # every test user's (grappe/members/tests/personas.py)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee"]

    insee = factory.Sequence(lambda n: f"{26000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    latitude = Decimal("44.75")
    longitude = Decimal("5.37")
    population = 1000


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Territoire {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Centre social {n}")
    kind = Partner.Kind.SOCIAL_CENTRE


class BuyingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyingGroup

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Groupement {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    group = factory.SubFactory(BuyingGroupFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")


def make_role(user, association, kind, groups=(), partner=None) -> Role:
    role = Role.objects.create(user=user, association=association, kind=kind, partner=partner)
    role.groups.set(groups)
    return role
