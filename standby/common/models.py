"""The append-only, hash-chained audit log."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from standby.common.choices import AuditAction


class AuditEntry(models.Model):
    """One change made through a service: who, when (UTC), which object, which fields.

    Entries are chained: ``hash`` covers this entry's content and the previous entry's hash, so
    changing or removing a row breaks the chain at that row (``standby audit verify``). Database
    triggers refuse UPDATE and DELETE on the table.
    """

    at = models.DateTimeField(db_index=True)
    # Plain values, not foreign keys: the log must not change when a user or object does.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150)
    on_behalf_of = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="common_audit_object_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values),
                name="common_auditentry_action_valid",
                violation_error_message="Unknown audit action.",
            )
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M:%S}"
        return f"#{self.pk} {when} {self.actor_name} {self.action} {self.object_repr}"

    def get_absolute_url(self) -> str:
        return reverse("common:audit_detail", args=[self.pk])
