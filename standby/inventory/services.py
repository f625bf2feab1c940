"""Writes on the dependency model. Every write checks the actor and is audited.

Rules enforced here (PRODUCT.md "Dependency semantics"): ids are unique across the whole model;
a requirement names one node or "at least k of n"; the graph stays acyclic (a cycle is refused,
naming its nodes); a node others require is deleted only with explicit confirmation, which also
removes those requirements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.choices import NodeKind, RequirementForm, TeamRole
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
    TeamMember,
)
from standby.inventory.selectors import dependants_of, path_between, requires_edges

KEYED_MODELS: tuple[type[Node] | type[Person] | type[Team] | type[Contract], ...] = (
    Node,
    Person,
    Team,
    Contract,
)


def _check_key_free(key: str, instance: Any) -> None:
    """Ids are unique across the whole model, not only within one table."""
    for model in KEYED_MODELS:
        clash = model._default_manager.filter(key=key)
        if isinstance(instance, model) and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ValidationError(
                {"key": f"The id {key!r} is already used by a {model._meta.verbose_name}."}
            )


def _save(actor: User, instance: Any) -> Any:
    require(actor, Capability.EDIT)
    _check_key_free(instance.key, instance)
    return audit.audited_save(actor=actor, instance=instance)


# -- nodes ------------------------------------------------------------------------------------


@transaction.atomic
def node_save(*, actor: User, node: Node) -> Node:
    """Create or change a node (process, service, asset, location or supplier)."""
    if node.kind != NodeKind.ASSET:
        node.location = None
        node.supplier = None
    for field, kind in (("location", NodeKind.LOCATION), ("supplier", NodeKind.SUPPLIER)):
        target = getattr(node, field)
        if target is not None and target.kind != kind:
            raise ValidationError({field: f"{target} is not a {NodeKind(kind).label.lower()}."})
    saved = _save(actor, node)
    if node.location_id or node.supplier_id:
        _refuse_cycle(node, [n for n in (node.location_id, node.supplier_id) if n])
    return saved


@transaction.atomic
def node_delete(*, actor: User, node: Node, remove_requirements: bool = False) -> None:
    """Delete a node. Refused while others require it, unless ``remove_requirements``.

    With ``remove_requirements``, the node is first taken out of every requirement naming it (a
    requirement left empty is removed; "at least k" shrinks to fit) and cleared as location or
    supplier of the assets that had it.
    """
    require(actor, Capability.EDIT)
    dependants = dependants_of(node)
    if dependants and not remove_requirements:
        names = ", ".join(f"{d.node.name} ({d.node.key})" for d in dependants)
        raise ValidationError(
            f"{node.name} is required by {names}. Confirm to remove those requirements too."
        )
    for membership in RequirementMember.objects.filter(node=node).select_related(
        "requirement__owner"
    ):
        _remove_member(actor, membership)
    for asset in Node.objects.filter(location=node):
        asset.location = None
        audit.audited_save(actor=actor, instance=asset)
    for asset in Node.objects.filter(supplier=node):
        asset.supplier = None
        audit.audited_save(actor=actor, instance=asset)
    audit.audited_delete(actor=actor, instance=node)


def _remove_member(actor: User, membership: RequirementMember) -> None:
    requirement = membership.requirement
    owner = requirement.owner
    removed = membership.node.key
    membership.delete()
    remaining = requirement.memberships.count()
    if remaining == 0:
        requirement.delete()
    else:
        requirement.at_least = min(requirement.at_least, remaining)
        if remaining == 1:
            requirement.form = RequirementForm.SINGLE
        requirement.save(update_fields=["at_least", "form"])
    _record_requirements(actor, owner, {"requires": [removed, None]})


# -- requirements -----------------------------------------------------------------------------


def _refuse_cycle(owner: Node, member_ids: Sequence[int]) -> None:
    """Refuse when a new "owner requires member" edge closes a cycle; name the nodes on it."""
    edges = requires_edges()
    for member_id in member_ids:
        if member_id == owner.pk:
            raise ValidationError(f"{owner.key} cannot require itself.")
        path = path_between(edges, member_id, owner.pk)
        if path is not None:
            keys = dict(Node.objects.filter(pk__in=path).values_list("pk", "key"))
            cycle = [owner.key, *(keys[pk] for pk in path)]
            raise ValidationError("This would make a dependency cycle: " + " → ".join(cycle))


def _record_requirements(actor: User, owner: Node, changes: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=owner._meta.label_lower,
        object_id=str(owner.pk),
        object_repr=str(owner),
        changes=changes,
    )


def describe_requirement(at_least: int, keys: Sequence[str]) -> str:
    """How a requirement reads: ``lan``, ``any of isp-a, isp-b``, ``2 of db-1, db-2, db-3``."""
    if len(keys) == 1:
        return keys[0]
    if at_least == 1:
        return "any of " + ", ".join(keys)
    return f"{at_least} of " + ", ".join(keys)


@transaction.atomic
def requirement_add(
    *, actor: User, owner: Node, members: Sequence[Node], at_least: int = 1
) -> Requirement:
    """Add a requirement to ``owner``: one node, or at least ``at_least`` of ``members``."""
    require(actor, Capability.EDIT)
    if owner.kind in {NodeKind.LOCATION, NodeKind.SUPPLIER}:
        # The model file has no requirements on sites and suppliers: they fail as a whole.
        raise ValidationError(
            f"{owner.name} is a {NodeKind(owner.kind).label.lower()}: sites and suppliers have "
            "no requirements; record what they provide as assets instead."
        )
    if not members:
        raise ValidationError("Choose at least one node.")
    if len({m.pk for m in members}) != len(members):
        raise ValidationError("A node appears only once in a requirement.")
    if not 1 <= at_least <= len(members):
        raise ValidationError(f"'At least' must be between 1 and {len(members)}.")
    if any(m.kind not in NodeKind.values for m in members):
        raise ValidationError(
            "Only processes, services, assets, locations and suppliers can be required."
        )
    _refuse_cycle(owner, [m.pk for m in members])
    if len(members) == 1:
        form = RequirementForm.SINGLE
    else:
        form = RequirementForm.ANY_OF if at_least == 1 else RequirementForm.AT_LEAST
    last = owner.requirements.order_by("-position").values_list("position", flat=True).first()
    requirement = Requirement(
        owner=owner, at_least=at_least, form=form, position=0 if last is None else last + 1
    )
    requirement.full_clean()
    requirement.save()
    RequirementMember.objects.bulk_create(
        RequirementMember(requirement=requirement, node=member, position=i)
        for i, member in enumerate(members)
    )
    text = describe_requirement(at_least, [m.key for m in members])
    _record_requirements(actor, owner, {"requires": [None, text]})
    return requirement


@transaction.atomic
def requirement_delete(*, actor: User, requirement: Requirement) -> None:
    """Remove one requirement from its owner."""
    require(actor, Capability.EDIT)
    keys = list(requirement.memberships.order_by("position").values_list("node__key", flat=True))
    owner = requirement.owner
    requirement.delete()
    _record_requirements(
        actor, owner, {"requires": [describe_requirement(requirement.at_least, keys), None]}
    )


# -- people, teams, contracts -----------------------------------------------------------------


@transaction.atomic
def person_save(*, actor: User, person: Person) -> Person:
    """Create or change a person."""
    return _save(actor, person)


@transaction.atomic
def person_delete(*, actor: User, person: Person) -> None:
    """Delete a person who owns nothing and is on no team."""
    require(actor, Capability.EDIT)
    owned = list(person.owned_nodes.values_list("name", flat=True)[:10])
    teams = list(person.teams.values_list("name", flat=True)[:10])
    if owned or teams:
        reasons = []
        if owned:
            reasons.append("owns " + ", ".join(owned))
        if teams:
            reasons.append("is on " + ", ".join(teams))
        raise ValidationError(f"{person.name} {' and '.join(reasons)}: reassign first.")
    audit.audited_delete(actor=actor, instance=person)


@transaction.atomic
def team_save(*, actor: User, team: Team) -> Team:
    """Create or change a team's id and name."""
    return _save(actor, team)


