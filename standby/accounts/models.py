"""Users of Standby, each with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from standby.accounts.choices import Capability, Role


class User(AbstractUser):
    """A person who signs in to Standby. What they may do follows from ``role``."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["username"]
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_user_role_valid",
                violation_error_message="Choose one of the defined roles.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    def can(self, capability: Capability) -> bool:
        """True when this user's role grants ``capability``."""
        from standby.accounts.permissions import has_capability

        return has_capability(self, capability)
