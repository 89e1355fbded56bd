"""The JSON API at /api/v1/: one NinjaAPI, one router per capability, bearer-token authentication."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from grappe.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (ApiToken.objects.active().select_related("user")
                 .filter(key_hash=ApiToken.hash_key(token)).first())
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(title="Grappe API", version="1", urls_namespace="api", auth=TokenAuth(),
               description="The JSON API of Grappe. Authenticate with `Authorization: Bearer <token>`; "
                           "create tokens on your profile page.")


def register_routers():
    """Each capability adds its router here; imported once from urls.py."""
    from grappe.api import network as network_routes

    api.add_router("/", network_routes.router)
    from grappe.api import catalogue as catalogue_routes

    api.add_router("/catalogue/", catalogue_routes.router)
    from grappe.api import events as events_routes
    from grappe.api import reports as reports_routes

    api.add_router("/", events_routes.router)
    api.add_router("/", reports_routes.router)
    from grappe.api import tours as tours_routes

    api.add_router("/", tours_routes.router)
    from grappe.api import orders as orders_routes

    api.add_router("/orders/", orders_routes.router)
    from grappe.api import accounts as accounts_routes
    from grappe.api import distribution as distribution_routes

    api.add_router("/", distribution_routes.router)
    api.add_router("/", accounts_routes.router)
