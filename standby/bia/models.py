"""Business impact analysis: versioned settings, one record per process or service, approved
snapshots, and campaigns that ask owners for their answers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from standby.bia.choices import CampaignStatus, RecordStatus, TaskStatus
from standby.inventory.models import Node, Person


class BiaSettings(models.Model):
    """One version of the organisation-wide BIA settings; the newest is in force.

    ``categories`` is a list of ``{"id", "name", "levels": [6 descriptions]}``; ``levels`` the
    six level names (0–5); ``horizons`` the time horizons in hours, ascending.
    """

    version = models.PositiveIntegerField(unique=True)
    categories = models.JSONField()
    levels = models.JSONField()
    horizons = models.JSONField()
    intolerable_level = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    currency = models.CharField(max_length=3, default="GBP")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "BIA settings version"
        verbose_name_plural = "BIA settings versions"
        constraints = [
            models.CheckConstraint(
                condition=Q(intolerable_level__gte=1) & Q(intolerable_level__lte=5),
                name="bia_settings_intolerable_in_range",
                violation_error_message="The intolerable level is between 1 and 5.",
            )
        ]

    def __str__(self) -> str:
        return f"BIA settings v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("bia:settings_detail", args=[self.version])

    @property
    def category_ids(self) -> list[str]:
        return [c["id"] for c in self.categories]


class BiaRecord(models.Model):
    """The BIA of one business process (or IT service): impact over time and objectives.

    ``impacts`` maps a category id to the level (0–5) at each horizon of ``settings``;
    ``losses`` is money at each horizon (or null). Times are hours. What is *derived* (MTPD,
    suggested RTO, priority) is computed by :mod:`standby.analysis.bia`, never stored here.
    """

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="bia")
    settings = models.ForeignKey(BiaSettings, on_delete=models.PROTECT, related_name="records")
    impacts = models.JSONField(default=dict)
    losses = models.JSONField(default=list, blank=True)
    damage_form = models.TextField("form the damage takes", blank=True)
    growth = models.TextField("how the damage grows over time", blank=True)
    rto = models.FloatField("RTO (hours)", null=True, blank=True, validators=[MinValueValidator(0)])
    rpo = models.FloatField("RPO (hours)", null=True, blank=True, validators=[MinValueValidator(0)])
    wrt = models.FloatField(
        "work recovery time (hours)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    mbco = models.PositiveSmallIntegerField(
        "MBCO (% of normal service)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    rto_reason = models.TextField(blank=True)
    rpo_reason = models.TextField(blank=True)
    wrt_reason = models.TextField(blank=True)
    mbco_reason = models.TextField(blank=True)
    rto_override = models.TextField(
        "reason for an RTO beyond the MTPD",
        blank=True,
        help_text="Required when the RTO exceeds the MTPD; the record is then flagged.",
    )
    min_staff = models.PositiveIntegerField("minimum staff", null=True, blank=True)
    min_skills = models.TextField("minimum skills", blank=True)
    min_facilities = models.TextField("minimum facilities", blank=True)
    min_services = models.ManyToManyField(
        Node, blank=True, related_name="+", limit_choices_to={"kind": "service"}
    )
    min_suppliers = models.ManyToManyField(
        Node, blank=True, related_name="+", limit_choices_to={"kind": "supplier"}
    )
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    review_comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every save (edit check)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node__name"]
        verbose_name = "BIA record"
        verbose_name_plural = "BIA records"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RecordStatus.values),
                name="bia_record_status_valid",
                violation_error_message="Unknown BIA status.",
            ),
            models.CheckConstraint(
                condition=Q(mbco=None) | Q(mbco__lte=100),
                name="bia_record_mbco_percent",
                violation_error_message="The MBCO is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"BIA of {self.node}"

    def get_absolute_url(self) -> str:
        return reverse("bia:record_detail", args=[self.node.key])


class BiaSnapshot(models.Model):
    """An approved BIA record, frozen: what was approved, by whom, when. Never changed."""

    record = models.ForeignKey(BiaRecord, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField()
    data = models.JSONField(help_text="The record and its derived values as approved.")
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record", "-number"]
        verbose_name = "approved BIA snapshot"
        verbose_name_plural = "approved BIA snapshots"
        constraints = [
            models.UniqueConstraint(
                fields=["record", "number"],
                name="bia_snapshot_number_unique",
                violation_error_message="This snapshot number exists already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} approved #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("bia:record_detail", args=[self.record.node.key])


class Campaign(models.Model):
    """A round of BIA questionnaires sent to the owners of a set of processes."""

    name = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "BIA campaign"
        verbose_name_plural = "BIA campaigns"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bia:campaign_detail", args=[self.pk])


class CampaignTask(models.Model):
    """One owner's task in a campaign: answer the BIA of one process or service."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    record = models.ForeignKey(BiaRecord, on_delete=models.CASCADE, related_name="tasks")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bia_tasks")
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The manager's comment when returned.")

    class Meta:
        ordering = ["campaign", "record__node__name"]
        verbose_name = "BIA campaign task"
        verbose_name_plural = "BIA campaign tasks"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "record"],
                name="bia_task_once_per_campaign",
                violation_error_message="This process is already in the campaign.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record.node} for {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("bia:task_detail", args=[self.pk])
