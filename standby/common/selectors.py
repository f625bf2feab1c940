"""Reads of the audit log."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from standby.common.models import AuditEntry


def history_for(instance: models.Model) -> QuerySet[AuditEntry]:
    """Every audit entry about ``instance``, newest first."""
    return AuditEntry.objects.filter(
        object_type=instance._meta.label_lower, object_id=str(instance.pk)
    ).order_by("-id")


def audit_log() -> QuerySet[AuditEntry]:
    """The whole audit log, newest first."""
    return AuditEntry.objects.order_by("-id")
