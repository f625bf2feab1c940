"""Writes on users. Only the continuity manager manages users and roles."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from standby.accounts.choices import Capability, Role
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role | str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user. ``actor`` None is the first-account bootstrap (``standby createadmin``)."""
    if actor is None:
        if User.objects.exists():
            raise ValidationError("The first account exists already: sign in as the manager.")
        if role != Role.MANAGER:
            raise ValidationError("The first account must be the continuity manager.")
    else:
        require(actor, Capability.MANAGE_USERS)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )
    validate_password(password, user)
    user.set_password(password)
    return audit.audited_save(actor=actor, instance=user)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: Role | str | None = None,
    is_active: bool | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """Change a user's role, status or details. A manager cannot demote or disable themself."""
    require(actor, Capability.MANAGE_USERS)
    if user.pk == actor.pk and ((role is not None and role != Role.MANAGER) or is_active is False):
        raise ValidationError(
            "You cannot remove your own manager role or disable yourself: appoint another "
            "manager first."
        )
    for field, value in {
        "role": role,
        "is_active": is_active,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
    }.items():
        if value is not None:
            setattr(user, field, value)
    return audit.audited_save(actor=actor, instance=user)


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Set a password: one's own, or anyone's when the actor manages users."""
    if actor.pk != user.pk:
        require(actor, Capability.MANAGE_USERS)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action=AuditAction.EVENT,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        object_repr=str(user),
        changes={"password": ["(hidden)", "changed"]},
    )
    return user
