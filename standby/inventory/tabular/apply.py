"""Writing a checked sheet: all rows or none, every change in the audit log.

People, teams and contracts go through the inventory services; nodes are saved with
:func:`standby.common.audit.audited_save` and their requirements written in bulk (see
:func:`_apply_nodes` for why), each node's change of requirements audited as one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory import services
from standby.inventory.choices import RequirementForm
from standby.inventory.models import Contract, Node, Person, Requirement, RequirementMember, Team
from standby.inventory.tabular.grammar import format_requires
from standby.inventory.tabular.plan import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Plan,
    RowPlan,
    cycle_message,
    find_cycles,
    stored_graph,
    stored_requires,
)

_T = TypeVar("_T")


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
    except IntegrityError as error:
        raise ImportRefusedError(
            f"The database refused the import, so nothing was imported: {error}"
        ) from error
    except ValidationError as error:
        raise ImportRefusedError(
            "The inventory refused the import, so nothing was imported: "
            + "; ".join(error.messages)
        ) from error
    return Outcome(plan.count(CREATE), plan.count(UPDATE), plan.count(UNCHANGED))


def _changed(plan: Plan) -> list[RowPlan]:
    return [r for r in plan.rows if r.action == CREATE or (r.action == UPDATE and r.fields_changed)]


def _apply_nodes(actor: User, plan: Plan) -> None:
    """Save the nodes, then replace the requirements that change in bulk, audited per node.

    Going through ``node_save`` / ``requirement_add`` row by row would reload the whole graph
    for each cycle check (quadratic: minutes for a few thousand rows). The plan has checked the
    final graph; it is checked once more here, inside the transaction, against what is stored
    now, so a concurrent change cannot slip a cycle in.
    """
    changed = _changed(plan)
    _save_nodes(actor, changed)
    _refuse_key_clashes(plan)
    replaced = [r for r in plan.rows if r.requires_changed]
    if replaced:
        _replace_requirements(actor, replaced)
    if changed or replaced:
        cycles = find_cycles(stored_graph(), [r.key for r in plan.rows])
        if cycles:
            raise ValidationError(cycle_message(cycles[0]))


def _save_nodes(actor: User, rows: list[RowPlan]) -> None:
    """Validate and save each node, then append their audit entries in one bulk insert.

    ``full_clean`` skips the model's check constraints and references here: each would cost a
    query per row (seven constraints on a node), the plan has checked every one of them, and
    the database enforces them again on save (an ``IntegrityError`` refuses the whole import).
    """
    stored: dict[int, dict[str, Any]] = {}
    updated = [row.instance.pk for row in rows if row.instance.pk]
    for chunk in _chunks(updated):
        stored.update((node.pk, audit.snapshot(node)) for node in Node.objects.filter(pk__in=chunk))
    entries: list[audit.PendingEntry] = []
    for row in rows:
        node = row.instance
        creating = node.pk is None
        node.full_clean(
            exclude=["owner", "location", "supplier"],
            validate_unique=False,
            validate_constraints=False,
        )
        node.save()
        changes = audit.diff({} if creating else stored.get(node.pk, {}), audit.snapshot(node))
        entries.append(
            audit.PendingEntry(
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                object_type=node._meta.label_lower,
                object_id=str(node.pk),
                object_repr=str(node),
                changes=changes,
            )
        )
    audit.record_many(actor=actor, entries=entries)


def _replace_requirements(actor: User, replaced: list[RowPlan]) -> None:
    wanted = sorted({key for r in replaced for req in r.requires or () for key in req.keys})
    wanted += [r.key for r in replaced]
    nodes: dict[str, Node] = {}
    for chunk in _chunks(wanted):
        nodes.update((node.key, node) for node in Node.objects.filter(key__in=chunk))
    missing = sorted(set(wanted) - set(nodes))
    if missing:  # deleted since the preview
        raise ValidationError(f"Unknown ids: {', '.join(missing[:10])}.")
    owners = [nodes[r.key] for r in replaced]
    before = stored_requires(owner.pk for owner in owners)
    for pks in _chunks([owner.pk for owner in owners]):
        Requirement.objects.filter(owner_id__in=pks).delete()
    requirements = [
        Requirement(
            owner=owner,
            position=position,
            at_least=requirement.at_least,
            form=_form(requirement.at_least, len(requirement.keys)),
        )
        for owner, row in zip(owners, replaced, strict=True)
        for position, requirement in enumerate(row.requires or ())
    ]
    Requirement.objects.bulk_create(requirements)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35, both supported.
    members: list[RequirementMember] = []
    index = 0
    for row in replaced:
        for requirement in row.requires or ():
            members.extend(
                RequirementMember(requirement=requirements[index], node=nodes[key], position=i)
                for i, key in enumerate(requirement.keys)
            )
            index += 1
    RequirementMember.objects.bulk_create(members)
    audit.record_many(
        actor=actor,
        entries=(
            audit.PendingEntry(
                action=AuditAction.UPDATE,
                object_type=owner._meta.label_lower,
                object_id=str(owner.pk),
                object_repr=str(owner),
                changes={
                    "requires": [
                        format_requires(before.get(owner.pk, [])) or None,
                        format_requires(row.requires or []) or None,
                    ]
                },
            )
            for owner, row in zip(owners, replaced, strict=True)
        ),
    )


def _chunks(items: list[_T], size: int = 500) -> list[list[_T]]:
    """Slices small enough for one ``IN (…)`` on every supported database."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def _form(at_least: int, size: int) -> RequirementForm:
    if size == 1:
        return RequirementForm.SINGLE
    return RequirementForm.ANY_OF if at_least == 1 else RequirementForm.AT_LEAST


def _refuse_key_clashes(plan: Plan) -> None:
    """Ids are unique across the model: recheck the new ones against the other tables."""
    created = [row.key for row in plan.rows if row.action == CREATE]
    for model in (Person, Team, Contract):
        for chunk in _chunks(created):
            clash = model._default_manager.filter(key__in=chunk).first()
            if clash is not None:
                raise ValidationError(
                    f"The id {clash.key!r} is already used by a {model._meta.verbose_name}."
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
