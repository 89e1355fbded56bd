import factory

from grappe.members.models import Member
from grappe.network.tests.factories import AssociationFactory, BuyingGroupFactory


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    association = factory.SubFactory(AssociationFactory)
    group = factory.SubFactory(BuyingGroupFactory, association=factory.SelfAttribute("..association"))
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Foyer {n}")
    phone = "06 00 00 00 00"
    category = Member.Category.PRIORITY
    priority_basis = Member.PriorityBasis.ASSESSMENT
    status = Member.Status.ACTIVE
