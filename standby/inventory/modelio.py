"""The model file ("continuity as code") in and out of the database.

:func:`model_export` reads the whole inventory into a :class:`~standby.modelfile.schema.Model`
in a constant number of queries; :func:`standby.modelfile.dump.dump` writes it.
:func:`model_import` applies a model file by id: it creates what is new, changes what differs and
leaves alone what is identical or absent from the file. Everything is validated first — the
database overlaid with the file, as one model, so unknown ids, ids used twice and dependency
cycles through existing nodes are all found, each with its path in the file — and nothing is
written when anything is wrong. Writes are bulk inserts/updates in one transaction, audited with
:func:`standby.common.audit.record_many`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory import modelio_bia, modelio_plans, modelio_strategy
from standby.inventory.choices import NodeKind, RequirementForm
from standby.inventory.modelio_batches import chunks
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
    TeamMember,
)
from standby.inventory.services import describe_requirement
from standby.modelfile import schema
from standby.modelfile.dump import to_data
from standby.modelfile.errors import ModelFileError, Problem
from standby.modelfile.loader import load_bytes

__all__ = [
    "REPORT_SECTIONS",
    "ImportReport",
    "SectionReport",
    "model_export",
    "model_import",
    "model_import_bytes",
]

#: The sections of an import report, in file order (contracts are listed under suppliers).
REPORT_SECTIONS: Final = (
    "people",
    "teams",
    "locations",
    "suppliers",
    "contracts",
    "processes",
    "services",
    "assets",
    "bia_scale",
    "bia",
    *modelio_strategy.SECTIONS,
    *modelio_plans.SECTIONS,
)
_NODE_SECTIONS: Final = {
    "locations": NodeKind.LOCATION,
    "suppliers": NodeKind.SUPPLIER,
    "processes": NodeKind.PROCESS,
    "services": NodeKind.SERVICE,
    "assets": NodeKind.ASSET,
}
_CORE: Final = ("people", "teams", "locations", "suppliers", "processes", "services", "assets")
#: Nodes whose requirements a file states (locations and suppliers have none in the format).
_REQUIRING: Final = ("processes", "services", "assets")
_BATCH: Final = 1000

NodeItem = schema.Location | schema.Supplier | schema.Process | schema.Service | schema.Asset


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionReport:
    """The ids of one section of the file: created, changed and unchanged."""

    created: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
        }


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do), section by section."""

    dry_run: bool
    sections: dict[str, SectionReport]
    audit_entries: int = 0

    @property
    def created(self) -> int:
        return sum(len(s.created) for s in self.sections.values())

    @property
    def changed(self) -> int:
        return sum(len(s.changed) for s in self.sections.values())

    @property
    def unchanged(self) -> int:
        return sum(len(s.unchanged) for s in self.sections.values())

    def rows(self) -> list[tuple[str, SectionReport]]:
        """(section, report) in file order."""
        return [(name, self.sections[name]) for name in REPORT_SECTIONS]

    def summary(self) -> str:
        """One line: ``12 created, 3 changed, 40 unchanged`` (``would be`` for a dry run)."""
        verb = "would be " if self.dry_run else ""
        return (
            f"{self.created} {verb}created, {self.changed} {verb}changed, "
            f"{self.unchanged} unchanged"
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the API and JSON output."""
        return {
            "dry_run": self.dry_run,
            "counts": {name: report.counts() for name, report in self.rows()},
            "sections": {
                name: {
                    "created": list(report.created),
                    "changed": list(report.changed),
                    "unchanged": list(report.unchanged),
                }
                for name, report in self.rows()
            },
            "audit_entries": self.audit_entries,
        }


# -- export -----------------------------------------------------------------------------------


@dataclass
class _Database:
    """The inventory as a model, with each id's primary key (one table per kind of id)."""

    model: schema.Model
    person_pk: dict[str, int]
    team_pk: dict[str, int]
    node_pk: dict[str, int]
    contract_pk: dict[str, int]
    bia: modelio_bia.StoredBia = field(default_factory=modelio_bia.StoredBia)
    strategy: modelio_strategy.StoredStrategy = field(
        default_factory=modelio_strategy.StoredStrategy
    )
    plans: modelio_plans.StoredPlans = field(default_factory=modelio_plans.StoredPlans)


def _text(value: str) -> str | None:
    return value or None


def _by_id(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: item.id))


