"""Roles and what each may do."""

from django.db import models


class Role(models.TextChoices):
    """A user's role in the continuity programme (PRODUCT.md "Who uses it")."""

    MANAGER = "manager", "Continuity manager"
    DEPUTY = "deputy", "Deputy"
    RECOVERY_TEAM = "recovery_team", "Recovery team member"
    SERVICE_OWNER = "service_owner", "Service owner"
    AUDITOR = "auditor", "Auditor"
    VIEWER = "viewer", "Viewer"


class Capability(models.TextChoices):
    """Something a role may do. Services and views ask for a capability, never for a role."""

    VIEW = "view", "See the continuity data"
    EDIT = "edit", "Create, change and delete continuity data"
    VIEW_HISTORY = "view_history", "See the history of every object"
    VIEW_AUDIT_LOG = "view_audit_log", "See the global audit log"
    MANAGE_USERS = "manage_users", "Manage users and roles"
    ANSWER_BIA = "answer_bia", "Answer the BIA of one's own processes and services"
    APPROVE = "approve", "Approve BIA records and plans; start campaigns"
