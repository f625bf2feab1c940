"""Choices shared by every app."""

from django.db import models


class AuditAction(models.TextChoices):
    """What an audit entry records."""

    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EVENT = "event", "Event"
