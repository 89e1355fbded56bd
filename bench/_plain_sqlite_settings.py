"""grappe.settings with Django's SQLite defaults (deferred transactions, Python's 5 s busy timeout, the
rollback journal that bench/sqlite_busy.py sets back in the file): the set-up before issue 16, for
`bench/sqlite_busy.py --plain`."""

from grappe.settings import *  # noqa: F403

DATABASES["default"]["OPTIONS"] = {}  # noqa: F405