def _read_database() -> _Database:
    """Everything, in seven queries (``values_list``; nothing per row)."""
    people = list(
        Person.objects.values_list(
            "pk", "key", "name", "email", "phone", "out_of_hours_phone", "leaves_on"
        )
    )
    person_key = {pk: key for pk, key, *_ in people}
    teams = list(Team.objects.values_list("pk", "key", "name"))
    members: dict[int, list[schema.TeamMember]] = {pk: [] for pk, _, _ in teams}
    for team_id, person_id, role in TeamMember.objects.order_by("position", "id").values_list(
        "team_id", "person_id", "role"
    ):
        members[team_id].append(schema.TeamMember(person_key[person_id], role))
    nodes = list(
        modelio_plans.annotate(
            modelio_strategy.annotate(modelio_bia.annotate(Node.objects.all()))
        ).values_list(
            "pk",
            "key",
            "kind",
            "name",
            "description",
            "owner_id",
            "asset_type",
            "location_id",
            "supplier_id",
            "location_kind",
            "recovery_time",
            modelio_plans.FLAG,
            *modelio_strategy.FLAGS,
            modelio_bia.LATEST,
        )
    )
    node_key = {row[0]: row[1] for row in nodes}
    requirements: dict[int, list[tuple[int, int, int, str]]] = {}
    for pk, owner_id, at_least, form, position in Requirement.objects.values_list(
        "pk", "owner_id", "at_least", "form", "position"
    ):
        requirements.setdefault(owner_id, []).append((position, pk, at_least, form))
    of: dict[int, list[str]] = {}
    for requirement_id, node_id in RequirementMember.objects.order_by("position", "id").values_list(
        "requirement_id", "node_id"
    ):
        of.setdefault(requirement_id, []).append(node_key[node_id])
    contracts: dict[int, list[schema.Contract]] = {}
    contract_pk: dict[str, int] = {}
    for (
        pk,
        key,
        supplier_id,
        name,
        guarantees,
        recovery_time,
        expires_on,
    ) in Contract.objects.values_list(
        "pk", "key", "supplier_id", "name", "guarantees", "recovery_time", "expires_on"
    ):
        contract_pk[key] = pk
        contracts.setdefault(supplier_id, []).append(
            schema.Contract(key, _text(name), guarantees, recovery_time, expires_on)
        )

    def requires(pk: int) -> tuple[schema.Requirement, ...]:
        out = []
        for _, rid, at_least, form in sorted(requirements.get(pk, ())):
            if of.get(rid):
                out.append(schema.Requirement(at_least, tuple(of[rid]), form))  # type: ignore[arg-type]
        return tuple(out)

    sections: dict[str, list[Any]] = {name: [] for name in _NODE_SECTIONS}
    for pk, key, kind, name, description, owner_id, asset_type, loc, sup, loc_kind, rt, *_ in nodes:
        desc = _text(description)
        owner = person_key.get(owner_id) if owner_id else None
        if kind == NodeKind.LOCATION:
            sections["locations"].append(schema.Location(key, name, desc, _text(loc_kind), rt))
        elif kind == NodeKind.SUPPLIER:
            sections["suppliers"].append(
                schema.Supplier(key, name, desc, rt, _by_id(contracts.get(pk, ())))
            )
        elif kind == NodeKind.PROCESS:
            sections["processes"].append(schema.Process(key, name, desc, owner, requires(pk)))
        elif kind == NodeKind.SERVICE:
            sections["services"].append(schema.Service(key, name, desc, owner, requires(pk)))
        else:
            sections["assets"].append(
                schema.Asset(
                    key,
                    name,
                    asset_type,
                    desc,
                    node_key[loc] if loc else None,
                    node_key[sup] if sup else None,
                    requires(pk),
                    rt,
                )
            )
    model = schema.Model(
        people=_by_id(
            schema.Person(key, name, _text(email), _text(phone), _text(ooh), leaves_on)
            for _, key, name, email, phone, ooh, leaves_on in people
        ),
        teams=_by_id(schema.Team(key, name, tuple(members[pk])) for pk, key, name in teams),
        locations=_by_id(sections["locations"]),
        suppliers=_by_id(sections["suppliers"]),
        processes=_by_id(sections["processes"]),
        services=_by_id(sections["services"]),
        assets=_by_id(sections["assets"]),
    )
    return _Database(
        model=model,
        person_pk={key: pk for pk, key, *_ in people},
        team_pk={key: pk for pk, key, _ in teams},
        node_pk={key: pk for pk, key in node_key.items()},
        contract_pk=contract_pk,
        bia=modelio_bia.read(nodes),
        strategy=modelio_strategy.read(nodes),
        plans=modelio_plans.read(nodes),
    )


