"""Business impact analysis in the model file: the ``bia`` section and per-node BIA fields.

The top-level ``bia`` section sets the scale (impact categories, time horizons, the intolerable
level, the currency of money amounts); without it the defaults of
:class:`~standby.analysis.bia.BiaScale` apply. Every process and service may carry ``impact``
(one level 0..5 per horizon and category), ``loss`` (money per horizon), its objectives
``rto``, ``rpo``, ``wrt`` (durations) and ``mbco`` (percent), ``rto_override`` (why an RTO
longer than the MTPD is accepted) and ``reasons``. See docs/reference/model-file.md.

Checks that need the scale (row lengths, known categories, RTO within MTPD) run once every
section has been read, so the ``bia`` section may come anywhere in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from standby.analysis.bia import (
    DEFAULT_HORIZONS,
    DEFAULT_INTOLERABLE,
    MAX_LEVEL,
    BiaScale,
    format_hours,
    mtpd,
)
from standby.modelfile.durations import DurationError, format_duration, parse_duration
from standby.modelfile.errors import PathParts
from standby.modelfile.schema import (
    Context,
    Model,
    Process,
    Service,
    _describe,
    _duration,
    _expected,
    _fields,
    _id,
    _list,
    _optional_string,
    _string,
    register_node_fields,
    register_section,
)

__all__ = [
    "BIA_NODE_KEYS",
    "DEFAULT_BIA",
    "DEFAULT_CATEGORIES",
    "DEFAULT_CURRENCY",
    "BiaCategory",
    "BiaReasons",
    "BiaSettings",
    "NodeBia",
    "bia_settings",
    "model_objectives",
    "node_bia",
    "node_mtpd",
]

DEFAULT_CURRENCY: Final = "GBP"
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_SHARED_KEY: Final = "bia"


@dataclass(frozen=True, slots=True)
class BiaCategory:
    """An impact category; ``levels`` optionally describes levels 0..5 in its own words."""

    id: str
    name: str
    levels: tuple[str, ...] = ()


DEFAULT_CATEGORIES: Final = (
    BiaCategory("financial", "Financial"),
    BiaCategory("operational", "Operational"),
    BiaCategory("customer", "Customer"),
    BiaCategory("reputational", "Reputational"),
    BiaCategory("legal", "Legal and regulatory"),
    BiaCategory("health_safety", "Health and safety"),
)


@dataclass(frozen=True, slots=True)
class BiaSettings:
    """The ``bia`` section: the scale every impact table is written against.

    Examples
    --------
    >>> s = BiaSettings()
    >>> [c.id for c in s.categories][:3], s.horizons[-1], s.intolerable, s.currency
    (['financial', 'operational', 'customer'], 672.0, 4, 'GBP')
    >>> s.scale().category_name("legal")
    'Legal and regulatory'
    """

    categories: tuple[BiaCategory, ...] = field(
        default=DEFAULT_CATEGORIES, metadata={"keep_order": True}
    )
    horizons: tuple[float, ...] = field(
        default=DEFAULT_HORIZONS, metadata={"duration": True, "flow": True}
    )
    intolerable: int = DEFAULT_INTOLERABLE
    currency: str = DEFAULT_CURRENCY

    def scale(self) -> BiaScale:
        """The analysis scale for these settings."""
        return BiaScale(
            categories=tuple(c.id for c in self.categories),
            horizons=self.horizons,
            intolerable=self.intolerable,
            category_names={c.id: c.name for c in self.categories},
        )


DEFAULT_BIA: Final = BiaSettings()


@dataclass(frozen=True, slots=True)
class BiaReasons:
    """Why the owner chose each objective (free text)."""

    rto: str | None = None
    rpo: str | None = None
    mbco: str | None = None
    wrt: str | None = None


@dataclass(frozen=True, slots=True)
class NodeBia:
    """The BIA fields of one process or service (durations in hours, ``mbco`` in percent).

    ``impact`` maps a category id to one level per horizon; ``loss`` is money (in the
    section's currency) per horizon, None where unknown.
    """

    rto: float | None = field(default=None, metadata={"duration": True})
    rpo: float | None = field(default=None, metadata={"duration": True})
    wrt: float | None = field(default=None, metadata={"duration": True})
    mbco: float | None = None
    rto_override: str | None = None
    reasons: BiaReasons | None = None
    impact: Mapping[str, tuple[int, ...]] = field(
        default_factory=dict, hash=False, metadata={"flow": True}
    )
    loss: tuple[float | None, ...] = field(default=(), metadata={"flow": True})


#: The keys :class:`NodeBia` adds to processes and services, in the order they are written.
BIA_NODE_KEYS: Final = ("rto", "rpo", "wrt", "mbco", "rto_override", "reasons", "impact", "loss")
_REASON_KEYS: Final = ("rto", "rpo", "mbco", "wrt")


# -- reading the section ----------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_categories(ctx: Context, value: object, path: PathParts) -> tuple[BiaCategory, ...]:
    out: list[BiaCategory] = []
    seen: set[str] = set()
    raw = _list(ctx, value, path)
    if isinstance(value, list) and not value:
        ctx.problem(path, "must name at least one category")
    for index, item in enumerate(raw):
        where = (*path, index)
        fields = _fields(ctx, item, where, ("id", "name"), ("levels",))
        if fields is None:
            continue
        key = _id(ctx, fields["id"], (*where, "id")) if "id" in fields else None
        if key is not None and key in seen:
            ctx.problem((*where, "id"), f"category {key!r} is listed twice")
            key = None
        name = _string(ctx, fields["name"], (*where, "name")) if "name" in fields else None
        levels: list[str] = []
        ok = True
        if fields.get("levels") is not None:
            raw_levels = _list(ctx, fields["levels"], (*where, "levels"))
            if isinstance(fields["levels"], list) and len(raw_levels) != MAX_LEVEL + 1:
                ctx.problem(
                    (*where, "levels"),
                    f"describe all {MAX_LEVEL + 1} levels 0..{MAX_LEVEL} (got {len(raw_levels)})",
                )
                ok = False
            for j, text in enumerate(raw_levels):
                checked = _string(ctx, text, (*where, "levels", j))
                ok = ok and checked is not None
                levels.append(checked or "")
        if key is not None:
            seen.add(key)
        if key is not None and name is not None and ok:
            out.append(BiaCategory(key, name, tuple(levels)))
    return tuple(out)


def _read_horizons(ctx: Context, value: object, path: PathParts) -> tuple[float, ...] | None:
    if not isinstance(value, list) or not value:
        if isinstance(value, list):
            ctx.problem(path, "must list at least one horizon")
        else:
            _expected(ctx, path, "a list of durations", value)
        return None
    hours: list[float] = []
    for index, raw in enumerate(value):
        try:
            h = parse_duration(raw)
        except DurationError as exc:
            ctx.problem((*path, index), str(exc))
            return None
        if h <= 0:
            ctx.problem((*path, index), "a horizon must be longer than 0")
            return None
        if hours and h <= hours[-1]:
            ctx.problem(
                (*path, index),
                f"horizons must be in ascending order: {format_duration(h)} "
                f"is not after {format_duration(hours[-1])}",
            )
            return None
        hours.append(h)
    return tuple(hours)


@register_section("bia")
def _read_bia(value: object, ctx: Context, path: PathParts) -> BiaSettings | None:
    if value is None:
        value = {}
    fields = _fields(ctx, value, path, (), ("categories", "horizons", "intolerable", "currency"))
    if fields is None:
        ctx.shared[_SHARED_KEY] = None
        return None
    before = len(ctx.problems)
    settings = DEFAULT_BIA
    if "categories" in fields:
        categories = _read_categories(ctx, fields["categories"], (*path, "categories"))
        settings = BiaSettings(categories, settings.horizons)
    if "horizons" in fields:
        horizons = _read_horizons(ctx, fields["horizons"], (*path, "horizons"))
        if horizons is not None:
            settings = BiaSettings(settings.categories, horizons)
    intolerable = fields.get("intolerable", DEFAULT_INTOLERABLE)
    if isinstance(intolerable, bool) or not isinstance(intolerable, int):
        _expected(ctx, (*path, "intolerable"), "an integer level", intolerable)
        intolerable = DEFAULT_INTOLERABLE
    elif not 1 <= intolerable <= MAX_LEVEL:
        ctx.problem((*path, "intolerable"), f"must be between 1 and {MAX_LEVEL}, got {intolerable}")
    currency = fields.get("currency", DEFAULT_CURRENCY)
    if not isinstance(currency, str) or _CURRENCY.fullmatch(currency) is None:
        shown = repr(currency) if isinstance(currency, str) else _describe(currency)
        ctx.problem((*path, "currency"), f"expected an ISO 4217 code such as GBP, got {shown}")
        currency = DEFAULT_CURRENCY
    if len(ctx.problems) > before:
        ctx.shared[_SHARED_KEY] = None  # node checks against a broken scale would only add noise
        return None
    settings = BiaSettings(settings.categories, settings.horizons, intolerable, currency)
    ctx.shared[_SHARED_KEY] = settings
    return settings


# -- reading the node fields ------------------------------------------------------------------


def _read_impact(ctx: Context, value: object, path: PathParts) -> dict[str, tuple[int, ...]] | None:
    if not isinstance(value, dict):
        _expected(ctx, path, "a mapping of category to a list of levels", value)
        return None
    out: dict[str, tuple[int, ...]] = {}
    ok = True
    for category, levels in value.items():
        where = (*path, str(category))
        if not isinstance(levels, list):
            _expected(ctx, where, "a list of levels (one per horizon)", levels)
            ok = False
            continue
        row: list[int] = []
        for j, level in enumerate(levels):
            if isinstance(level, bool) or not isinstance(level, int):
                _expected(ctx, (*where, j), f"a level (an integer 0 to {MAX_LEVEL})", level)
                ok = False
            elif not 0 <= level <= MAX_LEVEL:
                ctx.problem((*where, j), f"level {level} is not between 0 and {MAX_LEVEL}")
                ok = False
            else:
                row.append(level)
        out[str(category)] = tuple(row)
    return out if ok else None


def _read_loss(ctx: Context, value: object, path: PathParts) -> tuple[float | None, ...] | None:
    if not isinstance(value, list):
        _expected(ctx, path, "a list of amounts (one per horizon)", value)
        return None
    out: list[float | None] = []
    ok = True
    for j, amount in enumerate(value):
        if amount is None:
            out.append(None)
        elif not _is_number(amount):
            _expected(ctx, (*path, j), "an amount of money (a number) or null", amount)
            ok = False
        elif amount < 0:
            ctx.problem((*path, j), f"a loss cannot be negative, got {amount}")
            ok = False
        else:
            out.append(amount)
    return tuple(out) if ok else None


def _read_reasons(ctx: Context, value: object, path: PathParts) -> BiaReasons | None:
    fields = _fields(ctx, value, path, (), _REASON_KEYS)
    if fields is None:
        return None
    texts = {key: _optional_string(ctx, fields, key, path) for key in _REASON_KEYS}
    return BiaReasons(**texts) if any(texts.values()) else None


def _check_against_scale(ctx: Context, node: NodeBia, path: PathParts) -> None:
    """The checks that need the scale; run after every section is read."""
    settings = ctx.shared.get(_SHARED_KEY, DEFAULT_BIA)
    if not isinstance(settings, BiaSettings):
        return  # the bia section itself is broken and already reported
    width = len(settings.horizons)
    spelled = ", ".join(str(format_duration(h)) for h in settings.horizons)
    known = [c.id for c in settings.categories]
    table_ok = True
    for category, levels in node.impact.items():
        where = (*path, "impact", category)
        if category not in known:
            ctx.problem(
                where, f"unknown impact category {category!r} (expected {', '.join(known)})"
            )
            table_ok = False
        elif len(levels) != width:
            ctx.problem(
                where, f"has {len(levels)} levels, expected {width} (one per horizon: {spelled})"
            )
            table_ok = False
    if node.loss and len(node.loss) != width:
        ctx.problem(
            (*path, "loss"),
            f"has {len(node.loss)} amounts, expected {width} (one per horizon: {spelled})",
        )
    if not table_ok or node.rto is None or node.rto_override is not None:
        return
    limit = mtpd(node.impact, settings.scale())
    if limit is not None and node.rto > limit:
        ctx.problem(
            (*path, "rto"),
            f"RTO {format_hours(node.rto)} is longer than the MTPD {format_hours(limit)} "
            "(the first horizon with an intolerable impact); shorten it or give the reason "
            "in rto_override",
        )


@register_node_fields("bia", kinds=("process", "service"), keys=BIA_NODE_KEYS)
def _read_node_bia(
    item: Mapping[str, Any], ctx: Context, path: PathParts, node_id: str | None
) -> NodeBia | None:
    if not any(item.get(key) is not None for key in BIA_NODE_KEYS):
        return None
    before = len(ctx.problems)
    impact = (
        _read_impact(ctx, item["impact"], (*path, "impact"))
        if item.get("impact") is not None
        else None
    )
    loss = _read_loss(ctx, item["loss"], (*path, "loss")) if item.get("loss") is not None else None
    mbco = item.get("mbco")
    if mbco is not None and not _is_number(mbco):
        _expected(ctx, (*path, "mbco"), "a percentage (a number 0 to 100)", mbco)
        mbco = None
    elif mbco is not None and not 0 <= mbco <= 100:
        ctx.problem((*path, "mbco"), f"must be a percentage between 0 and 100, got {mbco}")
        mbco = None
    reasons = (
        _read_reasons(ctx, item["reasons"], (*path, "reasons"))
        if item.get("reasons") is not None
        else None
    )
    node = NodeBia(
        rto=_duration(ctx, item, "rto", path),
        rpo=_duration(ctx, item, "rpo", path),
        wrt=_duration(ctx, item, "wrt", path),
        mbco=mbco,
        rto_override=_optional_string(ctx, item, "rto_override", path),
        reasons=reasons,
        impact=impact or {},
        loss=loss or (),
    )
    if len(ctx.problems) == before:
        ctx.defer(lambda: _check_against_scale(ctx, node, path))
    return node if node != NodeBia() else None


# -- reading a validated model ----------------------------------------------------------------


def bia_settings(model: Model) -> BiaSettings:
    """The model's ``bia`` section, or the defaults when it has none.

    >>> bia_settings(Model()).currency
    'GBP'
    """
    value = model.extensions.get("bia")
    return value if isinstance(value, BiaSettings) else DEFAULT_BIA


def node_bia(node: Process | Service) -> NodeBia | None:
    """The BIA fields of a process or service (None when it has none).

    >>> node_bia(Process("pay", "Pay staff")) is None
    True
    """
    value = node.extensions.get("bia")
    return value if isinstance(value, NodeBia) else None


def node_mtpd(node: Process | Service, settings: BiaSettings = DEFAULT_BIA) -> float | None:
    """MTPD in hours of a process or service from its impact table (None without one).

    >>> pay = Process("pay", "Pay staff", extensions={
    ...     "bia": NodeBia(impact={"financial": (0, 1, 3, 4, 5, 5, 5)})})
    >>> node_mtpd(pay)
    72.0
    """
    bia = node_bia(node)
    return None if bia is None else mtpd(bia.impact, settings.scale())


def model_objectives(model: Model) -> dict[str, tuple[float | None, float | None]]:
    """Stated ``(rto, rpo)`` of every process and service that states either.

    The input of :func:`standby.analysis.bia.required_objectives`.

    >>> pay = Process("pay", "Pay staff", extensions={"bia": NodeBia(rto=4.0)})
    >>> model_objectives(Model(processes=(pay, Process("x", "X"))))
    {'pay': (4.0, None)}
    """
    out: dict[str, tuple[float | None, float | None]] = {}
    nodes: list[Process | Service] = [*model.processes, *model.services]
    for node in nodes:
        bia = node_bia(node)
        if bia is not None and (bia.rto is not None or bia.rpo is not None):
            out[node.id] = (bia.rto, bia.rpo)
    return out
