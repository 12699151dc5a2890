"""Password hashing parameters, chosen for CPU per login (issue 18) within OWASP's advice.

OWASP's Password Storage Cheat Sheet: Argon2id with at least 19 MiB of memory,
2 iterations and 1 degree of parallelism (m=19456 KiB, t=2, p=1). Django's own
defaults (m=100 MiB, t=2, p=8) cost ~280 ms of CPU per login on this project's
2-core machine; fifty officers logging in at once then queue every other request.

Here: m=32 MiB, t=2, p=1: 1.7 × OWASP's minimum memory, ~50–80 ms of CPU per
login (docs/benchmarks.md), one core per login (p=1: a login never takes both
cores of the server). Hashes made with other parameters still verify and are
rehashed with these at the user's next login (Django's ``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's minimum, kept here so that a test holds the chosen figures above it.
OWASP_MINIMUM = {"memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's variant) with the parameters above; same ``algorithm`` name."""

    time_cost = 2
    memory_cost = 32 * 1024  # KiB
    parallelism = 1
