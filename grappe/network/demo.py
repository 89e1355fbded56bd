"""Demo: the VRAC Drôme network (invented contacts), its territories, partners, groups and staff."""

from datetime import date

from django.contrib.auth import get_user_model

from .communes import load_communes
from .models import Association, BuyingGroup, Commune, Partner, Role, Site, Territory

DEMO_PASSWORD = "grappe-demo"  # noqa: S105 - printed by load_demo, for the demo only


def demo_user(username: str, first_name: str, last_name: str):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def commune(name: str) -> Commune | None:
    return Commune.objects.filter(name=name).first()


def load(stdout):
    if not Commune.objects.exists():
        load_communes()
    association, _ = Association.objects.get_or_create(
        slug="vrac-drome",
        defaults={"name": "VRAC Drôme", "email": "contact@vrac-drome.example.org", "phone": "04 75 00 00 00",
                  "address": "12 rue des Tilleuls, 26100 Romans-sur-Isère", "commune": commune("Romans-sur-Isère")},
    )
    territories = {name: Territory.objects.get_or_create(association=association, name=name)[0]
                   for name in ("Diois", "Crestois", "Romans")}
    partners = {}
    for name, kind, town, contact in [
        ("Maison de quartier des Collines", Partner.Kind.NEIGHBOURHOOD_HOUSE, "Romans-sur-Isère", "Nadia Benali"),
        ("Centre social et culturel du Diois", Partner.Kind.SOCIAL_CENTRE, "Die", "Pierre Arnaud"),
        ("CCAS de Die", Partner.Kind.CCAS, "Die", "Sophie Mercier"),
        ("CCAS de Romans-sur-Isère", Partner.Kind.CCAS, "Romans-sur-Isère", "Karim Haddad"),
        ("Centre médico-social de Crest", Partner.Kind.HEALTH_SOCIAL_SERVICE, "Crest", "Élise Faure"),
    ]:
        partners[name], _ = Partner.objects.get_or_create(
            association=association, name=name,
            defaults={"kind": kind, "commune": commune(town), "contact_name": contact,
                      "phone": "04 75 00 00 00", "email": "contact@partenaire.example.org"},
        )
    groups = {}
    for name, territory, host, kind, status, rhythm, pause in [
        ("Romans-sur-Isère", "Romans", "Maison de quartier des Collines", "fixed", "active",
         "Un mardi sur deux, de 16 h 30 à 18 h 30", None),
        ("Die", "Diois", "Centre social et culturel du Diois", "fixed", "active",
         "Un jeudi sur deux, de 17 h à 19 h", (date(2026, 7, 14), date(2026, 8, 31))),
        ("Crest", "Crestois", "Centre médico-social de Crest", "fixed", "planned", "À définir", None),
        ("VRAC mobile Haut Diois", "Diois", None, "mobile", "planned", "Tournées à planifier", None),
    ]:
        group, _ = BuyingGroup.objects.get_or_create(
            association=association, name=name,
            defaults={"territory": territories[territory], "host": partners.get(host), "kind": kind,
                      "status": status, "rhythm": rhythm,
                      "pause_start": pause[0] if pause else None, "pause_end": pause[1] if pause else None},
        )
        groups[name] = group
    for group_name, site_name, address, town in [
        ("Romans-sur-Isère", "Salle polyvalente de la maison de quartier", "5 place des Collines", "Romans-sur-Isère"),
        ("Die", "Salle du centre social", "2 rue Camille Buffardel", "Die"),
        ("Crest", "Local du centre médico-social", "8 avenue Sadi Carnot", "Crest"),
    ]:
        town_commune = commune(town)
        Site.objects.get_or_create(
            group=groups[group_name], name=site_name,
            defaults={"address": address, "commune": town_commune,
                      "latitude": town_commune.latitude if town_commune else None,
                      "longitude": town_commune.longitude if town_commune else None},
        )
    logins = []
    for username, first, last, kind, group_names, partner, label in [
        ("admin", "Claire", "Dubois", Role.Kind.ADMIN, [], None, "Administratrice de l'association"),
        ("coordination", "Julien", "Roux", Role.Kind.COORDINATOR, ["Romans-sur-Isère", "Die"], None,
         "Coordinateur (Romans, Die)"),
        ("benevole", "Fatima", "Lopez", Role.Kind.VOLUNTEER, ["Romans-sur-Isère"], None, "Bénévole (Romans)"),
        ("prescriptrice", "Sophie", "Mercier", Role.Kind.REFERRER, [], "CCAS de Die", "Prescriptrice (CCAS de Die)"),
    ]:
        user = demo_user(username, first, last)
        role, _ = Role.objects.get_or_create(user=user, association=association, kind=kind,
                                             defaults={"partner": partners.get(partner)})
        role.groups.add(*[groups[name] for name in group_names])
        logins.append((username, DEMO_PASSWORD, label))
    return logins
