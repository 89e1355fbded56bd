"""Demo events for the Drôme network (idempotent: get_or_create by group and title)."""

import datetime as dt

from django.utils import timezone

from grappe.members.models import Member
from grappe.network.models import Association

from .models import Event, Registration

EVENTS = [
    ("workshop", "Atelier cuisine : les lentilles", 4, dt.time(14, 30), 12),
    ("tasting", "Dégustation d'agrumes de Sicile", 9, dt.time(17, 0), None),
    ("coffee", "Café à l'arrêt du camion", 6, dt.time(10, 0), 15),
]


def load(stdout) -> list:
    association = Association.objects.filter(slug="vrac-drome").first()
    if association is None:
        return []
    today = timezone.localdate()
    created = 0
    for group in association.groups.all():
        for kind, title, in_days, at, capacity in EVENTS:
            site = group.sites.first()
            _event, new = Event.objects.get_or_create(
                group=group, title=title,
                defaults={"association": association, "kind": kind, "site": site,
                          "place": "" if site else group.name, "capacity": capacity,
                          "starts_at": timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=in_days), at))},
            )
            created += new
    member = Member.objects.filter(association=association, user__username="adherent").first()
    if member is not None:
        event = Event.objects.filter(group=member.group, kind=Event.Kind.WORKSHOP).first()
        if event is not None:
            Registration.objects.get_or_create(event=event, member=member,
                                               defaults={"status": Registration.Status.CONFIRMED})
    stdout.write(f"Animations : {created} créées.")
    return []
