"""Settings for bench/two_servers.py's servers: the project's, with the password hashers of
grappe/core/hashers.py first (OWASP's minimum) until grappe/settings.py lists them itself.
`GRAPPE_BENCH_HASHING=django` keeps Django's Argon2 parameters instead, to compare."""

import os

from grappe.settings import *  # noqa: F403

if os.environ.get("GRAPPE_BENCH_HASHING", "owasp") == "owasp":
    PASSWORD_HASHERS = ["grappe.core.hashers.Argon2idHasher",
                        *[h for h in PASSWORD_HASHERS if h != "grappe.core.hashers.Argon2idHasher"]]  # noqa: F405
else:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                        "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
