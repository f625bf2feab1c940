"""Choices of the strategy area."""

from django.db import models


class Verdict(models.TextChoices):
    """The gap-analysis verdict of a process or service (colour: status word of the same name)."""

    MEETS = "meets", "Meets"
    AT_RISK = "at_risk", "At risk"
    BREACH = "breach", "Breach"
    UNKNOWN = "unknown", "Unknown"


class BackupFindingKind(models.TextChoices):
    """Why a data asset's backups need attention."""

    NO_BACKUP = "no_backup", "No backup recorded"
    NO_OFFSITE = "no_offsite", "No off-site copy"
    NO_RESTORE_TEST = "no_restore_test", "No restore test"
    STALE_RESTORE_TEST = "stale_restore_test", "Restore test too old"
    RPO_MISSED = "rpo_missed", "Recovery point achievable beyond the RPO"


VERDICT_STATUS = {
    Verdict.MEETS: "ok",
    Verdict.AT_RISK: "risk",
    Verdict.BREACH: "breach",
    Verdict.UNKNOWN: "unknown",
}
