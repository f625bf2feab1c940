"""The continuity-strategy parts of the model file in and out of the database (hooks of
:mod:`.modelio`).

The file's parts (``standby/modelfile/strategy.py``) and the rows they become:

* a node's ``strategy`` — :class:`~standby.strategy.models.NodeStrategy`;
* a node's ``options`` — its :class:`~standby.strategy.models.StrategyAlternative` rows;
* a data asset's ``backup`` — :class:`~standby.strategy.models.Backup`;
* a team's ``capacity`` — :class:`~standby.strategy.models.TeamCapacity`.

Export
    ``option`` is the recovery option's id (``fast-recovery``). ``strategy.recovery_time`` is
    never written: it is the node's. ``delivered_by`` is the strategy's contract, else its
    alternate site. Costs are written as integers when whole and left out when 0
    (``one_off_cost``). An alternative without a recovery time (the file requires one) is left
    out, and so is a backup with interval 0 (continuous replication; the file requires an
    interval above 0) — the import leaves such rows alone. When a node has alternatives that do
    not include its chosen option, the chosen option is listed among them too (the file requires
    it; the optimiser always considers today's choice anyway).

Import
    Option names are matched to the recovery options in the database by id, then by name or
    "also called" (case, spaces, dashes and underscores ignored); an option only the catalogue
    (``standby/library/recovery-options.yaml``) has is allowed, and then every catalogue option
    the database lacks is added (report section ``recovery_options``; audited). A name that
    matches nothing, or more than one option, is an error with its path.

    A node, asset or team stated in the file without the part keeps its rows. A stated part
    is compared with the rows in database terms; identical ones are reported unchanged and not
    touched. Otherwise:

    * ``strategy`` creates or updates the node's chosen option; its recovery time is the node's
      ``recovery_time`` in the file. A ``delivered_by`` contract keeps the stored alternate site;
      a location replaces both (the contract is cleared); none clears both. Notes are kept.
    * ``options`` (even ``options: []``) replaces the node's alternatives: new ones are created,
      differing ones updated, ones not listed deleted (those without a recovery time are kept).
      An option listed with exactly the chosen strategy's option, time and costs stands for
      today's choice: it makes no alternative row unless the node already has one.
    * ``backup`` creates or updates the backup; ``offsite: true`` keeps a stored number of
      off-site copies (else 1), ``false`` sets 0; on-site copies and retention are kept.
    * ``capacity`` creates or updates the team's capacity.

    Money must fit the database (to the cent, below 10^12), a capacity must fit a positive
    integer and a site cannot be its own alternate site: errors, with their paths.
    Report sections: ``recovery_options`` (option ids), ``strategies`` (node ids with a
    ``strategy`` or ``options``), ``backups`` (asset ids), ``capacities`` (team ids).

The node query carries one flag per table (:data:`FLAGS`), so an export reads only the tables
that have rows: no query when there is no strategy at all, at most four otherwise. The import's
writes are bulk, with one audit entry per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db import models
from django.db.models import Exists, QuerySet
from django.utils import timezone

from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.modelio_batches import chunks, pks_by_key
from standby.inventory.models import Contract, Node, Team
from standby.modelfile import schema
from standby.modelfile import strategy as mf
from standby.modelfile.errors import ModelFileError, Problem
from standby.strategy.catalogue import library
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    StrategyAlternative,
    TeamCapacity,
)

__all__ = [
    "FLAGS",
    "SECTIONS",
    "StoredStrategy",
    "StrategyPlan",
    "annotate",
    "export_model",
    "plan",
    "read",
    "write",
]

#: Columns the node query carries: does each table have any row? (Just before ``bia``'s.)
FLAGS: Final = (
    "strategy_any_choice",
    "strategy_any_alternative",
    "strategy_any_backup",
    "strategy_any_capacity",
)
#: The report sections this module fills.
SECTIONS: Final = ("recovery_options", "strategies", "backups", "capacities")
_FAILABLE: Final = ("locations", "suppliers", "assets")
_BATCH: Final = 1000
_CENT: Final = Decimal("0.01")
_MONEY_LIMIT: Final = Decimal(10) ** 12  # max_digits=14, decimal_places=2
_INT_LIMIT: Final = 2_147_483_647
_SPACES: Final = re.compile(r"[\s_-]+")

# A chosen strategy in database terms (keys, not primary keys): what is compared.
_Choice = tuple[
    str,  # option key
    float | None,  # recovery time
    Decimal,  # one-off cost
    Decimal,  # annual cost
    str | None,  # contract key
    str | None,  # alternate site key
    str | None,  # team key
    dt.date | None,  # last tested
]
_Alternative = tuple[float | None, Decimal, Decimal]  # recovery time, one-off, annual
# interval, replication lag, off-site copies, last restore test, its duration
_Backup = tuple[float, float, int, dt.date | None, float | None]


# -- reading the database ---------------------------------------------------------------------


def annotate(nodes: QuerySet[Node]) -> QuerySet[Node]:
    """The node query with the :data:`FLAGS` (uncorrelated: computed once)."""
    tables: tuple[type[models.Model], ...] = (
        NodeStrategy,
        StrategyAlternative,
        Backup,
        TeamCapacity,
    )
    return nodes.annotate(
        **{
            flag: Exists(model._default_manager.all())
            for flag, model in zip(FLAGS, tables, strict=True)
        }
    )


@dataclass
class StoredStrategy:
    """The strategy rows in the database, by node (or team) key."""

    choices: dict[str, tuple[int, _Choice]] = field(default_factory=dict)
    #: node key → option key → (pk, values, option position)
    alternatives: dict[str, dict[str, tuple[int, _Alternative, int]]] = field(default_factory=dict)
    backups: dict[str, tuple[int, _Backup]] = field(default_factory=dict)
    capacities: dict[str, tuple[int, int]] = field(default_factory=dict)


def read(nodes: Sequence[Sequence[Any]]) -> StoredStrategy:
    """The stored strategy, given the node rows (the :data:`FLAGS` are their columns
    ``-5..-2``, before the BIA's); every table is read when there are no nodes."""
    flags = nodes[0][-1 - len(FLAGS) : -1] if nodes else (True,) * len(FLAGS)
    any_choice, any_alternative, any_backup, any_capacity = flags
    stored = StoredStrategy()
    if any_choice:
        for (
            pk,
            key,
            option,
            rt,
            once,
            annual,
            contract,
            site,
            team,
            tested,
        ) in NodeStrategy.objects.values_list(
            "pk",
            "node__key",
            "option__key",
            "recovery_time",
            "one_off_cost",
            "annual_cost",
            "contract__key",
            "alternate_site__key",
            "team__key",
            "last_tested_on",
        ):
            stored.choices[key] = (pk, (option, rt, once, annual, contract, site, team, tested))
    if any_alternative:
        for pk, key, option, rt, once, annual, position in StrategyAlternative.objects.values_list(
            "pk",
            "node__key",
            "option__key",
            "recovery_time",
            "one_off_cost",
            "annual_cost",
            "option__position",
        ):
            stored.alternatives.setdefault(key, {})[option] = (pk, (rt, once, annual), position)
    if any_backup:
        for pk, key, interval, lag, offsite, tested, hours in Backup.objects.values_list(
            "pk",
            "node__key",
            "interval",
            "replication_lag",
            "offsite_copies",
            "last_restore_test_on",
            "last_restore_hours",
        ):
            stored.backups[key] = (pk, (interval, lag, offsite, tested, hours))
    if any_capacity:
        for pk, key, capacity in TeamCapacity.objects.values_list("pk", "team__key", "capacity"):
            stored.capacities[key] = (pk, capacity)
    return stored


# -- export -----------------------------------------------------------------------------------


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _file_strategy(choice: _Choice) -> mf.NodeStrategy:
    option, _, once, annual, contract, site, team, tested = choice
    return mf.NodeStrategy(
        option=option,
        annual_cost=_number(annual),
        one_off_cost=_number(once) if once else None,
        team=team,
        delivered_by=contract or site,
        last_tested=tested,
    )


def _file_options(
    alternatives: Mapping[str, tuple[int, _Alternative, int]], choice: _Choice | None
) -> tuple[mf.StrategyOption, ...]:
    rows = [
        (annual, position, option, rt, once)
        for option, (_, (rt, once, annual), position) in alternatives.items()
        if rt is not None
    ]
    if rows and choice is not None and choice[0] not in {row[2] for row in rows}:
        option, rt, once, annual, *_ = choice
        if rt is None:
            return ()  # the file cannot list today's choice: options left out (and kept)
        rows.append((annual, -1, option, rt, once))
    return tuple(
        mf.StrategyOption(option, rt, _number(annual), _number(once) if once else None)
        for annual, _, option, rt, once in sorted(rows, key=lambda r: r[:3])
    )


def _file_backup(values: _Backup) -> mf.NodeBackup | None:
    interval, lag, offsite, tested, hours = values
    if interval <= 0:
        return None  # continuous replication: the file cannot say it
    return mf.NodeBackup(
        interval=interval,
        offsite=offsite > 0,
        replication_lag=lag or None,
        last_restore_test=tested,
        restore_duration=hours,
    )


def export_model(model: schema.Model, stored: StoredStrategy) -> schema.Model:
    """``model`` with every node's strategy, options and backup and every team's capacity."""
    if stored == StoredStrategy():
        return model

    def with_strategy(node: Any) -> Any:
        extensions = dict(node.extensions)
        choice = stored.choices.get(node.id)
        chosen = _file_strategy(choice[1]) if choice else None
        options = _file_options(stored.alternatives.get(node.id, {}), choice[1] if choice else None)
        if chosen is not None or options:
            extensions["strategy"] = mf.StrategyFields(chosen, options)
        backup = stored.backups.get(node.id)
        if backup is not None and isinstance(node, schema.Asset) and node.type == "data":
            written = _file_backup(backup[1])
            if written is not None:
                extensions["backup"] = mf._BackupFields(written)
        return replace(node, extensions=extensions) if extensions != node.extensions else node

    def with_capacity(team: schema.Team) -> schema.Team:
        capacity = stored.capacities.get(team.id)
        if capacity is None:
            return team
        return replace(
            team, extensions={**team.extensions, "capacity": mf.TeamCapacity(capacity[1])}
        )

    return replace(
        model,
        teams=tuple(with_capacity(t) for t in model.teams),
        locations=tuple(with_strategy(n) for n in model.locations),
        suppliers=tuple(with_strategy(n) for n in model.suppliers),
        assets=tuple(with_strategy(n) for n in model.assets),
    )


# -- import: the plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    key: str
    name: str
    stored: bool


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip()


class _Options:
    """The recovery options a file may name: the database's, then the catalogue's missing ones."""

    def __init__(self) -> None:
        stored = list(RecoveryOption.objects.values_list("key", "name", "also_called"))
        known = {key for key, _, _ in stored}
        self.missing = [o for o in library().options if o.key not in known]
        rows = [(k, n, a, True) for k, n, a in stored] + [
            (o.key, o.name, o.also_called, False) for o in self.missing
        ]
        self.by_key = {k: _Option(k, n, s) for k, n, _, s in rows}
        self.by_name: dict[str, set[str]] = {}
        for key, name, also, _ in rows:
            for text in (key, name, also):
                if text:
                    self.by_name.setdefault(_normal(text), set()).add(key)

    def resolve(self, name: str, where: str, problems: list[Problem]) -> _Option | None:
        if name in self.by_key:
            return self.by_key[name]
        found = sorted(self.by_name.get(_normal(name), ()))
        if len(found) == 1:
            return self.by_key[found[0]]
        if found:
            problems.append(
                Problem(where, f"{name!r} names more than one recovery option: {', '.join(found)}")
            )
        else:
            problems.append(
                Problem(
                    where,
                    f"unknown recovery option {name!r} (expected the id, name or other name of "
                    f"one of: {', '.join(sorted(self.by_key))})",
                )
            )
        return None


def _money(value: float | None, where: str, problems: list[Problem]) -> Decimal:
    if value is None:
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - the format already checked it is a number
        amount = Decimal(-1)
    if amount.quantize(_CENT) != amount:
        problems.append(Problem(where, f"Standby keeps money to the cent, got {value}"))
    elif amount >= _MONEY_LIMIT:
        problems.append(Problem(where, f"an amount must be below 10^12, got {value}"))
    return amount.quantize(_CENT) if amount.is_finite() else Decimal(0)


@dataclass
class StrategyPlan:
    """What the import does to the strategy rows (keys, resolved at write time)."""

    load_catalogue: bool = False
    #: node key → (values, stored pk or None, label)
    choices: dict[str, tuple[_Choice, int | None, str]] = field(default_factory=dict)
    #: node key → option key → values (the whole set the file states)
    alternatives: dict[str, dict[str, _Alternative]] = field(default_factory=dict)
    backups: dict[str, tuple[_Backup, int | None, str]] = field(default_factory=dict)
    capacities: dict[str, tuple[int, int | None, str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.choices or self.alternatives or self.backups or self.capacities)


def _raw_item(data: Mapping[str, Any], section: str, index: int) -> Mapping[str, Any]:
    items = data.get(section)
    item = items[index] if isinstance(items, list) and index < len(items) else None
    return item if isinstance(item, Mapping) else {}


def plan(
    data: Mapping[str, Any],
    model: schema.Model,
    in_file: Mapping[str, Mapping[str, int]],
    stored: StoredStrategy,
    report: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]],
) -> StrategyPlan:
    """Decide the strategy writes; fill the report sections (:data:`SECTIONS`).

    Raises :class:`ModelFileError` for unknown option names and what the database cannot keep.
    """
    created, changed, unchanged = report
    result = StrategyPlan()
    problems: list[Problem] = []
    catalogue: _Options | None = None
    used: list[_Option] = []
    locations = frozenset(location.id for location in model.locations)

    def sort(section: str, key: str, is_new: bool, same: bool) -> None:
        (unchanged if same else created if is_new else changed)[section].append(key)

    for section in _FAILABLE:
        for node in getattr(model, section):
            if node.id not in in_file[section]:
                continue
            where = f"{section}[{in_file[section][node.id]}]"
            chosen = mf.node_strategy(node)
            options_stated = _raw_item(data, section, in_file[section][node.id]).get("options")
            options = mf.node_options(node)
            before = len(problems)
            if chosen is not None or options_stated is not None:
                catalogue = catalogue or _Options()
            choice: _Choice | None = None
            if chosen is not None:
                assert catalogue is not None
                option = catalogue.resolve(chosen.option, f"{where}.strategy.option", problems)
                used.extend([option] if option else [])
                by = chosen.delivered_by
                contract = by if by is not None and by not in locations else None
                site = by if by is not None and contract is None else None
                if site is not None and site == node.id:
                    problems.append(
                        Problem(
                            f"{where}.strategy.delivered_by",
                            "a site cannot be its own alternate site",
                        )
                    )
                old = stored.choices.get(node.id)
                if contract is not None and old is not None:
                    site = old[1][5]  # a contract keeps the stored alternate site
                choice = (
                    option.key if option else "",
                    node.recovery_time,
                    _money(chosen.one_off_cost, f"{where}.strategy.one_off_cost", problems),
                    _money(chosen.annual_cost, f"{where}.strategy.annual_cost", problems),
                    contract,
                    site,
                    chosen.team,
                    chosen.last_tested,
                )
            wanted: dict[str, _Alternative] | None = None
            if options_stated is not None:
                assert catalogue is not None
                wanted = {}
                current = stored.alternatives.get(node.id, {})
                for j, alternative in enumerate(options):
                    path = f"{where}.options[{j}]"
                    option = catalogue.resolve(alternative.option, f"{path}.option", problems)
                    if option is None:
                        continue
                    used.append(option)
                    if option.key in wanted:
                        problems.append(
                            Problem(
                                f"{path}.option",
                                f"{alternative.option!r} is {option.key!r}, already listed",
                            )
                        )
                        continue
                    values = (
                        alternative.recovery_time,
                        _money(alternative.one_off_cost, f"{path}.one_off_cost", problems),
                        _money(alternative.annual_cost, f"{path}.annual_cost", problems),
                    )
                    today = choice is not None and (choice[0], choice[1], *choice[2:4]) == (
                        option.key,
                        *values,
                    )
                    if today and option.key not in current:
                        continue  # stands for today's choice
                    wanted[option.key] = values
            if len(problems) > before:
                continue
            same = True
            if choice is not None:
                old = stored.choices.get(node.id)
                if old is None or old[1] != choice:
                    result.choices[node.id] = (choice, old[0] if old else None, node.name)
                    same = False
            if wanted is not None:
                kept = {
                    k: values
                    for k, (_, values, _) in stored.alternatives.get(node.id, {}).items()
                    if values[0] is not None
                }
                if kept != wanted:
                    result.alternatives[node.id] = wanted
                    same = False
            if choice is not None or wanted is not None:
                is_new = node.id not in stored.choices and node.id not in stored.alternatives
                sort("strategies", node.id, is_new, same)

    for asset in model.assets:
        if asset.id not in in_file["assets"]:
            continue
        backup = mf.node_backup(asset)
        if backup is None:
            continue
        old_backup = stored.backups.get(asset.id)
        offsite = 0
        if backup.offsite:
            offsite = old_backup[1][2] if old_backup and old_backup[1][2] > 0 else 1
        backup_values = (
            backup.interval,
            backup.replication_lag or 0.0,
            offsite,
            backup.last_restore_test,
            backup.restore_duration,
        )
        same = old_backup is not None and old_backup[1] == backup_values
        sort("backups", asset.id, old_backup is None, same)
        if not same:
            pk = old_backup[0] if old_backup else None
            result.backups[asset.id] = (backup_values, pk, asset.name)

    for team in model.teams:
        if team.id not in in_file["teams"]:
            continue
        capacity = mf.team_capacity(team)
        if capacity is None:
            continue
        if capacity > _INT_LIMIT:
            where = f"teams[{in_file['teams'][team.id]}].capacity"
            problems.append(Problem(where, f"at most {_INT_LIMIT} people, got {capacity}"))
            continue
        old_capacity = stored.capacities.get(team.id)
        same = old_capacity is not None and old_capacity[1] == capacity
        sort("capacities", team.id, old_capacity is None, same)
        if not same:
            pk = old_capacity[0] if old_capacity else None
            result.capacities[team.id] = (capacity, pk, team.name)

    if problems:
        raise ModelFileError(problems)
    if catalogue is not None and any(not o.stored for o in used):
        result.load_catalogue = True
        created["recovery_options"].extend(o.key for o in catalogue.missing)
    return result


