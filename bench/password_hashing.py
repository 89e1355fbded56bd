"""Benchmark: the cost of one password hash (a sign-in verifies one) with Django's Argon2 parameters and
with Grappe's (OWASP's minimum, grappe/core/hashers.py).

    /work/main/.venv/bin/python bench/password_hashing.py [--runs 20]

Prints, for each set of parameters, the median and the slowest wall time of one hash, the CPU time it
used (Argon2 with 8 lanes uses several cores at once, so its CPU time is more than its wall time), and
what that means for 100 sign-ins on 2 cores if nothing else ran: 100 x CPU time / 2.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(hasher, runs: int) -> tuple[float, float, float]:
    salt = hasher.salt()
    hasher.encode("warm-up pass phrase", salt)
    walls, cpus = [], []
    for i in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        hasher.encode(f"a pass phrase {i}", salt)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from grappe.core.hashers import Argon2idHasher

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(1 min), {args.runs} hashes each")
    for label, hasher in (("Django's Argon2 default", Argon2PasswordHasher()),
                          ("Grappe (OWASP minimum)", Argon2idHasher())):
        median, slowest, cpu = measure(hasher, args.runs)
        print(f"{label:<24} m={hasher.memory_cost} KiB t={hasher.time_cost} p={hasher.parallelism}: "
              f"median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms; "
              f"100 sign-ins on 2 idle cores ~ {100 * cpu / 2:.1f} s of CPU")


if __name__ == "__main__":
    main()
