"""Continuity strategy: recovery options, the option chosen per node, backups, scenarios.

The recovery time of a node lives on :class:`standby.inventory.models.Node` (the analysis engine
reads it there). Choosing an option through :func:`standby.strategy.services.strategy_choose`
writes the chosen recovery time to the node too, so the two never disagree.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from standby.inventory.models import KEY_VALIDATOR, Contract, Node, Team


def _money(label: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )


class RecoveryOption(models.Model):
    """One recovery option of the catalogue (ITIL): typical recovery time and indicative costs."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=200)
    also_called = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    min_hours = models.FloatField(
        "fastest recovery (h)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    max_hours = models.FloatField(
        "slowest recovery (h)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    typical_hours = models.FloatField(
        "typical recovery time (h)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="What a node gets as its recovery time when this option is chosen. Empty: "
        "no known recovery time (do nothing).",
    )
    one_off_cost = _money("one-off cost")
    annual_cost = _money("annual cost")
    position = models.PositiveIntegerField(default=0)
    catalogue_version = models.PositiveIntegerField(
        default=0, help_text="The catalogue version it was loaded from; 0 once edited by hand."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = "recovery option"
        verbose_name_plural = "recovery options"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_hours=None) | Q(max_hours=None) | Q(min_hours__lte=F("max_hours")),
                name="strategy_recoveryoption_range_ordered",
                violation_error_message="The fastest recovery cannot be slower than the slowest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("strategy:option_update", args=[self.key])


class RecoveryTier(models.Model):
    """A recovery tier: an RTO and RPO band (e.g. tier 1: < 1 h / RPO < 15 min)."""

    number = models.PositiveIntegerField("tier", unique=True)
    name = models.CharField(max_length=200)
    rto = models.FloatField("RTO up to (h)", validators=[MinValueValidator(0)])
    rpo = models.FloatField("RPO up to (h)", validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["number"]
        verbose_name = "recovery tier"
        verbose_name_plural = "recovery tiers"
        constraints = [
            models.CheckConstraint(
                condition=Q(rto__gte=0) & Q(rpo__gte=0),
                name="strategy_recoverytier_not_negative",
                violation_error_message="A tier's RTO and RPO cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("strategy:option_list") + f"#tier-{self.number}"


class NodeStrategy(models.Model):
    """The recovery option chosen for an asset, location or supplier, and what it costs."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="strategy")
    option = models.ForeignKey(RecoveryOption, on_delete=models.PROTECT, related_name="chosen_by")
    recovery_time = models.FloatField(
        "recovery time (h)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Empty: the option's typical recovery time. Written to the node as well.",
    )
    one_off_cost = _money("one-off cost")
    annual_cost = _money("annual cost")
    contract = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivers",
        help_text="The supplier contract that delivers it, if any.",
    )
    alternate_site = models.ForeignKey(
        Node,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="standby_for",
        limit_choices_to={"kind": "location"},
        help_text="The alternate / recovery site it is recovered at, if any.",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recovers",
        help_text="Who recovers it (the staff-limited schedule uses the team's capacity).",
    )
    last_tested_on = models.DateField("last tested", null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node__name", "node__key"]
        verbose_name = "chosen strategy"
        verbose_name_plural = "chosen strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(recovery_time=None) | Q(recovery_time__gte=0),
                name="strategy_nodestrategy_recovery_time_not_negative",
                violation_error_message="A recovery time cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.option} for {self.node}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:node_strategy", args=[self.node.key])


class StrategyAlternative(models.Model):
    """An option considered for a node: the optimiser chooses among these (and today's)."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="alternatives")
    option = models.ForeignKey(RecoveryOption, on_delete=models.CASCADE, related_name="+")
    recovery_time = models.FloatField(
        "recovery time (h)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Empty: the option's typical recovery time.",
    )
    one_off_cost = _money("one-off cost")
    annual_cost = _money("annual cost")

    class Meta:
        ordering = ["node", "annual_cost", "option__position"]
        verbose_name = "alternative considered"
        verbose_name_plural = "alternatives considered"
        constraints = [
            models.UniqueConstraint(
                fields=["node", "option"],
                name="strategy_alternative_once_per_node",
                violation_error_message="This option is already an alternative for this node.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.option} (considered for {self.node})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:node_strategy", args=[self.node.key])


class Backup(models.Model):
    """How a data asset is backed up; gives the recovery point achievable (RPA)."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="backup")
    interval = models.FloatField(
        "backup interval (h)",
        validators=[MinValueValidator(0)],
        help_text="Hours between backups (0: continuous replication).",
    )
    replication_lag = models.FloatField(
        "replication lag (h)", default=0, validators=[MinValueValidator(0)]
    )
    onsite_copies = models.PositiveIntegerField("on-site copies", default=1)
    offsite_copies = models.PositiveIntegerField("off-site copies", default=0)
    retention_days = models.PositiveIntegerField("retention (days)", default=30)
    last_restore_test_on = models.DateField("last successful restore test", null=True, blank=True)
    last_restore_hours = models.FloatField(
        "restore test duration (h)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node__name", "node__key"]
        verbose_name = "backup"
        verbose_name_plural = "backups"
        constraints = [
            models.CheckConstraint(
                condition=Q(interval__gte=0) & Q(replication_lag__gte=0),
                name="strategy_backup_times_not_negative",
                violation_error_message="Backup interval and replication lag cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return f"Backup of {self.node}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:node_strategy", args=[self.node.key])

    @property
    def recovery_point(self) -> float:
        """Recovery point achievable in hours: the interval plus any replication lag."""
        return self.interval + self.replication_lag


class Scenario(models.Model):
    """A user-defined disaster: a set of assets, sites and suppliers failing together."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    failed = models.ManyToManyField(Node, related_name="in_scenarios", verbose_name="what fails")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "disaster scenario"
        verbose_name_plural = "disaster scenarios"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("strategy:scenario_detail", args=[f"user:{self.key}"])


class TeamCapacity(models.Model):
    """How many people of a team recover things in parallel (the schedule's limit)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="capacity")
    capacity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["team__name"]
        verbose_name = "team capacity"
        verbose_name_plural = "team capacities"
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="strategy_teamcapacity_positive",
                violation_error_message="A team recovers at least one thing at a time.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.capacity} in parallel"

    def get_absolute_url(self) -> str:
        return reverse("strategy:team_capacity")