# -- import: the writes -----------------------------------------------------------------------


def _entry(action: AuditAction, obj: models.Model, label: str, changes: dict[str, Any]) -> Any:
    return audit.PendingEntry(action, obj._meta.label_lower, str(obj.pk), label, changes)


def _save(
    model: type[models.Model],
    rows: Sequence[tuple[int | None, dict[str, Any], str]],
    entries: list[audit.PendingEntry],
) -> None:
    """Create the rows without a pk, update the others; one audit entry each."""
    fresh = [(model(**values), label) for pk, values, label in rows if pk is None]
    model._default_manager.bulk_create([obj for obj, _ in fresh], batch_size=_BATCH)
    for obj, label in fresh:
        entries.append(_entry(AuditAction.CREATE, obj, label, audit.diff({}, audit.snapshot(obj))))
    change = {pk: (values, label) for pk, values, label in rows if pk is not None}
    if not change:
        return
    now = timezone.now()
    updated = []
    for chunk in chunks(list(change)):
        for obj in model._default_manager.filter(pk__in=chunk):
            before = audit.snapshot(obj)
            values, label = change[obj.pk]
            for name, value in values.items():
                setattr(obj, name, value)
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
            after = audit.snapshot(obj)
            entries.append(_entry(AuditAction.UPDATE, obj, label, audit.diff(before, after)))
            updated.append(obj)
    names = sorted({name for values, _ in change.values() for name in values})
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        names.append("updated_at")
    model._default_manager.bulk_update(updated, names, batch_size=_BATCH)


