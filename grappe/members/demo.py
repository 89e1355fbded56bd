"""Demo households of the Romans-sur-Isère and Die groups (invented names), their memberships and referrals.

Romans: 96 households, 231 persons, mostly elderly and isolated. Die: 48 households, 120 persons,
plus two structures (the social centre's youth service and the CCAS).
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from grappe.network.demo import DEMO_PASSWORD, demo_user
from grappe.network.models import Association, BuyingGroup, Commune, Partner

from .models import Member, Membership, Referral

FAMILY_NAMES = ["Martin", "Bernard", "Durand", "Petit", "Robert", "Richard", "Moreau", "Simon", "Laurent",
                "Michel", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
                "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin",
                "Boyer", "Garnier", "Chevalier", "Benali", "Haddad", "Diallo", "Nguyen", "Traoré", "Ferreira",
                "Martins", "Yilmaz", "Kaya", "Mansour", "Bouvier", "Reynaud", "Arnaud", "Brun", "Gauthier"]
FIRST_NAMES = ["Jeanne", "Marcel", "Odette", "Yvette", "Lucien", "Fatima", "Mohamed", "Josiane", "René",
               "Monique", "Amina", "Paulette", "Gérard", "Rose", "Ahmed", "Colette", "Louise", "Simone",
               "Bernadette", "Alain", "Nadia", "Samir", "Élodie", "Kevin", "Aïcha", "Denise", "Huguette"]


def _persons(rng: random.Random, households: int, persons: int) -> list[tuple[int, int]]:
    """Adults and children per household, summing exactly to `persons`; many live alone."""
    sizes = [1] * households
    for _ in range(persons - households):
        index = rng.randrange(households) if rng.random() < 0.5 else rng.randrange(households // 3)
        sizes[index] += 1
    return [(min(size, 2), size - min(size, 2)) for size in sizes]


def _households(association, group, first_number, households, persons, priority_share, communes, seed):
    rng = random.Random(seed)
    year = timezone.localdate().year
    priority_count = round(households * priority_share)
    for index, (adults, children) in enumerate(_persons(rng, households, persons)):
        number = first_number + index
        priority = index < priority_count
        basis = rng.choice([Member.PriorityBasis.REFERRAL, Member.PriorityBasis.QPV,
                            Member.PriorityBasis.ASSESSMENT]) if priority else ""
        joined = date(year - 1, 1, 15) + timedelta(days=rng.randrange(600))
        member, created = Member.objects.get_or_create(
            association=association, number=number,
            defaults={
                "group": group, "name": f"{rng.choice(FAMILY_NAMES)} {rng.choice(FIRST_NAMES)}",
                "adults": adults, "children": children,
                "phone": f"06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                         f"{rng.randrange(10, 99)}",
                "preferred_channel": rng.choice(["sms", "sms", "sms", "call", "paper", "email"]),
                "commune": rng.choice(communes) if communes else None,
                "category": Member.Category.PRIORITY if priority else Member.Category.SOLIDARITY,
                "priority_basis": basis, "basis_date": joined if priority else None,
                "review_date": joined + timedelta(days=365) if priority else None,
                "joined_on": joined,
            },
        )
        if created:
            paid = rng.random() < 0.9
            Membership.objects.create(member=member, year=year, fee=rng.choice([Decimal("1"), Decimal("1"),
                                      Decimal("5"), Decimal("10")]),
                                      paid_on=joined if paid else None, means="cash" if paid else "")


def load(stdout):
    association = Association.objects.get(slug="vrac-drome")
    romans = BuyingGroup.objects.get(association=association, name="Romans-sur-Isère")
    die = BuyingGroup.objects.get(association=association, name="Die")
    romans_communes = list(Commune.objects.filter(name__in=["Romans-sur-Isère"]))
    die_communes = list(Commune.objects.filter(epci="CC du Diois", name__in=[
        "Die", "Romeyer", "Chamaloc", "Ponet-et-Saint-Auban", "Marignac-en-Diois", "Laval-d'Aix"]))
    _households(association, romans, 1, 96, 231, Decimal("0.75"), romans_communes, seed=26100)
    _households(association, die, 201, 48, 120, Decimal("0.75"), die_communes, seed=26150)
    for number, name, partner_name in [(301, "Centre social du Diois, secteur jeunes", "Centre social et culturel du Diois"),
                                       (302, "CCAS de Die", "CCAS de Die")]:
        partner = Partner.objects.get(association=association, name=partner_name)
        Member.objects.get_or_create(
            association=association, number=number,
            defaults={"group": die, "kind": Member.Kind.STRUCTURE, "name": name, "adults": 0, "children": 0,
                      "phone": partner.phone, "email": partner.email, "preferred_channel": "email",
                      "category": Member.Category.PRIORITY, "priority_basis": Member.PriorityBasis.ASSESSMENT,
                      "commune": partner.commune, "joined_on": date(2025, 9, 1)},
        )
    member_user = demo_user("adherent", "Jeanne", "Martin")
    first = Member.objects.get(association=association, number=1)
    if first.user_id is None and not Member.objects.filter(user=member_user).exists():
        first.user = member_user
        first.save(update_fields=["user"])
    ccas = Partner.objects.get(association=association, name="CCAS de Die")
    for code, initials, joined_number in [("DEMO2345", "M. A.", 210), ("DEMO6789", "L. B.", None)]:
        referral, created = Referral.objects.get_or_create(
            code=code, defaults={"association": association, "partner": ccas, "group": die,
                                 "household_name": initials, "persons": 2,
                                 "referrer": demo_user("prescriptrice", "Sophie", "Mercier")})
        if created and joined_number:
            referral.member = Member.objects.get(association=association, number=joined_number)
            referral.joined_at = timezone.now()
            referral.save(update_fields=["member", "joined_at"])
    return [("adherent", DEMO_PASSWORD, "Adhérente (Romans, n° 1)")]
