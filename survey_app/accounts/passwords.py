"""Password hashes: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane) for new ones.

Why: werkzeug's default scrypt (N = 2^15) is below OWASP's minimum for scrypt (2^17) and costs
≈ 100 ms a sign-in here, so 100 volunteers signing in together queued for seconds on two workers.
Argon2id at OWASP's minimum costs ≈ 21 ms (benchmarks/signin.py) and is the algorithm OWASP
recommends first. Hashes made before (werkzeug's scrypt or pbkdf2) still verify, and are replaced
by the configured method at the next successful sign-in. ``PASSWORD_HASH_METHOD`` names the
method: "argon2id" (default) or a werkzeug method (the test suite uses a cheap pbkdf2).
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import Type
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2ID = "argon2id"
DEFAULT_METHOD = ARGON2ID


@cache
def _argon2() -> PasswordHasher:
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


def method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD)


def make(password: str, how: str | None = None) -> str:
    """A new hash of ``password`` with the configured method (or ``how``)."""
    how = how or method()
    if how == ARGON2ID:
        return _argon2().hash(password)
    return generate_password_hash(password, method=how)


def matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (any method this app made)."""
    if stored.startswith("$argon2"):
        try:
            return _argon2().verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def outdated(stored: str) -> bool:
    """Whether ``stored`` was made otherwise than the configured method would make it now."""
    how = method()
    if how == ARGON2ID:
        return not stored.startswith("$argon2id$") or _argon2().check_needs_rehash(stored)
    return not stored.startswith(f"{how.split(':')[0]}:") or not stored.startswith(how)
