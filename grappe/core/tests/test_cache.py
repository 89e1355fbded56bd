"""One cache shared by every worker: a database table that `migrate` creates (settings.CACHES)."""

import pytest
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_shared_cache_table_when_missing():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE grappe_cache")
    assert "grappe_cache" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what `migrate` sends at its end
    assert "grappe_cache" in connection.introspection.table_names()
    caches["default"].set("sheet", b"%PDF-1.7", 60)
    assert caches["default"].get("sheet") == b"%PDF-1.7"
