"""Choices of recovery plans."""

from django.db import models


class PlanTemplate(models.TextChoices):
    """The outline a plan follows (versioned YAML in standby/library/plan-templates/)."""

    ITSCM = "itscm", "IT service continuity plan (the seed's structure)"
    NIST = "nist", "IT contingency plan (NIST SP 800-34 outline)"


class VersionStatus(models.TextChoices):
    """Lifecycle of a plan version: draft → in review → approved → superseded."""

    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn from review"


class DistributionRole(models.TextChoices):
    KEY_STAFF = "key_staff", "Key staff"
    RECOVERY_TEAM = "recovery_team", "Recovery team"
    OFFSITE_HOLDER = "offsite_holder", "Off-site copy holder"


class TargetKind(models.TextChoices):
    FOLDER = "folder", "Folder (mounted share or removable drive)"
    S3 = "s3", "S3-compatible bucket"
