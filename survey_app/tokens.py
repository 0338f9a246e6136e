"""Unguessable public keys for URLs that people may share."""

import secrets


def new_token() -> str:
    """Return a 22-character URL-safe random token (128 bits)."""
    return secrets.token_urlsafe(16)
