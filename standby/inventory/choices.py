"""Choices of the inventory (the dependency model)."""

from django.db import models


class NodeKind(models.TextChoices):
    """What a node of the dependency graph is. Only assets, locations and suppliers fail."""

    PROCESS = "process", "Business process"
    SERVICE = "service", "IT service"
    ASSET = "asset", "Asset"
    LOCATION = "location", "Location"
    SUPPLIER = "supplier", "Supplier"


class AssetType(models.TextChoices):
    """What an asset (configuration item) is."""

    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    NETWORK = "network", "Network"
    FACILITY = "facility", "Facility"
    DATA = "data", "Data"
    PROCEDURE = "procedure", "Procedure"
    STAFF = "staff", "Staff / skill"
    EXTERNAL_SERVICE = "external_service", "External service"


class LocationKind(models.TextChoices):
    PRIMARY = "primary", "Primary site"
    ALTERNATE = "alternate", "Alternate / recovery site"


class TeamRole(models.TextChoices):
    """A member's role on a recovery team (the seed: technical staff, users, representatives)."""

    LEADER = "leader", "Leader"
    TECHNICAL = "technical", "Technical staff"
    USER = "user", "User"
    DEPARTMENT_REPRESENTATIVE = "department_representative", "Department representative"


class RequirementForm(models.TextChoices):
    """How a requirement is written in the model file, kept so files round-trip."""

    SINGLE = "id", "Single node"
    ANY_OF = "any_of", "Any of"
    AT_LEAST = "at_least", "At least k of n"
