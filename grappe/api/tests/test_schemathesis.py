"""Schemathesis over the whole API: generated requests, authenticated as an association admin on a
small demo-like association, never get a server error (5xx) nor a response outside its schema.

Bounded for CI (a few examples per operation, generation phase only): it finds the 500s that a
type or a bound missing from an input schema lets through, not every corner."""

from decimal import Decimal as D

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from grappe.core.models import ApiToken
from grappe.orders import services as order_services
from grappe.orders.tests.factories import make_cycle

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def api_schema(db):
    """The WSGI app as a server runs it, minus closing the database connection after each request
    (as Django's test client does): inside a test's transaction that would close the test's own
    connection on PostgreSQL and lose the transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(world):
    """World's association with an open cycle, a basket and a member; the admin's API key."""
    shop = make_cycle(world)
    order_services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("2.5"),
                            by=world.member_user)
    _token, key = ApiToken.create_for(world.admin, "schemathesis")
    return key


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_the_api_never_fails_nor_breaks_its_schema(case, admin_token):
    # Responses are gzipped when asked (GZipMiddleware); schemathesis's WSGI transport asks for it
    # without decoding it, as an HTTP client would: ask for the plain body.
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}", "Accept-Encoding": "identity"},
                           checks=[not_a_server_error, response_schema_conformance])
