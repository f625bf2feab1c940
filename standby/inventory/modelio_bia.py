"""The BIA parts of the model file in and out of the database (hooks of :mod:`.modelio`).

Export
    The BIA settings in force become the file's ``bia`` section; it is left out when they are
    the library defaults (``standby/library/bia-defaults.yaml``, which a file without ``bia``
    means), and its ``categories`` are left out when they are the library's (the file's default
    categories stand for them). A category's level descriptions are written only when they
    differ from the library's for that id (for an id the library lacks: the level names, which
    a file cannot state and which a new version keeps from the one before). Each process's
    or service's :class:`~standby.bia.models.BiaRecord` becomes its BIA fields:

    * only *complete* impact rows are written (every horizon answered); a row with no answer is
      left out, and so is a partly answered row (a questionnaire in progress) — an import keeps
      such a row unless the file gives that category a full row;
    * a record answered under an older settings version is written against the current one when
      the two have the same horizons and every category it answered still exists; otherwise
      the file cannot express it and its BIA fields are left out (the import then leaves the
      record alone, as it does every node whose BIA fields are absent);
    * whole amounts of money are written as integers.

Import
    A ``bia`` section (even ``bia: {}``, which means the library defaults) that differs from the
    settings in force makes a new settings version (APPROVE needed, as in the BIA pages);
    without a ``bia`` section the settings stay and the file's BIA fields are checked against
    them. A node with BIA fields gets its record created, or updated when the fields differ
    from what an export would write (then it goes back to draft, its revision is bumped and it
    moves to the current settings version); identical ones are left alone and reported as
    unchanged. Nodes without BIA fields keep their record. The MBCO must be a whole percentage.
    Report sections: ``bia_scale`` (``v<n>``) and ``bia`` (node ids).

Export costs no query when there are no BIA settings (the latest version's key rides on the
node query), else two; the import's writes are bulk, with one audit entry per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Final

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.bia.choices import RecordStatus
from standby.bia.models import BiaRecord, BiaSettings
from standby.bia.settings_library import load_library
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.modelio_batches import chunks, pks_by_key
from standby.inventory.models import Node
from standby.modelfile import bia as mf
from standby.modelfile import schema
from standby.modelfile.dump import to_data
from standby.modelfile.errors import ModelFileError, Problem

__all__ = ["LATEST", "StoredBia", "annotate", "export_model", "merge", "plan", "read", "write"]

#: The column the node query carries: the primary key of the settings version in force.
LATEST: Final = "bia_latest_settings"
_SECTIONS: Final = ("processes", "services")
_BATCH: Final = 1000
_REASONS: Final = ("rto", "rpo", "mbco", "wrt")
_RECORD_FIELDS: Final = (
    "pk",
    "node__key",
    "settings_id",
    "impacts",
    "losses",
    "rto",
    "rpo",
    "wrt",
    "mbco",
    "rto_reason",
    "rpo_reason",
    "wrt_reason",
    "mbco_reason",
    "rto_override",
)


# -- settings: database rows <-> the file's section -------------------------------------------


@dataclass(frozen=True)
class _Scale:
    """What of a settings version the file can state (plus the level names it cannot)."""

    categories: tuple[tuple[str, str, tuple[str, ...]], ...]
    horizons: tuple[float, ...]
    intolerable: int
    currency: str
    levels: tuple[str, ...]

    def same(self, other: _Scale) -> bool:
        return (self.categories, self.horizons, self.intolerable, self.currency) == (
            other.categories,
            other.horizons,
            other.intolerable,
            other.currency,
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c for c, _, _ in self.categories)


def _scale_of(row: BiaSettings) -> _Scale:
    return _Scale(
        tuple((c["id"], c["name"], tuple(c["levels"])) for c in row.categories),
        tuple(float(h) for h in row.horizons),
        int(row.intolerable_level),
        row.currency,
        tuple(row.levels),
    )


@lru_cache(maxsize=1)
def _library() -> _Scale:
    data = load_library()
    return _Scale(
        tuple((c["id"], c["name"], tuple(c["levels"])) for c in data.categories),
        tuple(float(h) for h in data.horizons),
        data.intolerable_level,
        data.currency,
        tuple(data.levels),
    )


def _default_descriptions(category: str, levels: tuple[str, ...]) -> tuple[str, ...]:
    for cid, _, descriptions in _library().categories:
        if cid == category:
            return descriptions
    return levels


def _to_file(scale: _Scale) -> mf.BiaSettings | None:
    """The file's ``bia`` section for a stored scale (None: the library defaults)."""
    if scale.same(_library()):
        return None
    categories = tuple(
        mf.BiaCategory(cid, name, () if text == _default_descriptions(cid, scale.levels) else text)
        for cid, name, text in scale.categories
    )
    return mf.BiaSettings(
        mf.DEFAULT_CATEGORIES if scale.categories == _library().categories else categories,
        scale.horizons,
        scale.intolerable,
        scale.currency,
    )


