import pytest

pytestmark = pytest.mark.django_db



def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/groups" in response.json()["paths"]


def test_no_token_is_401(client):
    assert client.get("/api/v1/groups").status_code == 401


def test_outsider_gets_404_on_every_endpoint(world, api):
    g, m = world.group.pk, world.member.pk
    for method, path in [("get", f"/groups/{g}"), ("get", f"/groups/{g}/quota"), ("get", f"/members/{m}")]:
        assert api(world.outsider, method, path).status_code == 404, path
    response = api(world.outsider, "post", "/members", data={"group_id": g, "name": "X"})
    assert response.status_code == 404
    assert [row["name"] for row in api(world.outsider, "get", "/groups").json()] == ["Ailleurs-Centre"]
    assert api(world.outsider, "get", "/members").json() == []


def test_coordinator_reads_quota_and_creates_a_member(world, api):
    quota = api(world.coordinator, "get", f"/groups/{world.group.pk}/quota").json()
    assert quota["priority"] == 1 and quota["quota_met"]
    response = api(world.coordinator, "post", "/members",
                   data={"group_id": world.group.pk, "name": "Api Foyer", "category": "priority",
                         "priority_basis": "qpv"})
    assert response.status_code == 201
    assert response.json()["number"] == world.member.number + 1


def test_member_reads_their_own_data_only(world, api):
    assert api(world.member_user, "get", "/me").json()["name"] == "Martin Jeanne"
    assert api(world.member_user, "get", "/members").status_code == 404


def test_referrer_creates_a_referral_and_sees_if_it_joined(world, api):
    created = api(world.referrer, "post", "/referrals", data={"group_id": world.group.pk, "household_name": "A. Z."})
    assert created.status_code == 201
    listed = api(world.referrer, "get", "/referrals").json()
    assert listed[0]["joined"] is False and "name" not in listed[0]
    assert listed[0]["language"] == "fr"


def test_referrer_picks_the_language_of_the_join_page(world, api):
    created = api(world.referrer, "post", "/referrals", data={"group_id": world.group.pk, "household_name": "A. Z.",
                                                             "language": "en"})
    assert created.status_code == 201 and created.json()["language"] == "en"
    refused = api(world.referrer, "post", "/referrals", data={"group_id": world.group.pk, "household_name": "A. Y.",
                                                             "language": "xx"})
    assert refused.status_code == 400