@transaction.atomic
def team_set_members(
    *, actor: User, team: Team, members: Sequence[tuple[Person, TeamRole | str]]
) -> None:
    """Replace a team's members (person, role), in order."""
    require(actor, Capability.EDIT)
    if len({p.pk for p, _ in members}) != len(members):
        raise ValidationError("A person appears only once on a team.")
    before = [f"{m.person.key}:{m.role}" for m in team.memberships.select_related("person")]
    team.memberships.all().delete()
    rows = [TeamMember(team=team, person=p, role=r, position=i) for i, (p, r) in enumerate(members)]
    for row in rows:
        row.full_clean(exclude=["team"])
    TeamMember.objects.bulk_create(rows)
    after = [f"{p.key}:{r}" for p, r in members]
    if before != after:
        _record_team(actor, team, {"members": [before, after]})


def _record_team(actor: User, team: Team, changes: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=team._meta.label_lower,
        object_id=str(team.pk),
        object_repr=str(team),
        changes=changes,
    )


@transaction.atomic
def team_delete(*, actor: User, team: Team) -> None:
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=team)


@transaction.atomic
def contract_save(*, actor: User, contract: Contract) -> Contract:
    """Create or change a supplier contract."""
    if contract.supplier_id and contract.supplier.kind != NodeKind.SUPPLIER:
        raise ValidationError({"supplier": "A contract belongs to a supplier."})
    return _save(actor, contract)


@transaction.atomic
def contract_delete(*, actor: User, contract: Contract) -> None:
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=contract)
