"""Creating and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from standby.accounts.models import User
from standby.api.models import ApiToken
from standby.common import audit


def hash_key(key: str) -> str:
    """The stored form of a key: tokens are random and long, so a plain SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``actor``; return it and the key, which is never shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name, prefix=key[:8], key_hash=hash_key(key))
    audit.audited_save(actor=actor, instance=token)
    return token, key


@transaction.atomic
def token_delete(*, actor: User, token: ApiToken) -> None:
    """Revoke one of ``actor``'s own tokens."""
    if token.user_id != actor.pk:
        raise ApiToken.DoesNotExist
    audit.audited_delete(actor=actor, instance=token)