def _load_catalogue(entries: list[audit.PendingEntry]) -> None:
    """Add the catalogue's options the database lacks (as "Load the catalogue" does)."""
    data = library()
    known = set(RecoveryOption.objects.values_list("key", flat=True))
    fresh = [
        RecoveryOption(
            key=o.key,
            name=o.name,
            also_called=o.also_called,
            description=o.description,
            min_hours=o.min_hours,
            max_hours=o.max_hours,
            typical_hours=o.typical_hours,
            one_off_cost=o.one_off_cost,
            annual_cost=o.annual_cost,
            position=position,
            catalogue_version=data.version,
        )
        for position, o in enumerate(data.options)
        if o.key not in known
    ]
    RecoveryOption.objects.bulk_create(fresh, batch_size=_BATCH)
    for obj in fresh:
        entries.append(
            _entry(AuditAction.CREATE, obj, obj.name, audit.diff({}, audit.snapshot(obj)))
        )


def write(strategy: StrategyPlan | None, stored: StoredStrategy) -> list[audit.PendingEntry]:
    """Apply the plan (after the inventory's writes); return the audit entries to append."""
    entries: list[audit.PendingEntry] = []
    if strategy is None:
        return entries
    if strategy.load_catalogue:
        _load_catalogue(entries)
    if strategy.empty:
        return entries
    choices = strategy.choices
    node_pk = pks_by_key(
        Node,
        [
            *choices,
            *strategy.alternatives,
            *strategy.backups,
            *(values[5] for values, _, _ in choices.values()),
        ],
    )
    option_pk = pks_by_key(
        RecoveryOption,
        [
            *(values[0] for values, _, _ in choices.values()),
            *(k for wanted in strategy.alternatives.values() for k in wanted),
        ],
    )
    contract_pk = pks_by_key(Contract, (values[4] for values, _, _ in choices.values()))
    team_pk = pks_by_key(
        Team, [*(values[6] for values, _, _ in choices.values()), *strategy.capacities]
    )

    def pk_of(table: Mapping[str, int], key: str | None) -> int | None:
        return None if key is None else table[key]

    rows = []
    for key, (values, pk, name) in choices.items():
        option, rt, once, annual, contract, site, team, tested = values
        fields = {
            "option_id": option_pk[option],
            "recovery_time": rt,
            "one_off_cost": once,
            "annual_cost": annual,
            "contract_id": pk_of(contract_pk, contract),
            "alternate_site_id": pk_of(node_pk, site),
            "team_id": pk_of(team_pk, team),
            "last_tested_on": tested,
        }
        if pk is None:
            fields["node_id"] = node_pk[key]
        rows.append((pk, fields, f"Chosen strategy of {name}"))
    _save(NodeStrategy, rows, entries)

    rows = []
    gone: dict[int, str] = {}
    for key, wanted in strategy.alternatives.items():
        current = stored.alternatives.get(key, {})
        for option, (old_pk, old_values, _) in current.items():
            if option not in wanted and old_values[0] is not None:
                gone[old_pk] = f"{option} (considered for {key})"
        for option, (rt, once, annual) in wanted.items():
            old = current.get(option)
            if old is not None and old[1] == (rt, once, annual):
                continue
            fields = {"recovery_time": rt, "one_off_cost": once, "annual_cost": annual}
            if old is None:
                fields |= {"node_id": node_pk[key], "option_id": option_pk[option]}
            rows.append((old[0] if old else None, fields, f"{option} (considered for {key})"))
    for chunk in chunks(list(gone)):
        for obj in StrategyAlternative.objects.filter(pk__in=chunk):
            before = audit.snapshot(obj)
            entries.append(_entry(AuditAction.DELETE, obj, gone[obj.pk], audit.diff(before, {})))
        StrategyAlternative.objects.filter(pk__in=chunk).delete()
    _save(StrategyAlternative, rows, entries)

    rows = []
    for key, (backup, pk, name) in strategy.backups.items():
        interval, lag, offsite, tested, hours = backup
        backup_fields: dict[str, Any] = {
            "interval": interval,
            "replication_lag": lag,
            "offsite_copies": offsite,
            "last_restore_test_on": tested,
            "last_restore_hours": hours,
        }
        if pk is None:
            backup_fields["node_id"] = node_pk[key]
        rows.append((pk, backup_fields, f"Backup of {name}"))
    _save(Backup, rows, entries)

    rows = []
    for key, (capacity, pk, name) in strategy.capacities.items():
        team_fields: dict[str, Any] = {"capacity": capacity}
        if pk is None:
            team_fields["team_id"] = team_pk[key]
        rows.append((pk, team_fields, f"{name}: {capacity} in parallel"))
    _save(TeamCapacity, rows, entries)
    return entries
