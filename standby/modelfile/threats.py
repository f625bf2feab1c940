"""Threats in the model file: the ``threats`` section of the quantitative risk simulation.

Each threat is ``{id, name, frequency, fails, duration?, spread?}``:

* ``frequency`` — events a year (the mean of a Poisson law), a number >= 0, or a range
  ``{min, likely, max}`` (the mean is then drawn from a PERT distribution every simulated year);
* ``fails`` — the assets, locations and suppliers each event fails (a process or a service only
  goes down through what it requires, so naming one is an error that says so);
* ``duration`` — optional: how long every failed node stays down (a duration); without it each
  process stays down for its recovery time achievable in that scenario;
* ``spread`` — optional: the lognormal sigma of an event's outage (0 = none).

Threat ids share the file's id space. :func:`model_threats` and :func:`model_loss_curves` give
the analysis core's input (:mod:`standby.analysis.montecarlo`). See docs/reference/model-file.md
and docs/concepts/risk-simulation.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final

from standby.analysis import montecarlo

# A module, not its names: schema imports this module while bia may still be loading.
from standby.modelfile import bia as _bia
from standby.modelfile.errors import PathParts
from standby.modelfile.schema import (
    Context,
    Model,
    _duration,
    _expected,
    _id,
    _items,
    _list,
    _node_id,
    _string,
    register_section,
)

__all__ = [
    "FAILING_KINDS",
    "FrequencyRange",
    "Threat",
    "model_loss_curves",
    "model_threats",
]

#: What a threat may fail directly.
FAILING_KINDS: Final = ("asset", "location", "supplier")
_RANGE_KEYS: Final = ("min", "likely", "max")


@dataclass(frozen=True, slots=True)
class FrequencyRange:
    """Events a year as a range: the yearly mean is drawn from PERT(min, likely, max)."""

    min: float
    likely: float
    max: float


@dataclass(frozen=True, slots=True)
class Threat:
    """One threat of the ``threats`` section (``duration`` in hours)."""

    id: str
    name: str
    frequency: float | FrequencyRange
    fails: tuple[str, ...] = field(metadata={"flow": True})
    duration: float | None = field(default=None, metadata={"duration": True})
    spread: float | None = None

    def to_analysis(self) -> montecarlo.Threat:
        """The analysis core's threat.

        >>> Threat("fire", "Fire", FrequencyRange(0.0, 0.1, 0.5), ("dc",)).to_analysis()
        Threat(id='fire', frequency=Pert(min=0.0, likely=0.1, max=0.5, gamma=4.0), \
fails=('dc',), duration=None, spread=None)
        """
        f = self.frequency
        frequency: float | montecarlo.Pert = (
            montecarlo.Pert(f.min, f.likely, f.max) if isinstance(f, FrequencyRange) else f
        )
        return montecarlo.Threat(self.id, frequency, self.fails, self.duration, self.spread)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _read_frequency(ctx: Context, value: object, path: PathParts) -> float | FrequencyRange | None:
    if _number(value):
        assert isinstance(value, int | float)
        if value < 0:
            ctx.problem(path, f"a frequency cannot be negative, got {value}")
            return None
        return float(value)
    if not isinstance(value, dict):
        _expected(ctx, path, "events a year (a number) or {min, likely, max}", value)
        return None
    before = len(ctx.problems)
    for key in _RANGE_KEYS:
        if key not in value:
            ctx.problem(path, f"missing required key {key!r}")
    for key in value:
        if key not in _RANGE_KEYS:
            ctx.problem((*path, str(key)), f"unknown key {key!r} (expected min, likely, max)")
    numbers: list[float] = []
    for key in _RANGE_KEYS:
        if key not in value:
            continue
        item = value[key]
        if not _number(item):
            _expected(ctx, (*path, key), "events a year (a number)", item)
        elif item < 0:
            ctx.problem((*path, key), f"a frequency cannot be negative, got {item}")
        else:
            numbers.append(float(item))
    if len(ctx.problems) > before:
        return None
    low, likely, high = numbers
    if not low <= likely <= high:
        ctx.problem(path, f"expected min <= likely <= max, got {low:g}, {likely:g}, {high:g}")
        return None
    return FrequencyRange(low, likely, high)


def _check_fails(ctx: Context, fails: list[tuple[str, PathParts]]) -> None:
    """Run once every section is read: each name must be an asset, location or supplier."""
    for target, where in fails:
        found = ctx.ids.get(target)
        if found is None:
            ctx.problem(where, f"unknown id {target!r}")
        elif found[0] in ("process", "service"):
            ctx.problem(
                where,
                f"{target!r} is a {found[0]}: only assets, locations and suppliers fail "
                f"directly; a {found[0]} goes down only through what it requires",
            )
        elif found[0] not in FAILING_KINDS:
            ctx.problem(
                where, f"{target!r} is a {found[0]}, expected an asset, location or supplier"
            )


def _read_fails(ctx: Context, value: object, path: PathParts) -> tuple[str, ...] | None:
    raw = _list(ctx, value, path)
    if isinstance(value, list) and not value:
        ctx.problem(path, "must name at least one asset, location or supplier")
    if not raw:
        return None
    out: list[str] = []
    checks: list[tuple[str, PathParts]] = []
    ok = True
    for index, item in enumerate(raw):
        where = (*path, index)
        target = _id(ctx, item, where)
        if target is None:
            ok = False
        elif target in out:
            ctx.problem(where, f"{target!r} is listed twice")
            ok = False
        else:
            out.append(target)
            checks.append((target, where))
    ctx.defer(lambda: _check_fails(ctx, checks))
    return tuple(out) if ok else None


def _read_spread(ctx: Context, item: dict[str, Any], path: PathParts) -> float | None:
    value = item.get("spread")
    if value is None:
        return None
    if not _number(value):
        _expected(ctx, (*path, "spread"), "a lognormal sigma (a number >= 0)", value)
        return None
    assert isinstance(value, int | float)
    if value < 0:
        ctx.problem((*path, "spread"), f"a spread cannot be negative, got {value}")
        return None
    return float(value)


@register_section("threats")
def _read_threats(value: object, ctx: Context, path: PathParts) -> tuple[Threat, ...]:
    def read(item: dict[str, Any], where: PathParts) -> Threat | None:
        before = len(ctx.problems)
        node_id = _node_id(ctx, item, where, "threat")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        frequency = (
            _read_frequency(ctx, item["frequency"], (*where, "frequency"))
            if "frequency" in item
            else None
        )
        fails = _read_fails(ctx, item.get("fails"), (*where, "fails")) if "fails" in item else None
        duration = _duration(ctx, item, "duration", where)
        spread = _read_spread(ctx, item, where)
        if (
            len(ctx.problems) > before
            or node_id is None
            or name is None
            or frequency is None
            or fails is None
        ):
            return None
        return Threat(node_id, name, frequency, fails, duration, spread)

    return _items(
        ctx, value, path, ("id", "name", "frequency", "fails"), ("duration", "spread"), read
    )


# -- reading a validated model ----------------------------------------------------------------


def model_threats(model: Model) -> tuple[Threat, ...]:
    """The model's threats, sorted by id (empty without a ``threats`` section).

    >>> model_threats(Model())
    ()
    """
    value = model.extensions.get("threats")
    if not isinstance(value, tuple):
        return ()
    return tuple(t for t in value if isinstance(t, Threat))


def model_loss_curves(model: Model) -> dict[str, montecarlo.LossCurve]:
    """Loss curve (``loss`` against the ``bia`` horizons) of every process that has one.

    Services' curves are left out: what a service's outage costs is already counted in the
    processes that need it.

    >>> from standby.modelfile.bia import NodeBia
    >>> from standby.modelfile.schema import Process
    >>> pay = Process("pay", "Pay staff", extensions={
    ...     "bia": NodeBia(loss=(0.0, 100.0, 500.0, 900.0, 2e3, 3e3, 4e3))})
    >>> model_loss_curves(Model(processes=(pay,)))["pay"].money[:3]
    (0.0, 100.0, 500.0)
    """
    horizons = _bia.bia_settings(model).horizons
    out: dict[str, montecarlo.LossCurve] = {}
    for process in model.processes:
        bia = _bia.node_bia(process)
        if bia is not None and bia.loss:
            out[process.id] = montecarlo.LossCurve(tuple(horizons), tuple(bia.loss))
    return out
