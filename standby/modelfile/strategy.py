"""Continuity strategy in the model file: recovery options, backups and team capacity.

* assets, locations and suppliers may carry ``strategy`` (the chosen recovery option: ``option``,
  ``recovery_time``, ``annual_cost``, ``one_off_cost``, ``team``, ``delivered_by`` (a contract
  or a location id), ``last_tested``) and ``options`` (the alternatives considered, for the
  optimiser: ``option``, ``recovery_time``, ``annual_cost``, ``one_off_cost``);
* data assets may carry ``backup`` (``interval``, ``offsite``, ``replication_lag``,
  ``last_restore_test``, ``restore_duration``);
* teams may carry ``capacity`` (people who can work on recoveries at once).

The node's own ``recovery_time`` is what every analysis reads. ``strategy.recovery_time`` may
be left out (it is the node's); when given it must equal the node's ``recovery_time``. Costs
are money per year (``annual_cost``, default 0) or once (``one_off_cost``), in the currency of
the ``bia`` section. See docs/reference/model-file.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from standby.analysis.gaps import Backup
from standby.analysis.optimise import Option
from standby.modelfile.durations import DurationError, format_duration, parse_duration
from standby.modelfile.errors import PathParts
from standby.modelfile.schema import (
    Asset,
    Context,
    Location,
    Model,
    Supplier,
    Team,
    _date,
    _duration,
    _expected,
    _fields,
    _id,
    _string,
    register_node_fields,
)

__all__ = [
    "NodeBackup",
    "NodeStrategy",
    "StrategyFields",
    "StrategyOption",
    "TeamCapacity",
    "model_backups",
    "model_capacity",
    "model_options",
    "model_team_of",
    "node_backup",
    "node_options",
    "node_strategy",
    "team_capacity",
]

_STRATEGY_KEYS: Final = (
    "option",
    "recovery_time",
    "annual_cost",
    "one_off_cost",
    "team",
    "delivered_by",
    "last_tested",
)
_OPTION_KEYS: Final = ("recovery_time", "annual_cost", "one_off_cost")
_BACKUP_KEYS: Final = (
    "replication_lag",
    "last_restore_test",
    "restore_duration",
)


@dataclass(frozen=True, slots=True)
class NodeStrategy:
    """The recovery option chosen for a node, what it costs and who or what delivers it."""

    option: str
    recovery_time: float | None = field(default=None, metadata={"duration": True})
    annual_cost: float = 0.0
    one_off_cost: float | None = None
    team: str | None = None
    delivered_by: str | None = None
    last_tested: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StrategyOption:
    """An alternative the optimiser may choose."""

    option: str
    recovery_time: float = field(metadata={"duration": True})
    annual_cost: float = 0.0
    one_off_cost: float | None = None


@dataclass(frozen=True, slots=True)
class StrategyFields:
    """The ``strategy`` and ``options`` keys of an asset, location or supplier."""

    strategy: NodeStrategy | None = None
    options: tuple[StrategyOption, ...] = field(default=(), metadata={"keep_order": True})


@dataclass(frozen=True, slots=True)
class NodeBackup:
    """The ``backup`` of a data asset (hours; dates)."""

    interval: float = field(metadata={"duration": True})
    offsite: bool
    replication_lag: float | None = field(default=None, metadata={"duration": True})
    last_restore_test: dt.date | None = None
    restore_duration: float | None = field(default=None, metadata={"duration": True})


@dataclass(frozen=True, slots=True)
class _BackupFields:
    backup: NodeBackup


@dataclass(frozen=True, slots=True)
class TeamCapacity:
    """The ``capacity`` of a team: people working on recoveries in parallel."""

    capacity: int


def _money(ctx: Context, fields: Mapping[str, Any], key: str, path: PathParts) -> float | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        _expected(ctx, (*path, key), "an amount of money (a number)", value)
        return None
    if value < 0:
        ctx.problem((*path, key), f"a cost cannot be negative, got {value}")
        return None
    return value


def _option_name(ctx: Context, fields: Mapping[str, Any], path: PathParts) -> str | None:
    return _string(ctx, fields["option"], (*path, "option")) if "option" in fields else None


def _node_hours(item: Mapping[str, Any]) -> float | None:
    try:
        return None if item.get("recovery_time") is None else parse_duration(item["recovery_time"])
    except DurationError:
        return None  # reported by the node's own reader


def _read_strategy(
    ctx: Context, item: Mapping[str, Any], value: object, path: PathParts
) -> NodeStrategy | None:
    fields = _fields(ctx, value, path, ("option",), _STRATEGY_KEYS[1:])
    if fields is None:
        return None
    before = len(ctx.problems)
    name = _option_name(ctx, fields, path)
    hours = _duration(ctx, fields, "recovery_time", path)
    if hours is not None and hours != _node_hours(item):
        node = _node_hours(item)
        said = "none" if node is None else format_duration(node)
        ctx.problem(
            (*path, "recovery_time"),
            f"{format_duration(hours)} does not agree with the node's recovery_time ({said}); "
            "the analysis reads the node's: set it there (strategy.recovery_time may be left out)",
        )
    team = fields.get("team")
    if team is not None:
        team = _id(ctx, team, (*path, "team"))
        if team is not None:
            ctx.refer(team, frozenset({"team"}), (*path, "team"))
    by = fields.get("delivered_by")
    if by is not None:
        by = _id(ctx, by, (*path, "delivered_by"))
        if by is not None:
            ctx.refer(by, frozenset({"contract", "location"}), (*path, "delivered_by"))
    out = NodeStrategy(
        option=name or "",
        recovery_time=hours,
        annual_cost=_money(ctx, fields, "annual_cost", path) or 0.0,
        one_off_cost=_money(ctx, fields, "one_off_cost", path),
        team=team,
        delivered_by=by,
        last_tested=_date(ctx, fields, "last_tested", path),
    )
    return out if len(ctx.problems) == before else None


def _read_options(ctx: Context, value: object, path: PathParts) -> tuple[StrategyOption, ...]:
    if not isinstance(value, list):
        _expected(ctx, path, "a list of options", value)
        return ()
    out: list[StrategyOption] = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        where = (*path, index)
        fields = _fields(ctx, entry, where, ("option", "recovery_time"), _OPTION_KEYS[1:])
        if fields is None:
            continue
        name = _option_name(ctx, fields, where)
        if name is not None and name in seen:
            ctx.problem((*where, "option"), f"option {name!r} is listed twice")
            name = None
        hours = _duration(ctx, fields, "recovery_time", where)
        annual = _money(ctx, fields, "annual_cost", where)
        once = _money(ctx, fields, "one_off_cost", where)
        if name is not None and hours is not None:
            seen.add(name)
            out.append(StrategyOption(name, hours, annual or 0.0, once))
    return tuple(out)


@register_node_fields(
    "strategy", kinds=("asset", "location", "supplier"), keys=("strategy", "options")
)
def _read_node_strategy(
    item: Mapping[str, Any], ctx: Context, path: PathParts, node_id: str | None
) -> StrategyFields | None:
    if item.get("strategy") is None and item.get("options") is None:
        return None
    strategy = (
        _read_strategy(ctx, item, item["strategy"], (*path, "strategy"))
        if item.get("strategy") is not None
        else None
    )
    options = (
        _read_options(ctx, item["options"], (*path, "options"))
        if item.get("options") is not None
        else ()
    )
    if strategy is not None and options and strategy.option not in {o.option for o in options}:
        ctx.problem(
            (*path, "strategy", "option"),
            f"{strategy.option!r} is not among the options listed "
            f"({', '.join(o.option for o in options)})",
        )
    out = StrategyFields(strategy, options)
    return out if out != StrategyFields() else None


@register_node_fields("backup", kinds=("asset",), keys=("backup",))
def _read_node_backup(
    item: Mapping[str, Any], ctx: Context, path: PathParts, node_id: str | None
) -> _BackupFields | None:
    value = item.get("backup")
    if value is None:
        return None
    where = (*path, "backup")
    if item.get("type") != "data":
        ctx.problem(where, "only data assets (type: data) have a backup")
        return None
    fields = _fields(ctx, value, where, ("interval", "offsite"), _BACKUP_KEYS)
    if fields is None:
        return None
    before = len(ctx.problems)
    interval = _duration(ctx, fields, "interval", where)
    if interval is not None and interval <= 0:
        ctx.problem((*where, "interval"), "a backup interval must be longer than 0")
    offsite = fields.get("offsite")
    if "offsite" in fields and not isinstance(offsite, bool):
        _expected(ctx, (*where, "offsite"), "true or false", offsite)
    backup = NodeBackup(
        interval=interval or 0.0,
        offsite=bool(offsite),
        replication_lag=_duration(ctx, fields, "replication_lag", where),
        last_restore_test=_date(ctx, fields, "last_restore_test", where),
        restore_duration=_duration(ctx, fields, "restore_duration", where),
    )
    return _BackupFields(backup) if len(ctx.problems) == before else None


@register_node_fields("capacity", kinds=("team",), keys=("capacity",))
def _read_team_capacity(
    item: Mapping[str, Any], ctx: Context, path: PathParts, node_id: str | None
) -> TeamCapacity | None:
    value = item.get("capacity")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _expected(ctx, (*path, "capacity"), "a whole number of people, at least 1", value)
        return None
    return TeamCapacity(value)


# -- reading a validated model ----------------------------------------------------------------


def node_strategy(node: Asset | Location | Supplier) -> NodeStrategy | None:
    """The chosen recovery option of a node (None when it has none).

    >>> node_strategy(Location("hq", "HQ")) is None
    True
    """
    value = node.extensions.get("strategy")
    return value.strategy if isinstance(value, StrategyFields) else None


def node_options(node: Asset | Location | Supplier) -> tuple[StrategyOption, ...]:
    """The alternatives listed for a node (empty when none)."""
    value = node.extensions.get("strategy")
    return value.options if isinstance(value, StrategyFields) else ()


def node_backup(asset: Asset) -> NodeBackup | None:
    """The backup of a data asset (None when it has none)."""
    value = asset.extensions.get("backup")
    return value.backup if isinstance(value, _BackupFields) else None


def team_capacity(team: Team) -> int | None:
    """A team's capacity (None: not limited)."""
    value = team.extensions.get("capacity")
    return value.capacity if isinstance(value, TeamCapacity) else None


