"""The dependency model: processes, services, assets, locations, suppliers, and who is who.

Processes, services, assets, locations and suppliers are all *nodes* of one graph, stored in one
table (:class:`Node`) so a requirement can name any of them and the whole graph loads in a
constant number of queries. Each kind has a proxy model (:class:`BusinessProcess`, …) with its
own pages. Every node has a ``key``: its id in the model file, unique across the whole model.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from standby.inventory.choices import (
    AssetType,
    LocationKind,
    NodeKind,
    RequirementForm,
    TeamRole,
)

#: The rule for every id (``key``): it names URLs and export folders, so it starts with a letter
#: or digit ("." and ".." would be folders outside the exports; "-x" reads as an option). The
#: model file (``standby.modelfile.schema``) and the options catalogue check the same rule.
KEY_VALIDATOR = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z",
    "Use 1–100 letters, digits, dots, dashes or underscores, starting with a letter or digit.",
)

URL_PREFIX = {
    NodeKind.PROCESS: "process",
    NodeKind.SERVICE: "service",
    NodeKind.ASSET: "asset",
    NodeKind.LOCATION: "location",
    NodeKind.SUPPLIER: "supplier",
}


class Person(models.Model):
    """Someone in the organisation: owner of things, member of teams, a contact in a crisis."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField("work phone", max_length=50, blank=True)
    out_of_hours_phone = models.CharField(max_length=50, blank=True)
    leaves_on = models.DateField(
        null=True, blank=True, help_text="Planned leaving date: plans naming them go stale."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:person_detail", args=[self.key])


class Team(models.Model):
    """A recovery (or other) team; a good one has technical staff, users and representatives."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=200)
    members: models.ManyToManyField[Person, TeamMember] = models.ManyToManyField(
        Person, through="TeamMember", related_name="teams"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "team"
        verbose_name_plural = "teams"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:team_detail", args=[self.key])


class TeamMember(models.Model):
    """A person's place, with a role, on a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=TeamRole.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["team", "position", "id"]
        verbose_name = "team member"
        verbose_name_plural = "team members"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                name="inventory_teammember_once_per_team",
                violation_error_message="This person is already on the team.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values),
                name="inventory_teammember_role_valid",
                violation_error_message="Choose a defined team role.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) on {self.team}"

    def get_absolute_url(self) -> str:
        return self.team.get_absolute_url()


class Node(models.Model):
    """One node of the dependency graph: a process, service, asset, location or supplier."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    kind = models.CharField(max_length=10, choices=NodeKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_nodes",
        help_text="Processes and services: who answers for it.",
    )
    asset_type = models.CharField(max_length=20, choices=AssetType.choices, blank=True)
    location = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets_here",
        limit_choices_to={"kind": NodeKind.LOCATION},
        help_text="Assets: the site it is at (it fails with the site).",
    )
    supplier = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets_supplied",
        limit_choices_to={"kind": NodeKind.SUPPLIER},
        help_text="Assets: who supplies it (it fails with the supplier).",
    )
    location_kind = models.CharField(max_length=10, choices=LocationKind.choices, blank=True)
    recovery_time = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Hours to bring it back once what it requires is back.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    FAILABLE: ClassVar[frozenset[str]] = frozenset(
        {NodeKind.ASSET, NodeKind.LOCATION, NodeKind.SUPPLIER}
    )

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "node"
        verbose_name_plural = "nodes"
        indexes = [models.Index(fields=["kind", "name"], name="inventory_node_kind_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NodeKind.values),
                name="inventory_node_kind_valid",
                violation_error_message="Choose a defined kind of node.",
            ),
            models.CheckConstraint(
                condition=(Q(kind=NodeKind.ASSET) & Q(asset_type__in=AssetType.values))
                | (~Q(kind=NodeKind.ASSET) & Q(asset_type="")),
                name="inventory_node_asset_type_for_assets",
                violation_error_message="An asset needs a type; only assets have one.",
            ),
            models.CheckConstraint(
                condition=Q(kind=NodeKind.ASSET) | (Q(location=None) & Q(supplier=None)),
                name="inventory_node_site_and_supplier_for_assets",
                violation_error_message="Only assets have a location and a supplier.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[NodeKind.PROCESS, NodeKind.SERVICE]) | Q(owner=None),
                name="inventory_node_owner_for_processes_and_services",
                violation_error_message="Only processes and services have an owner.",
            ),
            models.CheckConstraint(
                condition=Q(kind=NodeKind.LOCATION) | Q(location_kind=""),
                name="inventory_node_location_kind_for_locations",
                violation_error_message="Only locations are primary or alternate sites.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[NodeKind.ASSET, NodeKind.LOCATION, NodeKind.SUPPLIER])
                | Q(recovery_time=None),
                name="inventory_node_recovery_time_for_failable",
                violation_error_message=(
                    "Processes and services have no recovery time of their own: theirs follows "
                    "from what they require."
                ),
            ),
            models.CheckConstraint(
                condition=Q(recovery_time=None) | Q(recovery_time__gte=0),
                name="inventory_node_recovery_time_not_negative",
                violation_error_message="A recovery time cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(f"inventory:{URL_PREFIX[NodeKind(self.kind)]}_detail", args=[self.key])

    @property
    def can_fail(self) -> bool:
        """Only assets, locations and suppliers fail directly."""
        return self.kind in self.FAILABLE


class _KindManager(models.Manager["Node"]):
    def __init__(self, kind: NodeKind) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[Node]:
        return super().get_queryset().filter(kind=self.kind)


class BusinessProcess(Node):
    """A business process / vital business function (e.g. "pay staff")."""

    objects = _KindManager(NodeKind.PROCESS)  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        ordering = ["name", "key"]
        verbose_name = "business process"
        verbose_name_plural = "business processes"


class ITService(Node):
    """An IT service (printing, internet, data storage, …)."""

    objects = _KindManager(NodeKind.SERVICE)  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        ordering = ["name", "key"]
        verbose_name = "IT service"
        verbose_name_plural = "IT services"


class Asset(Node):
    """A configuration item a service is made of."""

    objects = _KindManager(NodeKind.ASSET)  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        ordering = ["name", "key"]
        verbose_name = "asset"
        verbose_name_plural = "assets"


class Location(Node):
    """A site: primary, or alternate / recovery."""

    objects = _KindManager(NodeKind.LOCATION)  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        ordering = ["name", "key"]
        verbose_name = "location"
        verbose_name_plural = "locations"


class Supplier(Node):
    """A supplier of assets or services; it can fail (bankruptcy, its own outage)."""

    objects = _KindManager(NodeKind.SUPPLIER)  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        ordering = ["name", "key"]
        verbose_name = "supplier"
        verbose_name_plural = "suppliers"


class Requirement(models.Model):
    """``owner`` requires at least ``at_least`` of its members to be available.

    A single-node requirement is ``at_least = 1`` with one member; "any of" is ``at_least = 1``.
    """

    owner = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveIntegerField(default=0)
    at_least = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    form = models.CharField(
        max_length=10, choices=RequirementForm.choices, default=RequirementForm.SINGLE
    )
    members: models.ManyToManyField[Node, RequirementMember] = models.ManyToManyField(
        Node, through="RequirementMember", related_name="+"
    )

    class Meta:
        ordering = ["owner", "position", "id"]
        verbose_name = "requirement"
        verbose_name_plural = "requirements"
        constraints = [
            models.CheckConstraint(
                condition=Q(at_least__gte=1),
                name="inventory_requirement_at_least_positive",
                violation_error_message="A requirement needs at least one node.",
            ),
            models.CheckConstraint(
                condition=Q(form__in=RequirementForm.values),
                name="inventory_requirement_form_valid",
                violation_error_message="Unknown requirement form.",
            ),
        ]

    def __str__(self) -> str:
        return f"requirement {self.position + 1} of {self.owner}"

    def get_absolute_url(self) -> str:
        return self.owner.get_absolute_url()


class RequirementMember(models.Model):
    """One node named by a requirement. Deleting a required node is refused (PROTECT)."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="memberships"
    )
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="required_by")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["requirement", "position", "id"]
        verbose_name = "requirement member"
        verbose_name_plural = "requirement members"
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "node"],
                name="inventory_requirementmember_once",
                violation_error_message="A node appears only once in a requirement.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node} in {self.requirement}"

    def get_absolute_url(self) -> str:
        return self.requirement.get_absolute_url()


class Contract(models.Model):
    """What a supplier guarantees (e.g. "replacement server within 8 h") and until when."""

    key = models.CharField("id", max_length=100, unique=True, validators=[KEY_VALIDATOR])
    supplier = models.ForeignKey(
        Node,
        on_delete=models.CASCADE,
        related_name="contracts",
        limit_choices_to={"kind": NodeKind.SUPPLIER},
    )
    name = models.CharField(max_length=200, blank=True)
    guarantees = models.TextField(blank=True, help_text="The recovery capability, in words.")
    recovery_time = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Guaranteed recovery time in hours.",
    )
    expires_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["supplier", "key"]
        verbose_name = "supplier contract"
        verbose_name_plural = "supplier contracts"
        constraints = [
            models.CheckConstraint(
                condition=Q(recovery_time=None) | Q(recovery_time__gte=0),
                name="inventory_contract_recovery_time_not_negative",
                violation_error_message="A recovery time cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.key

    def get_absolute_url(self) -> str:
        return reverse("inventory:contract_detail", args=[self.key])
