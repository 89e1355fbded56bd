"""Which groups a report covers: the whole association (admin), a territory, a group, or "my groups"."""

from django.http import Http404
from django.utils.translation import gettext as _

from grappe.network.models import Territory


def choices(scope) -> list[tuple[str, str]]:
    groups = list(scope.groups().order_by("name"))
    out = [("all", _("The whole association") if scope.is_admin else _("All my groups"))]
    if scope.is_admin:
        out += [(f"territory:{t.pk}", _("Territory: %(name)s") % {"name": t.name})
                for t in Territory.objects.filter(association=scope.association)]
    out += [(f"group:{g.pk}", _("Group: %(name)s") % {"name": g.name}) for g in groups]
    return out


def resolve(scope, key: str) -> tuple[str, list[int]]:
    """(label, group ids) for a scope key the user may use; 404 for any other."""
    labels = dict(choices(scope))
    key = key or "all"
    if key not in labels:
        raise Http404
    groups = scope.groups()
    if key.startswith("territory:"):
        groups = groups.filter(territory_id=int(key.split(":")[1]))
    elif key.startswith("group:"):
        groups = groups.filter(pk=int(key.split(":")[1]))
    return labels[key], list(groups.values_list("pk", flat=True))