def _failable(model: Model) -> list[Asset | Location | Supplier]:
    return [*model.assets, *model.locations, *model.suppliers]


def model_options(model: Model) -> dict[str, list[Option]]:
    """The optimiser's input: every node's alternatives as analysis :class:`Option` objects.

    >>> model_options(Model())
    {}
    """
    out: dict[str, list[Option]] = {}
    for node in _failable(model):
        opts = node_options(node)
        if opts:
            out[node.id] = [
                Option(o.option, o.recovery_time, float(o.annual_cost), float(o.one_off_cost or 0))
                for o in opts
            ]
    return out


def model_backups(model: Model) -> dict[str, Backup | None]:
    """Every data asset's backup for the gap analysis (None: no backup recorded)."""
    out: dict[str, Backup | None] = {}
    for asset in model.assets:
        if asset.type != "data":
            continue
        b = node_backup(asset)
        out[asset.id] = (
            None
            if b is None
            else Backup(
                b.interval,
                b.replication_lag or 0.0,
                b.offsite,
                b.last_restore_test,
                b.restore_duration,
            )
        )
    return out


def model_team_of(model: Model) -> dict[str, str]:
    """Node id to the team of its chosen strategy (for the staff-limited schedule)."""
    out: dict[str, str] = {}
    for node in _failable(model):
        s = node_strategy(node)
        if s is not None and s.team is not None:
            out[node.id] = s.team
    return out


def model_capacity(model: Model) -> dict[str, int]:
    """Team id to its capacity, for teams that state one."""
    out: dict[str, int] = {}
    for team in model.teams:
        c = team_capacity(team)
        if c is not None:
            out[team.id] = c
    return out
