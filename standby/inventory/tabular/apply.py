"""Writing a checked sheet: all rows or none, through the inventory services (so, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.inventory import services
from standby.inventory.models import Node, Person, Requirement
from standby.inventory.tabular.plan import CREATE, UNCHANGED, UPDATE, Plan, RowPlan


class ImportRefusedError(ValueError):
    """The sheet has errors, or the database refused a row; nothing was written."""


@dataclass(frozen=True)
class Outcome:
    """How many rows were created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int


def import_apply(*, actor: User, plan: Plan) -> Outcome:
    """Write every row of ``plan`` in one transaction, or nothing when any row fails."""
    require(actor, Capability.EDIT)
    if not plan.ok:
        raise ImportRefusedError("The sheet has errors; nothing was imported.")
    try:
        with transaction.atomic():
            if plan.entity.node_kind is not None:
                _apply_nodes(actor, plan)
            elif plan.entity.slug == "people":
                for row in _changed(plan):
                    services.person_save(actor=actor, person=row.instance)
            elif plan.entity.slug == "teams":
                _apply_teams(actor, plan)
            else:
                for row in _changed(plan):
                    services.contract_save(actor=actor, contract=row.instance)
    except ValidationError as error:
        raise ImportRefusedError(
            "The inventory refused the import, so nothing was imported: "
            + "; ".join(error.messages)
        ) from error
    return Outcome(plan.count(CREATE), plan.count(UPDATE), plan.count(UNCHANGED))


def _changed(plan: Plan) -> list[RowPlan]:
    return [r for r in plan.rows if r.action == CREATE or (r.action == UPDATE and r.fields_changed)]


def _apply_nodes(actor: User, plan: Plan) -> None:
    replaced = [r for r in plan.rows if r.requires_changed]
    # Old requirements go first, new ones last: in between, the graph is a part of the final
    # (acyclic) graph, so no intermediate step can close a cycle.
    for stored in Requirement.objects.filter(
        owner_id__in=[r.instance.pk for r in replaced if r.instance.pk]
    ).order_by("pk"):
        services.requirement_delete(actor=actor, requirement=stored)
    for row in _changed(plan):
        services.node_save(actor=actor, node=row.instance)
    wanted = {key for r in replaced for req in r.requires or () for key in req.keys}
    wanted |= {r.key for r in replaced}
    nodes = {node.key: node for node in Node.objects.filter(key__in=wanted)}
    for row in replaced:
        for requirement in row.requires or ():
            services.requirement_add(
                actor=actor,
                owner=nodes[row.key],
                members=[nodes[key] for key in requirement.keys],
                at_least=requirement.at_least,
            )


def _apply_teams(actor: User, plan: Plan) -> None:
    for row in _changed(plan):
        services.team_save(actor=actor, team=row.instance)
    keys = {person for r in plan.rows for person, _ in r.members or ()}
    people = {p.key: p for p in Person.objects.filter(key__in=keys)}
    for row in plan.rows:
        if row.members is not None and row.members_changed:
            services.team_set_members(
                actor=actor,
                team=row.instance,
                members=[(people[key], role) for key, role in row.members],
            )
