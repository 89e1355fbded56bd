"""A fresh database for a benchmark: the DATABASE_URL given (or a SQLite file by default) emptied, Django
set up, every migration applied. Used by the scripts of this folder (run as `python bench/x.py`)."""

import os
from pathlib import Path


def fresh_database(default_url: str) -> None:
    url = os.environ.get("DATABASE_URL", default_url)
    os.environ["DATABASE_URL"] = url
    if url.startswith("sqlite:"):
        path = Path(url.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
