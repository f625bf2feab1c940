"""The risk register: threats (what causes harm), risks (what can happen to which services and
assets), and proactive measures (what is done in advance, at what cost, with what effect).

Ratings are positions on the risk matrix (``standby/library/risk-matrix.yaml``); the scores and
bands are derived by the services when a risk is saved, and stored so the register filters and
sorts on them.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from standby.inventory.models import KEY_VALIDATOR, Node, Person
from standby.risks.choices import (
    MeasureEffect,
    RiskCategory,
    RiskStatus,
    ThreatCategory,
    Treatment,
)

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class Threat(models.Model):
    """A cause of harm (fire, power failure, resignation…) with its typical annual frequency.

    Library threats come from ``standby/library/threats.yaml``; users add their own.
    ``duration`` (hours), when given, is how long what it takes down stays down, whatever the
    recovery time (a power cut, a strike).
    """

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=ThreatCategory.choices)
    description = models.TextField(blank=True)
    frequency = models.FloatField(
        "typical frequency (events per year)", validators=[MinValueValidator(0)]
    )
    duration = models.FloatField(
        "outage duration (hours)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Only when the threat itself sets how long things stay down.",
    )
    risk_categories = models.JSONField(default=list, blank=True)
    from_library = models.BooleanField(default=False)
    library_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "threat"
        verbose_name_plural = "threats"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ThreatCategory.values),
                name="risks_threat_category_valid",
                violation_error_message="Choose a defined threat category.",
            ),
            models.CheckConstraint(
                condition=Q(frequency__gte=0),
                name="risks_threat_frequency_not_negative",
                violation_error_message="A frequency cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(duration=None) | Q(duration__gte=0),
                name="risks_threat_duration_not_negative",
                violation_error_message="A duration cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:threat_list") + f"#threat-{self.key}"

    @property
    def risk_category_labels(self) -> list[str]:
        return [RiskCategory(c).label for c in self.risk_categories if c in RiskCategory.values]


class Risk(models.Model):
    """What can happen to services and assets, caused by threats, rated before and after the
    proactive measures, with its treatment, owner and review date."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=RiskCategory.choices)
    threats: models.ManyToManyField[Threat, Any] = models.ManyToManyField(
        Threat, blank=True, related_name="risks"
    )
    nodes: models.ManyToManyField[Node, Any] = models.ManyToManyField(
        Node,
        blank=True,
        related_name="risks",
        verbose_name="what it hits",
        help_text="The assets, sites, suppliers and services it hits.",
    )
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    inherent_impact = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    residual_likelihood = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    residual_impact = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    # Derived by services.risk_save from the matrix; stored to filter and sort on.
    inherent_score = models.PositiveSmallIntegerField(default=0, editable=False)
    inherent_band = models.CharField(max_length=40, blank=True, editable=False)
    residual_score = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)
    residual_band = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    treatment = models.CharField(max_length=10, choices=Treatment.choices)
    treatment_reason = models.TextField("reason for the treatment")
    review_on = models.DateField("next review", null=True, blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-residual_score", "name", "id"]
        verbose_name = "risk"
        verbose_name_plural = "risks"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=RiskCategory.values),
                name="risks_risk_category_valid",
                violation_error_message="Choose a defined risk category.",
            ),
            models.CheckConstraint(
                condition=Q(treatment__in=Treatment.values),
                name="risks_risk_treatment_valid",
                violation_error_message="Choose reduce, transfer, accept or avoid.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RiskStatus.values),
                name="risks_risk_status_valid",
                violation_error_message="Choose a defined status.",
            ),
            models.CheckConstraint(
                condition=Q(residual_likelihood__lte=F("inherent_likelihood"))
                & Q(residual_impact__lte=F("inherent_impact")),
                name="risks_risk_residual_within_inherent",
                violation_error_message=(
                    "The residual likelihood and impact cannot be above the inherent ones: "
                    "measures reduce a risk."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        """Its review date has passed and it is not closed."""
        return (
            self.review_on is not None
            and self.review_on < timezone.localdate()
            and self.status != RiskStatus.CLOSED
        )


class Measure(models.Model):
    """A proactive measure against a risk: what it costs and what it changes.

    ``factor`` multiplies either the frequency of the risk's threats or the outage duration of
    the nodes it protects (``protects``; empty means every node the risk hits): 0.25 means a
    quarter of what it was.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    one_off_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    annual_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    effect = models.CharField(max_length=10, choices=MeasureEffect.choices)
    factor = models.FloatField(
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Multiplies the frequency or the outage duration: 0.25 leaves a quarter.",
    )
    protects: models.ManyToManyField[Node, Any] = models.ManyToManyField(
        Node,
        blank=True,
        related_name="protected_by",
        help_text="Outage-duration measures: the nodes it protects (none: all the risk hits).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["risk", "name", "id"]
        verbose_name = "proactive measure"
        verbose_name_plural = "proactive measures"
        constraints = [
            models.CheckConstraint(
                condition=Q(effect__in=MeasureEffect.values),
                name="risks_measure_effect_valid",
                violation_error_message="Choose frequency or outage duration.",
            ),
            models.CheckConstraint(
                condition=Q(factor__gte=0) & Q(factor__lte=1),
                name="risks_measure_factor_in_range",
                violation_error_message="The factor is between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(one_off_cost__gte=0) & Q(annual_cost__gte=0),
                name="risks_measure_costs_not_negative",
                violation_error_message="Costs cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_detail", args=[self.risk_id]) + f"#measure-{self.pk}"
