"""Deterministic writing of a :class:`~standby.modelfile.schema.Model` as YAML or JSON.

The same model always gives the same text: ``standby`` first, then the sections in registry
order (:data:`~standby.modelfile.schema.SECTIONS`), items sorted by id, keys in field order,
optional fields left out while empty, durations spelled by
:func:`~standby.modelfile.durations.format_duration`. So for every valid file ``text``::

    dump(validate(load_bytes(dump(m)))) == dump(m)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Final, Literal

import yaml

from standby.modelfile.durations import format_duration
from standby.modelfile.schema import SECTIONS, Model, Requirement

__all__ = ["dump", "to_data"]

_BaseDumper: type[yaml.SafeDumper] | type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_YAML_WIDTH: Final = 1_000_000  # never fold long lines: diffs stay one line per value


class _Flow(dict[str, Any]):
    """A mapping written in flow style: ``{any_of: [isp-a, isp-b]}``."""


class _FlowList(list[Any]):
    """A list written in flow style: ``[0, 1, 3, 5]`` (fields marked ``flow``)."""


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """Safe dumper that never writes anchors or aliases and writes :class:`_Flow` inline."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)

# Per dataclass: (name, has a default?, the default, metadata) for each field. Metadata keys:
# ``duration`` (hours, or a tuple of hours, spelled by format_duration), ``flatten`` (a mapping
# of extension values whose fields are written into the parent), ``flow`` (lists inside are
# written inline), ``keep_order`` (a tuple of items with ids is not sorted).
_FieldPlan = tuple[tuple[str, bool, object, Mapping[str, object]], ...]
_plans: dict[type, _FieldPlan] = {}


def _plan(cls: type) -> _FieldPlan:
    plan = _plans.get(cls)
    if plan is None:
        rows = []
        for f in dataclasses.fields(cls):
            default: object = f.default
            if f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            has_default = default is not dataclasses.MISSING
            rows.append((f.name, has_default, default, f.metadata))
        plan = _plans[cls] = tuple(rows)
    return plan


def _flow(value: object) -> object:
    if isinstance(value, list):
        return _FlowList(_flow(v) for v in value)
    if isinstance(value, dict) and not isinstance(value, _Flow):
        return {k: _flow(v) for k, v in value.items()}
    return value


def _requirement(req: Requirement) -> object:
    if req.form == "id" and req.at_least == 1 and len(req.of) == 1:
        return req.of[0]
    if req.form == "at_least" or req.at_least != 1:
        return _Flow(at_least=req.at_least, of=list(req.of))
    return _Flow(any_of=list(req.of))


def _plain(value: object) -> object:
    """Turn normalised model values back into plain data (dicts keep field order)."""
    if isinstance(value, Requirement):
        return _requirement(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, object] = {}
        for name, has_default, default, meta in _plan(type(value)):
            item = getattr(value, name)
            if has_default and item == default:
                continue
            if meta.get("flatten"):
                for extension in item.values():
                    flat = _plain(extension)
                    if isinstance(flat, dict):
                        out.update(flat)
                continue
            if meta.get("duration") and isinstance(item, tuple):
                plain: object = [format_duration(hours) for hours in item]
            elif meta.get("duration") and item is not None:
                plain = format_duration(item)
            elif meta.get("keep_order") and isinstance(item, tuple):
                plain = [_plain(entry) for entry in item]
            else:
                plain = _plain(item)
            out[name] = _flow(plain) if meta.get("flow") else plain
        return out
    if isinstance(value, tuple | list):
        items = list(value)
        if items and all(hasattr(item, "id") for item in items):
            items.sort(key=lambda item: item.id)
        return [_plain(item) for item in items]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_data(model: Model) -> dict[str, object]:
    """The plain data a file written from ``model`` holds (dates stay ``datetime.date``).

    Examples
    --------
    >>> from standby.modelfile.schema import Location
    >>> to_data(Model(locations=(Location("hq", "Main campus", recovery_time=48.0),)))
    {'standby': 1, 'locations': [{'id': 'hq', 'name': 'Main campus', 'recovery_time': '2d'}]}
    """
    out: dict[str, object] = {"standby": model.version}
    for name in SECTIONS:
        extension = name in model.extensions
        value = model.extensions[name] if extension else getattr(model, name, None)
        if value is None or value == () or value == []:
            continue
        out[name] = _plain(value)
    return out


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a model file")


