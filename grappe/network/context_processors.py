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
            items.append((item.order, {"url": url, "label": item.label, "icon": item.icon, "current": False}))
    items.sort(key=lambda pair: pair[0])
    # The current item is the longest menu address that starts the page's address.
    matching = [item for _order, item in items if request.path.startswith(item["url"]) and item["url"] != "/"]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"nav_items": [item for _order, item in items], "scope": scope}
