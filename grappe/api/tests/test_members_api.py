"""The API admits members through the same form validation and service as the web page."""

import json

import pytest

from grappe.members.models import Member

pytestmark = pytest.mark.django_db


def create(api, world, **fields):
    body = {"group_id": world.group.pk, "name": "Foyer Api", "category": "solidarity", **fields}
    return api(world.coordinator, "post", "/members", data=json.dumps(body))


@pytest.mark.parametrize("fields", [
    {"category": "vip"}, {"kind": "zzz"}, {"preferred_channel": "pigeon"}, {"adults": 0}, {"name": "x" * 5000},
    {"name": ""}, {"adults": 10**6}, {"children": -1}, {"priority_basis": "friend"}, {"email": "not an address"},
    {"category": "priority", "priority_basis": ""},
])
def test_what_the_web_form_refuses_the_api_refuses(world, api, fields):
    before = Member.objects.count()
    response = create(api, world, **fields)
    assert response.status_code in (400, 422), (fields, response.status_code)
    assert Member.objects.count() == before


def test_a_solidarity_household_beyond_the_quota_waits_as_on_the_web(world, api):
    response = create(api, world)  # one priority member so far: a solidarity one would break the quota
    assert response.status_code == 201
    assert response.json()["status"] == "waiting"


def test_the_refusal_is_in_french(world, api):
    response = create(api, world, category="priority")
    assert response.status_code == 400
    assert "priorité" in response.json()["detail"]


def test_the_service_itself_refuses_unknown_choices(world):
    from grappe.core.errors import DomainError
    from grappe.members import services

    for fields in ({"category": "vip"}, {"kind": "zzz"}, {"preferred_channel": "pigeon"}, {"adults": 0},
                   {"name": "x" * 5000}):
        with pytest.raises(DomainError):
            services.admit_member(group=world.group, by=world.coordinator,
                                  **{"name": "Foyer", "category": "solidarity", **fields})


def test_api_schema_names_are_unique(client):
    from ninja import Schema

    from grappe.api import api as api_module

    api_module.api.get_openapi_schema()
    names = {}
    for module in ("accounts", "catalogue", "distribution", "events", "network", "orders", "reports", "tours"):
        mod = __import__(f"grappe.api.{module}", fromlist=["x"])
        for name, value in vars(mod).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == mod.__name__:
                assert name not in names, f"{name} in {module} and {names[name]}"
                names[name] = module