def _from_file(section: mf.BiaSettings, levels: tuple[str, ...]) -> _Scale:
    """The stored scale a file's ``bia`` section means (level names kept from ``levels``)."""
    categories = tuple(
        (c.id, c.name, c.levels or _default_descriptions(c.id, levels)) for c in section.categories
    )
    return _Scale(
        _library().categories if section.categories == mf.DEFAULT_CATEGORIES else categories,
        tuple(section.horizons),
        section.intolerable,
        section.currency,
        levels,
    )


# -- reading the database ---------------------------------------------------------------------


def annotate(nodes: QuerySet[Node]) -> QuerySet[Node]:
    """The node query with :data:`LATEST` (the same on every row; SQLite computes it once)."""
    latest = BiaSettings.objects.order_by("-version").values("pk")[:1]
    return nodes.annotate(**{LATEST: Subquery(latest)})


@dataclass
class _Record:
    pk: int
    settings_id: int
    impacts: dict[str, list[Any]]
    exported: mf.NodeBia | None  # what an export writes; None when nothing or inexpressible


@dataclass
class StoredBia:
    """The BIA in the database: settings versions by key, the one in force, records by node."""

    versions: dict[int, BiaSettings] = field(default_factory=dict)
    current: BiaSettings | None = None
    records: dict[str, _Record] = field(default_factory=dict)

    @property
    def scale(self) -> _Scale:
        return _scale_of(self.current) if self.current is not None else _library()


def read(nodes: Sequence[Sequence[Any]]) -> StoredBia:
    """The stored BIA, given the node rows (their last column is :data:`LATEST`)."""
    if nodes:
        latest = nodes[0][-1]
    else:
        latest = BiaSettings.objects.order_by("-version").values_list("pk", flat=True).first()
    if latest is None:
        return StoredBia()  # no settings, so no records either
    versions = {row.pk: row for row in BiaSettings.objects.all()}
    stored = StoredBia(versions=versions, current=versions[latest])
    current = stored.scale
    scales = {pk: _scale_of(row) for pk, row in versions.items()}
    for pk, key, settings_id, impacts, losses, *rest in BiaRecord.objects.values_list(
        *_RECORD_FIELDS
    ):
        exported = _export_record(scales[settings_id], current, impacts or {}, losses or [], rest)
        stored.records[key] = _Record(pk, settings_id, impacts or {}, exported)
    return stored


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _export_record(
    own: _Scale,
    current: _Scale,
    impacts: Mapping[str, Any],
    losses: Sequence[Any],
    rest: Sequence[Any],
) -> mf.NodeBia | None:
    rto, rpo, wrt, mbco, rto_reason, rpo_reason, wrt_reason, mbco_reason, override = rest
    width = len(own.horizons)
    answered = {
        c: row
        for c, row in impacts.items()
        if isinstance(row, list) and any(level is not None for level in row)
    }
    if own.horizons != current.horizons or not set(answered) <= set(current.ids):
        return None  # the current scale cannot express it: left out, and left alone on import
    impact = {
        c: tuple(answered[c])
        for c in current.ids
        if c in answered and len(answered[c]) == width and None not in answered[c]
    }
    loss = (
        tuple(None if v is None else _number(v) for v in losses)
        if any(v is not None for v in losses)
        else ()
    )
    texts = dict(zip(_REASONS, (rto_reason, rpo_reason, mbco_reason, wrt_reason), strict=True))
    reasons = mf.BiaReasons(**{k: v or None for k, v in texts.items()})
    node = mf.NodeBia(
        rto=rto,
        rpo=rpo,
        wrt=wrt,
        mbco=mbco,
        rto_override=override or None,
        reasons=reasons if reasons != mf.BiaReasons() else None,
        impact=impact,
        loss=loss,
    )
    return node if node != mf.NodeBia() else None


