from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .access import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if item.roles and not (scope.kinds & item.roles):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append((item.order, {"url": url, "label": item.label, "icon": item.icon,
                                       "current": request.path.startswith(url) and url != "/"}))
    items.sort(key=lambda pair: pair[0])
    return {"nav_items": [item for _order, item in items], "scope": scope}
