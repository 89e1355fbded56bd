import pytest

from grappe.core.models import ApiToken


@pytest.fixture
def api(client, request):
    """api(user, method, path, payload=None, **kwargs): a call with a fresh bearer token for `user`.

    A test module may set API_PREFIX (e.g. "/catalogue") to write paths relative to its router.
    """
    prefix = getattr(request.module, "API_PREFIX", "")

    def call(user, method, path, payload=None, **kwargs):
        _token, key = ApiToken.create_for(user, "test")
        if payload is not None:
            kwargs["data"] = payload
        kwargs.setdefault("content_type", "application/json")
        return getattr(client, method)(f"/api/v1{prefix}{path}", HTTP_AUTHORIZATION=f"Bearer {key}", **kwargs)

    return call