def _space_sections(text: str) -> str:
    """Put a blank line before each top-level key after the first (nested lines are indented)."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if out and line and line[0] not in " -#":
            out.append("")
        out.append(line)
    return "\n".join(out)


# -- a small YAML emitter ---------------------------------------------------------------------
#
# PyYAML's representer runs in Python per node and takes minutes on a 100,000-node model, so
# the YAML is written here directly. It only ever has to write what ``to_data`` produces (dicts,
# lists, strings, numbers, booleans, None and dates), in one fixed layout. Strings are written
# plain only when they are obviously safe and the loader's resolver reads them back as strings;
# anything else goes through PyYAML's own double-quoted style, on a single line.

_PLAIN_BLOCK: Final = re.compile(
    r"[A-Za-z0-9_+\u00c0-\u024f][A-Za-z0-9 _.,()'/@+&!?%=~\u00c0-\u024f-]*"
)
_PLAIN_FLOW: Final = re.compile(
    r"[A-Za-z0-9_+\u00c0-\u024f][A-Za-z0-9 _.()'/@+&!?%=~\u00c0-\u024f-]*"
)
_STR_TAG: Final = "tag:yaml.org,2002:str"


class _Emitter:
    """Writes plain data as block-style YAML; dicts marked :class:`_Flow` and lists marked
    :class:`_FlowList` (and anything inside them) inline."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._strings: dict[tuple[str, bool], str] = {}
        self._resolver = yaml.resolver.Resolver()

    def string(self, text: str, flow: bool) -> str:
        cached = self._strings.get((text, flow))
        if cached is not None:
            return cached
        pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
        if (
            pattern.fullmatch(text)
            and text[-1] != " "
            and self._resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            == _STR_TAG
        ):
            out = text
        else:
            out = yaml.dump(
                text,
                Dumper=_Dumper,
                default_style='"',
                allow_unicode=True,
                width=_YAML_WIDTH,
            ).rstrip("\n")
        self._strings[(text, flow)] = out
        return out

    def inline(self, value: object, flow: bool) -> str:
        if isinstance(value, str):
            return self.string(value, flow)
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if value != value:  # NaN
                return ".nan"
            if value in (float("inf"), float("-inf")):
                return ".inf" if value > 0 else "-.inf"
            text = repr(value).lower()
            return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
        if isinstance(value, dt.datetime):
            return self.string(value.isoformat(sep=" "), flow)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            pairs = (
                f"{self.string(str(k), True)}: {self.inline(v, True)}" for k, v in value.items()
            )
            return "{" + ", ".join(pairs) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.inline(v, True) for v in value) + "]"
        raise TypeError(f"cannot write {type(value).__name__} to a model file")

    @staticmethod
    def _is_block(value: object) -> bool:
        if isinstance(value, _Flow | _FlowList):
            return False
        return isinstance(value, dict | list) and len(value) > 0

    def mapping(self, value: Mapping[str, object], indent: int, first: str) -> None:
        """Write ``value``'s entries at ``indent``; the first line starts with ``first``."""
        pad = " " * indent
        prefix = first
        for key, item in value.items():
            head = f"{prefix}{self.string(str(key), False)}:"
            prefix = pad
            if not self._is_block(item):
                self.lines.append(f"{head} {self.inline(item, False)}")
            elif isinstance(item, dict):
                self.lines.append(head)
                self.mapping(item, indent + 2, " " * (indent + 2))
            else:
                self.lines.append(head)
                self.sequence(item, indent)  # type: ignore[arg-type]

    def sequence(self, value: list[object], indent: int) -> None:
        pad = " " * indent
        for item in value:
            if isinstance(item, dict) and self._is_block(item):
                self.mapping(item, indent + 2, pad + "- ")
            else:
                self.lines.append(f"{pad}- {self.inline(item, False)}")


def _emit_yaml(data: Mapping[str, object]) -> str:
    emitter = _Emitter()
    emitter.mapping(data, 0, "")
    return "\n".join(emitter.lines) + "\n"


def dump(model: Model, *, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Write ``model`` as text, deterministically.

    Parameters
    ----------
    model
        A validated model.
    fmt
        ``"yaml"`` (block style, requirement groups inline) or ``"json"`` (indented by 2).

    Returns
    -------
    str
        The file's text, ending with a newline.

    Examples
    --------
    >>> from standby.modelfile.schema import Asset, Requirement, Service
    >>> model = Model(
    ...     assets=(Asset("isp-b", "ISP B", "network"), Asset("isp-a", "ISP A", "network")),
    ...     services=(Service("web", "Web", requires=(
    ...         Requirement(1, ("isp-a", "isp-b"), "any_of"),)),),
    ... )
    >>> print(dump(model), end="")
    standby: 1
    <BLANKLINE>
    services:
    - id: web
      name: Web
      requires:
      - {any_of: [isp-a, isp-b]}
    <BLANKLINE>
    assets:
    - id: isp-a
      name: ISP A
      type: network
    - id: isp-b
      name: ISP B
      type: network
    """
    data = to_data(model)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}: use 'yaml' or 'json'")
    return _space_sections(_emit_yaml(data))
