"""Choices of the business impact analysis."""

from django.db import models


class RecordStatus(models.TextChoices):
    """Where a BIA record stands in its review."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"


class CampaignStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class TaskStatus(models.TextChoices):
    """An owner's task in a campaign."""

    PENDING = "pending", "Waiting for the owner"
    SUBMITTED = "submitted", "Answered, waiting for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned to the owner"
