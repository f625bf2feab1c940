"""Recovery plans: the living draft, immutable versions, distribution, off-site copies.

A :class:`Plan` is edited as a draft (its fields, :class:`PlanStep` rows, call tree and
communications). Submitting it for review freezes the draft into a :class:`PlanVersion` whose
``content`` holds the whole plan as plain data (the single source for the on-screen plan, the
offline HTML, the PDF and the JSON export); an approved version is never changed again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from standby.inventory.models import KEY_VALIDATOR, Node, Person, Team
from standby.plans.choices import DistributionRole, PlanTemplate, TargetKind, VersionStatus


def validate_plan_key(value: str) -> None:
    """Refuse an id that is a page under /plans/ (``new``, ``stale``…): such a plan would be
    unreachable. The words are the fixed routes (``standby.plans.urls.RESERVED_KEYS``)."""
    from standby.plans.urls import RESERVED_KEYS  # at call time: the URLs import the views

    if value in RESERVED_KEYS:
        words = sorted(RESERVED_KEYS)
        raise ValidationError(
            "%(value)r is a page under /plans/: a plan id cannot be %(words)s.",
            code="reserved",
            params={"value": value, "words": f"{', '.join(words[:-1])} or {words[-1]}"},
        )


class Plan(models.Model):
    """A recovery plan for a set of processes and services (their dependencies come along)."""

    key = models.CharField(
        "id", max_length=100, unique=True, validators=[KEY_VALIDATOR, validate_plan_key]
    )
    title = models.CharField(max_length=200)
    template = models.CharField(
        max_length=10, choices=PlanTemplate.choices, default=PlanTemplate.ITSCM
    )
    scope = models.ManyToManyField(
        Node,
        related_name="plans",
        limit_choices_to={"kind__in": ["process", "service"]},
        help_text="The processes and services it recovers; what they require is pulled in.",
    )
    purpose = models.TextField("purpose and scope", blank=True)
    invocation_triggers = models.TextField(
        "triggers and criteria for invocation", blank=True, help_text="Markdown."
    )
    invocation_authority = models.TextField(
        "who may invoke",
        blank=True,
        default="The continuity manager; the deputy when the manager is absent.",
    )
    invocation_procedure = models.TextField("how to invoke", blank=True, help_text="Markdown.")
    return_to_normal = models.TextField(blank=True, help_text="Markdown.")
    teams = models.ManyToManyField(Team, blank=True, related_name="plans")
    review_by = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every save (edit check)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "key"]
        verbose_name = "recovery plan"
        verbose_name_plural = "recovery plans"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.key])


class PlanStep(models.Model):
    """One step of the draft's recovery sequence: bring ``node`` back (or a manual step)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_steps"
    )
    title = models.CharField(max_length=200)
    procedure = models.TextField(blank=True, help_text="Markdown; sanitised when shown.")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_steps"
    )
    expected_duration = models.FloatField(
        "expected duration (hours)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    verification = models.TextField("how to verify it is back", blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "recovery step"
        verbose_name_plural = "recovery steps"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="plans_step_position_unique",
                violation_error_message="Two steps cannot share a position.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class CallTreeEntry(models.Model):
    """Who calls whom, in order, with a fall-back when the callee cannot be reached."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="call_tree")
    position = models.PositiveIntegerField()
    caller = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the person who invokes the plan.",
    )
    callee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    fallback = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "call tree entry"
        verbose_name_plural = "call tree entries"

    def __str__(self) -> str:
        return f"{self.caller or 'invoker'} calls {self.callee}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class Communication(models.Model):
    """Who is told what, when, how: an audience, a channel, a timing and a message template."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="communications")
    position = models.PositiveIntegerField()
    audience = models.CharField(max_length=200)
    channel = models.CharField(max_length=100)
    timing = models.CharField(max_length=200)
    message = models.TextField(blank=True, help_text="Message template (Markdown).")

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "communication"
        verbose_name_plural = "communications"

    def __str__(self) -> str:
        return f"{self.audience} via {self.channel}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class PlanVersion(models.Model):
    """A frozen plan: ``content`` is the whole plan as plain data. Approved ones never change."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices)
    content = models.JSONField()
    data_as_of = models.DateTimeField(help_text="When the data in it was read.")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = "plan version"
        verbose_name_plural = "plan versions"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plans_version_number_unique",
                violation_error_message="This version number exists already.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values),
                name="plans_version_status_valid",
                violation_error_message="Unknown version status.",
            ),
            models.CheckConstraint(
                condition=~Q(status=VersionStatus.APPROVED) | Q(approved_at__isnull=False),
                name="plans_version_approved_has_time",
                violation_error_message="An approved version records when it was approved.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("plans:version_detail", args=[self.plan.key, self.number])


class DistributionEntry(models.Model):
    """Someone who receives every approved version and acknowledges it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="distribution")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_distribution")
    role = models.CharField(max_length=20, choices=DistributionRole.choices)

    class Meta:
        ordering = ["plan", "person__name"]
        verbose_name = "distribution list entry"
        verbose_name_plural = "distribution list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person"],
                name="plans_distribution_once",
                violation_error_message="This person is already on the distribution list.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class Acknowledgement(models.Model):
    """One person's receipt of one approved version (by a signed one-time link or in the app)."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="plan_acknowledgements"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "person__name"]
        verbose_name = "acknowledgement"
        verbose_name_plural = "acknowledgements"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "person"],
                name="plans_ack_once",
                violation_error_message="This person already has an acknowledgement for it.",
            )
        ]

    def __str__(self) -> str:
        state = "acknowledged" if self.acknowledged_at else "waiting"
        return f"{self.person}: {self.version} ({state})"

    def get_absolute_url(self) -> str:
        return self.version.get_absolute_url()


class OffsiteTarget(models.Model):
    """Where every approved version is copied: a folder (share, USB drive) or an S3 bucket."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=TargetKind.choices, default=TargetKind.FOLDER)
    location = models.CharField(
        max_length=500, help_text="A folder path, or s3://bucket/prefix for a bucket."
    )
    endpoint_url = models.CharField(max_length=500, blank=True, help_text="S3-compatible endpoint.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "off-site target"
        verbose_name_plural = "off-site targets"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:target_detail", args=[self.pk])


class OffsiteCopy(models.Model):
    """A copy of one plan version's exports on one target, and whether it succeeded.

    ``check_only``: the row records a later check of a copy already there (read back and
    verified), not a new copy; a failed check leaves the target outdated like a failed copy.
    """

    target = models.ForeignKey(OffsiteTarget, on_delete=models.CASCADE, related_name="copies")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="offsite_copies"
    )
    copied_at = models.DateTimeField()
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    check_only = models.BooleanField(
        default=False, help_text="A check of a copy made earlier, not a new copy."
    )

    class Meta:
        ordering = ["-copied_at"]
        verbose_name = "off-site copy"
        verbose_name_plural = "off-site copies"

    def __str__(self) -> str:
        return f"{self.version} on {self.target}"

    def get_absolute_url(self) -> str:
        return self.target.get_absolute_url()