def export_model(model: schema.Model, stored: StoredBia) -> schema.Model:
    """``model`` (the inventory) with the ``bia`` section and every node's BIA fields."""
    if stored.current is None:
        return model
    section = _to_file(stored.scale)
    extensions = dict(model.extensions)
    if section is not None:
        extensions["bia"] = section

    def with_bia(node: Any) -> Any:
        record = stored.records.get(node.id)
        if record is None or record.exported is None:
            return node
        return replace(node, extensions={**node.extensions, "bia": record.exported})

    return replace(
        model,
        extensions=extensions,
        processes=tuple(with_bia(n) for n in model.processes),
        services=tuple(with_bia(n) for n in model.services),
    )


# -- import -----------------------------------------------------------------------------------


def merge(merged: dict[str, Any], data: Mapping[str, Any], stored: StoredBia) -> dict[str, Any]:
    """Without a ``bia`` section the file's BIA fields are checked against the stored scale."""
    if "bia" not in data and stored.current is not None:
        section = _to_file(stored.scale)
        if section is not None:
            merged["bia"] = to_data(schema.Model(extensions={"bia": section}))["bia"]
    return merged


@dataclass
class BiaPlan:
    """What the import does to the BIA: a new scale (or v1 from the library), records."""

    target: _Scale
    new_version: bool
    create: dict[str, dict[str, Any]] = field(default_factory=dict)
    change: dict[int, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def plan(
    data: Mapping[str, Any],
    model: schema.Model,
    in_file: Mapping[str, Mapping[str, int]],
    stored: StoredBia,
    report: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]],
) -> BiaPlan:
    """Decide the BIA writes; fill the ``bia_scale`` and ``bia`` report sections.

    Raises :class:`ModelFileError` for what the database cannot keep (a fractional MBCO).
    """
    created, changed, unchanged = report
    current = stored.scale
    target = current
    if "bia" in data:
        target = _from_file(mf.bia_settings(model), current.levels)
    version = max((row.version for row in stored.versions.values()), default=0)
    new_version = stored.current is None or not target.same(current)
    result = BiaPlan(target=target, new_version=new_version)
    problems: list[Problem] = []
    width = len(target.horizons)
    for section in _SECTIONS:
        for node in getattr(model, section):
            if node.id not in in_file[section]:
                continue
            bia = mf.node_bia(node)
            if bia is None:
                continue
            where = f"{section}[{in_file[section][node.id]}]"
            if bia.mbco is not None and not float(bia.mbco).is_integer():
                problems.append(
                    Problem(f"{where}.mbco", "Standby keeps the MBCO as a whole percentage")
                )
                continue
            record = stored.records.get(node.id)
            if record is not None and record.exported == bia:
                unchanged["bia"].append(node.id)
                continue
            kept = {
                c: row
                for c, row in (record.impacts if record else {}).items()
                if c in target.ids
                and c not in bia.impact
                and isinstance(row, list)
                and len(row) == width
            }
            impacts = {
                c: list(bia.impact[c]) if c in bia.impact else kept.get(c, [None] * width)
                for c in target.ids
            }
            values = _record_values(bia, impacts)
            result.names[node.id] = node.name
            if record is None:
                created["bia"].append(node.id)
                result.create[node.id] = values
            else:
                changed["bia"].append(node.id)
                result.change[record.pk] = values
    if problems:
        raise ModelFileError(problems)
    if new_version and (stored.current is not None or result.create or "bia" in data):
        created["bia_scale"].append(f"v{version + 1}")
    else:
        result.new_version = False
        if "bia" in data and stored.current is not None:
            unchanged["bia_scale"].append(f"v{stored.current.version}")
    return result


