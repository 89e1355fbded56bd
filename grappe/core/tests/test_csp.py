"""Content-Security-Policy: scripts only from our static files, so templates hold no inline script."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "grappe").glob("*/templates/**/*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/connexion/", "/"])
def test_every_page_has_a_policy_without_inline_scripts(client, world, path):
    client.force_login(world.admin)
    response = client.get(path, follow=True)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("default-src", [])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_holds_an_inline_script_or_handler(template):
    text = template.read_text()
    for attributes, body in SCRIPT.findall(text):
        assert "src=" in attributes and not body.strip(), f"inline <script> in {template.name}"
    assert not HANDLER.search(text), f"an on* handler attribute in {template.name}"
    assert not JAVASCRIPT_URL.search(text), f"a javascript: URL in {template.name}"
