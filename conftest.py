"""Fixtures shared by every test: the personas (grappe/members/tests/personas.py) and clients signed in as
them, the browser, and the rules every test runs under."""

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from grappe.core.models import ApiToken
from grappe.members.tests.personas import PASSWORD, build_world, operator

# Property tests must not fail because a shared 2-core CI machine is slow: no deadline, no
# "too slow" health check. The number of examples stays Hypothesis's default.
hypothesis_settings.register_profile("grappe", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("grappe")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords hashed with MD5: Argon2 costs seconds per user on a loaded machine.
    test_auth checks that the project itself hashes with Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Tasks run as soon as they are queued (django-tasks' ImmediateBackend), within the test; the tests
    of the job queue itself (grappe/core/tests/test_jobs.py, grappe/tours/tests/test_jobs.py) set the
    database backend that production runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def french_outside_requests():
    """Each test starts in French: a request activates its reader's language (an Arabic member's
    pages) in the thread, and services called after it must not speak Arabic."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    """The personas of grappe/members/tests/personas.py: an association with two groups, a partner and one
    user per role; an outsider in another one."""
    return build_world()


@pytest.fixture
def root(db):
    """The site's operator: a superuser in no association."""
    return operator()


@pytest.fixture
def client_for(client):
    """client_for(user): the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


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


# --- Browser tests -----------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Browser tests skipped: no Chromium found (install Debian's `chromium`, or set CHROMIUM_PATH).")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def browser_login(page, live_server, username, password=PASSWORD):
    page.goto(live_server.url + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('connecter')")
    page.wait_for_url(lambda url: "/connexion/" not in url)


def assert_accessible(page):
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                              for v in bad)


def screenshot(page, name):
    """Save a full-page screenshot as NAME.png in the folder named by GRAPPE_SCREENSHOTS (created if
    needed); do nothing when it is not set, so a test run writes no files. The only place tests take
    screenshots. Returns the path written, or None."""
    folder = os.environ.get("GRAPPE_SCREENSHOTS")
    if not folder:
        return None
    if not re.fullmatch(r"[\w.-]+", name) or name.startswith("."):
        raise ValueError(f"a screenshot name is a plain file name: {name!r}")
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def e2e(browser, live_server, settings):
    return SimpleNamespace(browser=browser, server=live_server, login=browser_login, axe=assert_accessible)