def _record_values(bia: mf.NodeBia, impacts: dict[str, list[Any]]) -> dict[str, Any]:
    reasons = bia.reasons or mf.BiaReasons()
    return {
        "impacts": impacts,
        "losses": [None if v is None else float(v) for v in bia.loss],
        "rto": bia.rto,
        "rpo": bia.rpo,
        "wrt": bia.wrt,
        "mbco": None if bia.mbco is None else int(bia.mbco),
        "rto_reason": reasons.rto or "",
        "rpo_reason": reasons.rpo or "",
        "wrt_reason": reasons.wrt or "",
        "mbco_reason": reasons.mbco or "",
        "rto_override": bia.rto_override or "",
        "status": RecordStatus.DRAFT,
    }


def write(bia: BiaPlan | None, stored: StoredBia, actor: User) -> list[audit.PendingEntry]:
    """Apply the plan (after the inventory's writes); return the audit entries to append."""
    entries: list[audit.PendingEntry] = []
    if bia is None:
        return entries
    settings = stored.current
    if bia.new_version:
        if stored.current is not None:
            require(actor, Capability.APPROVE)  # a new scale is the manager's, as in the pages
        target = bia.target
        settings = BiaSettings.objects.create(
            version=max((row.version for row in stored.versions.values()), default=0) + 1,
            categories=[
                {"id": cid, "name": name, "levels": list(text)}
                for cid, name, text in target.categories
            ],
            levels=list(target.levels),
            horizons=list(target.horizons),
            intolerable_level=target.intolerable,
            currency=target.currency,
            created_by=actor,
        )
        entries.append(
            audit.PendingEntry(
                AuditAction.CREATE,
                settings._meta.label_lower,
                str(settings.pk),
                str(settings),
                audit.diff({}, audit.snapshot(settings)),
            )
        )
    if not bia.create and not bia.change:
        return entries
    assert settings is not None  # a record is only planned with a scale
    label = BiaRecord._meta.label_lower
    node_pk = pks_by_key(Node, bia.create)
    fresh = [
        BiaRecord(node_id=node_pk[key], settings=settings, revision=1, **values)
        for key, values in bia.create.items()
    ]
    BiaRecord.objects.bulk_create(fresh, batch_size=_BATCH)
    names = {node_pk[key]: name for key, name in bia.names.items() if key in node_pk}
    for obj in fresh:
        entries.append(
            audit.PendingEntry(
                AuditAction.CREATE,
                label,
                str(obj.pk),
                f"BIA of {names[obj.node_id]}",
                audit.diff({}, audit.snapshot(obj)),
            )
        )
    now = timezone.now()
    updated: list[BiaRecord] = []
    for chunk in chunks(list(bia.change)):
        for obj in BiaRecord.objects.filter(pk__in=chunk).select_related("node"):
            before = audit.snapshot(obj)
            for name, value in bia.change[obj.pk].items():
                setattr(obj, name, value)
            obj.settings_id = settings.pk
            obj.revision += 1
            obj.updated_at = now
            entries.append(
                audit.PendingEntry(
                    AuditAction.UPDATE,
                    label,
                    str(obj.pk),
                    str(obj),
                    audit.diff(before, audit.snapshot(obj)),
                )
            )
            updated.append(obj)
    fields = [*next(iter(bia.change.values()), {}), "settings", "revision", "updated_at"]
    BiaRecord.objects.bulk_update(updated, fields, batch_size=_BATCH)
    return entries
