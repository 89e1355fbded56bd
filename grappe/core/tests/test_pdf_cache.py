"""The PDF cache lives in the shared cache (`caches["default"]`, a database table in settings), so that a
document rendered by one worker is served by every other one, not in one process's memory."""

import pytest
from django.core.cache import CacheHandler
from django.core.management import call_command
from django.db import connection

from grappe.core import pdf

SHARED = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pdf_cache_test"}}


@pytest.fixture
def shared_cache(db, settings):
    settings.CACHES = SHARED
    call_command("createcachetable", "pdf_cache_test", verbosity=0)


def test_a_pdf_rendered_by_one_worker_is_served_to_another(shared_cache, monkeypatch):
    renders = []

    def fake_render(html, base_url=None):
        renders.append(html)
        return b"%PDF-" + str(len(renders)).encode()

    monkeypatch.setattr(pdf, "html_to_pdf", fake_render)
    first = pdf.render_pdf_bytes("core/print_base.html", {}, cached=True)
    with connection.cursor() as cursor:  # in the database, where every worker reads
        cursor.execute("SELECT cache_key FROM pdf_cache_test")
        [(stored_key,)] = cursor.fetchall()
    other_worker = CacheHandler()  # a fresh set of cache connections, as another process has
    assert other_worker["default"].get(stored_key.split(":", 2)[2]) == first
    assert pdf.render_pdf_bytes("core/print_base.html", {}, cached=True) == first
    assert len(renders) == 1
