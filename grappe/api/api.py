"""The JSON API at /api/v1/: one NinjaAPI, one router per capability, bearer-token authentication."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer

from grappe.api import accounts as accounts_routes
from grappe.api import catalogue as catalogue_routes
from grappe.api import distribution as distribution_routes
from grappe.api import events as events_routes
from grappe.api import network as network_routes
from grappe.api import orders as orders_routes
from grappe.api import reports as reports_routes
from grappe.api import tours as tours_routes
from grappe.api.parsing import NulCharacter, RefusingNulParser
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


api = NinjaAPI(title="Grappe API", version="1", urls_namespace="api", auth=TokenAuth(), parser=RefusingNulParser(),
               description="The JSON API of Grappe. Authenticate with `Authorization: Bearer <token>`; "
                           "create tokens on your profile page.")



@api.exception_handler(NulCharacter)
def refuse_nul(request, error):
    return api.create_response(request, {"detail": str(error)}, status=422)


@api.exception_handler(HttpError)
def http_error(request, error):
    # ninja wraps any failure to parse a body as "Cannot parse request body" (400): say why for a NUL
    if isinstance(error.__cause__, NulCharacter):
        return refuse_nul(request, error.__cause__)
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


# One router per capability (the order is the order of the OpenAPI schema).
api.add_router("/", network_routes.router)
api.add_router("/catalogue/", catalogue_routes.router)
api.add_router("/", events_routes.router)
api.add_router("/", reports_routes.router)
api.add_router("/", tours_routes.router)
api.add_router("/orders/", orders_routes.router)
api.add_router("/", distribution_routes.router)
api.add_router("/", accounts_routes.router)
