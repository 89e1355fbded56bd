"""The password hasher: Argon2id at OWASP's minimum (Password Storage Cheat Sheet: 19 MiB of memory,
2 iterations, 1 lane).

Django's own Argon2 parameters (100 MiB, 2 iterations, 8 lanes) cost a 2-core server about a second of
CPU per sign-in (measured in bench/password_hashing.py, figures in docs/benchmarks.md): 100 members
signing in on the evening before a closing waited up to 38 s. OWASP's minimum is still memory-hard
against GPUs and costs a few tens of milliseconds.

The algorithm name stays "argon2" and the parameters are written in each hash, so the hashes made with
Django's parameters still verify; `must_update` sees their other parameters and Django re-hashes the
password with these ones at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's minimum configuration)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