def model_export() -> schema.Model:
    """The whole inventory as a model file's :class:`~standby.modelfile.schema.Model`.

    Seven queries whatever the size. Requirements on locations and suppliers (which the file
    format cannot state) are left out.
    """
    db = _read_database()
    model = modelio_bia.export_model(db.model, db.bia)
    model = modelio_strategy.export_model(model, db.strategy)
    return modelio_plans.export_model(model, db.plans)


# -- import: validation of the merged model ---------------------------------------------------


@dataclass
class _FileIndex:
    """Where each id sits in the file: section → id → index (contracts: id → (supplier i, j))."""

    sections: dict[str, dict[str, int]] = field(default_factory=dict)
    contracts: dict[str, tuple[int, int]] = field(default_factory=dict)


# A section's path starts the path or follows a space, never a dot: ``plans[0].teams[1]`` is a
# plan's list of teams, not the ``teams`` section's second item.
_PATH: Final = re.compile(
    r"(?<![\w.])(people|teams|locations|suppliers|processes|services|assets)\[(\d+)\]"
    r"(\.contracts\[(\d+)\])?"
)


def _index_file(data: Mapping[str, Any]) -> _FileIndex:
    index = _FileIndex()
    for section in _CORE:
        ids: dict[str, int] = {}
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.setdefault(item["id"], i)
                if section == "suppliers" and isinstance(item.get("contracts"), list):
                    for j, contract in enumerate(item["contracts"]):
                        if isinstance(contract, dict) and isinstance(contract.get("id"), str):
                            index.contracts.setdefault(contract["id"], (i, j))
        index.sections[section] = ids
    return index


def _merge(
    data: Mapping[str, Any], db: _Database, index: _FileIndex
) -> tuple[dict[str, Any], dict[str, str]]:
    """The file with every database item it does not mention appended to its section.

    File items keep their positions, so a problem's path is the path in the file; the appended
    items get labels (``assets[id=srv-1, in the database]``) to spell their paths with.
    """
    stored: dict[str, Any] = to_data(db.model)
    merged = dict(data)
    labels: dict[str, str] = {}
    for section in _CORE:
        items = data.get(section)
        if items is None:
            items = []
        if not isinstance(items, list):
            continue  # the validator reports it; nothing sensible to merge into
        in_file = index.sections[section]
        extra = [item for item in stored.get(section, []) if item["id"] not in in_file]
        items = list(items)
        if section == "suppliers":
            items = [
                _with_stored_contracts(item, stored, index, i, labels)
                for i, item in enumerate(items)
            ]
            extra = [_without_file_contracts(item, index) for item in extra]
        for k, item in enumerate(extra):
            labels[f"{section}[{len(items) + k}]"] = f"{section}[id={item['id']}, in the database]"
        merged[section] = items + extra
    return merged, labels


def _with_stored_contracts(
    item: object, stored: Mapping[str, Any], index: _FileIndex, i: int, labels: dict[str, str]
) -> object:
    """A file supplier keeps its stored contracts that the file does not mention anywhere."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return item
    written = item.get("contracts")
    if written is not None and not isinstance(written, list):
        return item
    written = list(written or [])
    kept = [
        contract
        for supplier in stored.get("suppliers", [])
        if supplier["id"] == item["id"]
        for contract in supplier.get("contracts", [])
        if contract["id"] not in index.contracts
    ]
    if not kept:
        return item
    for j, contract in enumerate(kept, start=len(written)):
        labels[f"suppliers[{i}].contracts[{j}]"] = (
            f"suppliers[{i}].contracts[id={contract['id']}, in the database]"
        )
    return {**item, "contracts": written + kept}


def _without_file_contracts(item: dict[str, Any], index: _FileIndex) -> dict[str, Any]:
    """A stored supplier the file does not mention loses the contracts the file moved away."""
    contracts = [c for c in item.get("contracts", []) if c["id"] not in index.contracts]
    out = {k: v for k, v in item.items() if k != "contracts"}
    if contracts:
        out["contracts"] = contracts
    return out


def _relabel(problems: Iterable[Problem], labels: Mapping[str, str]) -> list[Problem]:
    def spell(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in labels:
            return labels[whole]
        base = f"{match.group(1)}[{match.group(2)}]"
        return labels.get(base, base) + (match.group(3) or "")

    return [Problem(_PATH.sub(spell, p.path), _PATH.sub(spell, p.message)) for p in problems]


# -- import: the plan -------------------------------------------------------------------------


@dataclass
class _Plan:
    """What an import changes, decided before anything is written."""

    db: _Database
    model: schema.Model
    index: _FileIndex
    created: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    unchanged: dict[str, list[str]] = field(default_factory=dict)
    #: section → id → the item as the file states it (created or changed ones)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ids whose own fields change (changed ids minus those whose only change is below)
    fields_changed: set[str] = field(default_factory=set)
    #: ids whose requirements (nodes) or members (teams) change, with their stored value
    children_changed: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    #: contract id → supplier id, for the contracts the file states
    contract_supplier: dict[str, str] = field(default_factory=dict)
    bia: modelio_bia.BiaPlan | None = None
    strategy: modelio_strategy.StrategyPlan | None = None
    plans: modelio_plans.PlansPlan | None = None

    def report(self, *, dry_run: bool, audit_entries: int = 0) -> ImportReport:
        return ImportReport(
            dry_run=dry_run,
            sections={
                name: SectionReport(
                    tuple(sorted(self.created[name])),
                    tuple(sorted(self.changed[name])),
                    tuple(sorted(self.unchanged[name])),
                )
                for name in REPORT_SECTIONS
            },
            audit_entries=audit_entries,
        )


def _children(section: str, item: Any) -> tuple[Any, ...]:
    if section == "teams":
        return tuple(item.members)
    if section in _REQUIRING:
        return tuple(item.requires)
    return ()


def _own_fields(section: str, item: Any) -> Any:
    if section != "people":
        item = dataclasses.replace(item, extensions={})  # stored elsewhere (BIA, strategy)
    if section == "teams":
        return dataclasses.replace(item, members=())
    if section == "suppliers":
        return dataclasses.replace(item, contracts=())
    if section in _REQUIRING:
        return dataclasses.replace(item, requires=())
    return item


def _plan(data: Mapping[str, Any]) -> _Plan:
    db = _read_database()
    if not isinstance(data, Mapping):
        schema.validate(data)  # raises, naming what the file is instead of a mapping
    index = _index_file(data)
    merged, labels = _merge(data, db, index)
    merged = modelio_bia.merge(merged, data, db.bia)
    try:
        model = schema.validate(merged)
    except ModelFileError as error:
        raise ModelFileError(_relabel(error.problems, labels)) from None
    plan = _Plan(db=db, model=model, index=index)
    for name in REPORT_SECTIONS:
        plan.created[name], plan.changed[name], plan.unchanged[name] = [], [], []
        plan.items[name] = {}
    for section in _CORE:
        stored = {item.id: item for item in getattr(db.model, section)}
        in_file = index.sections[section]
        for item in getattr(model, section):
            if item.id not in in_file:
                continue
            old = stored.get(item.id)
            if old is None:
                plan.created[section].append(item.id)
                plan.items[section][item.id] = item
                continue
            own_changed = _own_fields(section, old) != _own_fields(section, item)
            children_changed = _children(section, old) != _children(section, item)
            if own_changed:
                plan.fields_changed.add(item.id)
            if children_changed:
                plan.children_changed[item.id] = _children(section, old)
            if own_changed or children_changed:
                plan.changed[section].append(item.id)
                plan.items[section][item.id] = item
            else:
                plan.unchanged[section].append(item.id)
    stored_contracts = {
        contract.id: (supplier.id, contract)
        for supplier in db.model.suppliers
        for contract in supplier.contracts
    }
    for supplier in model.suppliers:
        for contract in supplier.contracts:
            if contract.id not in index.contracts:
                continue
            plan.contract_supplier[contract.id] = supplier.id
            old_contract = stored_contracts.get(contract.id)
            if old_contract is None:
                plan.created["contracts"].append(contract.id)
            elif old_contract != (supplier.id, contract):
                plan.changed["contracts"].append(contract.id)
            else:
                plan.unchanged["contracts"].append(contract.id)
                continue
            plan.items["contracts"][contract.id] = contract
    _check_rows(plan)
    report = (plan.created, plan.changed, plan.unchanged)
    plan.bia = modelio_bia.plan(data, model, index.sections, db.bia, report)
    plan.strategy = modelio_strategy.plan(data, model, index.sections, db.strategy, report)
    plan.plans = modelio_plans.plan(data, model, db.plans, report)
    return plan


# -- import: rows -----------------------------------------------------------------------------

_FILE_FIELD: Final = {"key": "id", "asset_type": "type", "location_kind": "kind"}
_NOT_CHECKED_HERE: Final = ["owner", "location", "supplier", "team", "person"]


def _person_values(item: schema.Person) -> dict[str, Any]:
    return {
        "key": item.id,
        "name": item.name,
        "email": item.email or "",
        "phone": item.phone or "",
        "out_of_hours_phone": item.out_of_hours_phone or "",
        "leaves_on": item.leaves_on,
    }


def _node_values(
    section: str, item: NodeItem, person_pk: Mapping[str, int], node_pk: Mapping[str, int]
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": item.id,
        "kind": _NODE_SECTIONS[section],
        "name": item.name,
        "description": item.description or "",
        "owner_id": None,
        "asset_type": "",
        "location_id": None,
        "supplier_id": None,
        "location_kind": "",
        "recovery_time": None,
    }
    if isinstance(item, schema.Process | schema.Service) and item.owner:
        values["owner_id"] = person_pk.get(item.owner)
    if isinstance(item, schema.Location):
        values["location_kind"] = item.kind or ""
    if isinstance(item, schema.Asset):
        values["asset_type"] = item.type
        values["location_id"] = node_pk.get(item.location) if item.location else None
        values["supplier_id"] = node_pk.get(item.supplier) if item.supplier else None
    if isinstance(item, schema.Location | schema.Supplier | schema.Asset):
        values["recovery_time"] = item.recovery_time
    return values


def _contract_values(item: schema.Contract, supplier_pk: int | None) -> dict[str, Any]:
    return {
        "key": item.id,
        "supplier_id": supplier_pk,
        "name": item.name or "",
        "guarantees": item.guarantees,
        "recovery_time": item.recovery_time,
        "expires_on": item.expires_on,
    }


def _check_rows(plan: _Plan) -> None:
    """Field checks the database adds to the format's (lengths, e-mail syntax, one role a team).

    Uniqueness and the check constraints are already guaranteed by the validated model and are
    left out here: checking them row by row would cost queries per row.
    """
    problems: list[Problem] = []
    db = plan.db

    def check(instance: models.Model, path: str) -> None:
        try:
            instance.full_clean(
                exclude=_NOT_CHECKED_HERE, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = f"{path}.{_FILE_FIELD.get(name, name)}"
                problems.extend(Problem(where, message) for message in messages)

    for key, item in plan.items["people"].items():
        check(Person(**_person_values(item)), f"people[{plan.index.sections['people'][key]}]")
    for key, item in plan.items["teams"].items():
        where = f"teams[{plan.index.sections['teams'][key]}]"
        check(Team(key=item.id, name=item.name), where)
        seen: dict[str, str] = {}
        for j, member in enumerate(item.members):
            if member.person in seen:
                problems.append(
                    Problem(
                        f"{where}.members[{j}]",
                        f"{member.person!r} is already on this team (as {seen[member.person]}): "
                        "Standby keeps one role per person on a team",
                    )
                )
            seen.setdefault(member.person, member.role)
    for section in _NODE_SECTIONS:
        for key, item in plan.items[section].items():
            values = _node_values(section, item, db.person_pk, db.node_pk)
            check(Node(**values), f"{section}[{plan.index.sections[section][key]}]")
    for key, item in plan.items["contracts"].items():
        i, j = plan.index.contracts[key]
        check(Contract(**_contract_values(item, None)), f"suppliers[{i}].contracts[{j}]")
    if problems:
        raise ModelFileError(problems)


def _save_rows(
    model: type[Any],
    *,
    create: list[dict[str, Any]],
    change: Mapping[int, dict[str, Any]],
    extra: Mapping[str, dict[str, Any]],
    entries: list[audit.PendingEntry],
) -> dict[str, int]:
    """Bulk-create ``create`` and bulk-update ``change`` (pk → values); audit each row.

    ``extra`` adds changes that live in other tables (requirements, members) to a row's entry.
    Returns the new rows' primary keys by id.
    """
    label = model._meta.label_lower
    fresh = [model(**values) for values in create]
    model._default_manager.bulk_create(fresh, batch_size=_BATCH)
    for obj in fresh:
        changes = audit.diff({}, audit.snapshot(obj)) | extra.get(obj.key, {})
        entries.append(
            audit.PendingEntry(AuditAction.CREATE, label, str(obj.pk), str(obj), changes)
        )
    if change:
        now = timezone.now()
        attnames = {f.attname: f.name for f in model._meta.concrete_fields}
        fields = sorted(
            {attnames[a] for values in change.values() for a in values} | {"updated_at"}
        )
        updated = []
        for chunk in chunks(list(change)):
            for obj in model._default_manager.filter(pk__in=chunk):
                before = audit.snapshot(obj)
                for attname, value in change[obj.pk].items():
                    setattr(obj, attname, value)
                obj.updated_at = now
                changes = audit.diff(before, audit.snapshot(obj)) | extra.get(obj.key, {})
                entries.append(
                    audit.PendingEntry(AuditAction.UPDATE, label, str(obj.pk), str(obj), changes)
                )
                updated.append(obj)
        model._default_manager.bulk_update(updated, fields, batch_size=_BATCH)
    return {obj.key: obj.pk for obj in fresh}


def _children_only(
    model: type[Any],
    keys: Iterable[str],
    pks: Mapping[str, int],
    names: Mapping[str, str],
    extra: Mapping[str, dict[str, Any]],
    entries: list[audit.PendingEntry],
) -> None:
    """Entries for rows whose own fields stay but whose requirements or members change."""
    label = model._meta.label_lower
    for key in keys:
        entries.append(
            audit.PendingEntry(AuditAction.UPDATE, label, str(pks[key]), names[key], extra[key])
        )


def _requirement_texts(requires: Iterable[schema.Requirement]) -> list[str]:
    return [describe_requirement(r.at_least, r.of) for r in requires]


def _member_texts(members: Iterable[schema.TeamMember]) -> list[str]:
    return [f"{m.person}:{m.role}" for m in members]


def _write(plan: _Plan) -> list[audit.PendingEntry]:
    """Apply the plan with bulk writes; return the audit entries to append."""
    db, items = plan.db, plan.items
    entries_list: list[audit.PendingEntry] = []

    # People first: nodes name their owners, teams their members.
    person_pk = dict(db.person_pk)
    person_pk |= _save_rows(
        Person,
        create=[_person_values(items["people"][k]) for k in plan.created["people"]],
        change={
            db.person_pk[k]: _person_values(items["people"][k]) for k in plan.changed["people"]
        },
        extra={},
        entries=entries_list,
    )

    # Nodes: sites and suppliers, then what may sit at or come from them.
    node_extra: dict[str, dict[str, Any]] = {}
    for section in _REQUIRING:
        for key, item in items[section].items():
            before = plan.children_changed.get(key)
            if key in plan.children_changed or (key in plan.created[section] and item.requires):
                node_extra[key] = {
                    "requires": [
                        _requirement_texts(before or ()),
                        _requirement_texts(item.requires),
                    ]
                }
    node_pk = dict(db.node_pk)
    first = ("locations", "suppliers")
    node_pk |= _save_rows(
        Node,
        create=[
            _node_values(s, items[s][k], person_pk, node_pk) for s in first for k in plan.created[s]
        ],
        change={},
        extra={},
        entries=entries_list,
    )
    node_pk |= _save_rows(
        Node,
        create=[
            _node_values(s, items[s][k], person_pk, node_pk)
            for s in _REQUIRING
            for k in plan.created[s]
        ],
        change={
            db.node_pk[k]: _node_values(s, items[s][k], person_pk, node_pk)
            for s in _NODE_SECTIONS
            for k in plan.changed[s]
            if k in plan.fields_changed
        },
        extra=node_extra,
        entries=entries_list,
    )
    only_requires = [k for s in _REQUIRING for k in plan.changed[s] if k not in plan.fields_changed]
    names = {k: items[s][k].name for s in _REQUIRING for k in items[s]}
    _children_only(Node, only_requires, node_pk, names, node_extra, entries_list)

    # Requirements of the nodes the file states: replaced as a whole.
    owners = [
        (node_pk[k], items[s][k].requires)
        for s in _REQUIRING
        for k in [*plan.created[s], *plan.changed[s]]
        if k in node_extra
    ]
    stored_pks = set(db.node_pk.values())
    stale = [pk for pk, _ in owners if pk in stored_pks]
    for chunk in chunks(stale):
        RequirementMember.objects.filter(requirement__owner_id__in=chunk).delete()
        Requirement.objects.filter(owner_id__in=chunk).delete()
    rows = [
        (
            Requirement(
                owner_id=pk,
                position=i,
                at_least=r.at_least,
                form=RequirementForm(r.form),
            ),
            r,
        )
        for pk, requires in owners
        for i, r in enumerate(requires)
    ]
    Requirement.objects.bulk_create([row for row, _ in rows], batch_size=_BATCH)
    RequirementMember.objects.bulk_create(
        (
            RequirementMember(requirement_id=row.pk, node_id=node_pk[member], position=j)
            for row, r in rows
            for j, member in enumerate(r.of)
        ),
        batch_size=_BATCH,
    )

    # Teams and their members.
    team_extra = {
        key: {
            "members": [
                _member_texts(plan.children_changed.get(key, ())),
                _member_texts(item.members),
            ]
        }
        for key, item in items["teams"].items()
        if key in plan.children_changed or (key in plan.created["teams"] and item.members)
    }
    team_pk = dict(db.team_pk)
    team_pk |= _save_rows(
        Team,
        create=[{"key": k, "name": items["teams"][k].name} for k in plan.created["teams"]],
        change={
            db.team_pk[k]: {"name": items["teams"][k].name}
            for k in plan.changed["teams"]
            if k in plan.fields_changed
        },
        extra=team_extra,
        entries=entries_list,
    )
    _children_only(
        Team,
        [k for k in plan.changed["teams"] if k not in plan.fields_changed],
        team_pk,
        {k: items["teams"][k].name for k in items["teams"]},
        team_extra,
        entries_list,
    )
    restaffed = [team_pk[k] for k in team_extra]
    for chunk in chunks(restaffed):
        TeamMember.objects.filter(team_id__in=chunk).delete()
    TeamMember.objects.bulk_create(
        (
            TeamMember(team_id=team_pk[k], person_id=person_pk[m.person], role=m.role, position=j)
            for k in team_extra
            for j, m in enumerate(items["teams"][k].members)
        ),
        batch_size=_BATCH,
    )

    # Contracts, under their suppliers.
    contracts = items["contracts"]

    def contract_values(key: str) -> dict[str, Any]:
        return _contract_values(contracts[key], node_pk[plan.contract_supplier[key]])

    _save_rows(
        Contract,
        create=[contract_values(k) for k in plan.created["contracts"]],
        change={db.contract_pk[k]: contract_values(k) for k in plan.changed["contracts"]},
        extra={},
        entries=entries_list,
    )
    return entries_list


# -- import: the service ----------------------------------------------------------------------


def model_import(
    *, actor: User, model: schema.Model | Mapping[str, Any], dry_run: bool = False
) -> ImportReport:
    """Apply a model file to the inventory, by id.

    Parameters
    ----------
    actor
        Who imports; needs the EDIT capability.
    model
        A :class:`~standby.modelfile.schema.Model`, or the plain data
        :func:`~standby.modelfile.loader.load_bytes` read (then problems carry the paths of the
        file as written, and the file may name ids that only the database holds).
    dry_run
        Check everything and report what would change; write nothing.

    Returns
    -------
    ImportReport
        Per section, the ids created, changed and unchanged (ids absent from the file are left
        alone and not listed).

    Raises
    ------
    ModelFileError
        Every problem, with its path; nothing has been written.
    PermissionDenied
        When ``actor`` may not edit.
    """
    require(actor, Capability.EDIT)
    data = to_data(model) if isinstance(model, schema.Model) else model
    if dry_run:
        return _plan(data).report(dry_run=True)
    with transaction.atomic():
        plan = _plan(data)
        entries = _write(plan) + modelio_bia.write(plan.bia, plan.db.bia, actor)
        entries += modelio_strategy.write(plan.strategy, plan.db.strategy)
        entries += modelio_plans.write(plan.plans, plan.db.plans)
        written = audit.record_many(actor=actor, entries=entries) if entries else 0
    return plan.report(dry_run=False, audit_entries=written)


def model_import_bytes(
    *, actor: User, data: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Read a file's bytes safely (YAML or JSON, by ``filename``) and :func:`model_import` it."""
    require(actor, Capability.EDIT)
    return model_import(actor=actor, model=_load(data, filename), dry_run=dry_run)


def _load(data: bytes, filename: str) -> Mapping[str, Any]:
    loaded = load_bytes(data, filename=filename)
    if not isinstance(loaded, dict):
        schema.validate(loaded)  # raises with the reason
    return loaded  # type: ignore[return-value]
