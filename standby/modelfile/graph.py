"""Turn a model-file dictionary into the analysis core's input, a list of ``NodeSpec``.

The dictionary is expected to be validated already (ids unique and known); this module only
translates. Requirement items read as follows:

* ``"lan"`` (an id) — a single requirement;
* ``{"any_of": [ids]}`` — at least 1 of them;
* ``{"at_least": k, "of": [ids]}`` — at least ``k`` of them.

An asset's ``location`` and ``supplier`` become single requirements (it fails with its site or
its supplier); ``recovery_time`` is parsed with :func:`~standby.modelfile.durations.parse_duration`.
People and teams are not nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.modelfile.durations import parse_duration

_SECTIONS: tuple[tuple[str, NodeKind], ...] = (
    ("processes", NodeKind.PROCESS),
    ("services", NodeKind.SERVICE),
    ("assets", NodeKind.ASSET),
    ("locations", NodeKind.LOCATION),
    ("suppliers", NodeKind.SUPPLIER),
)


def requirement_from_item(item: object) -> Requirement:
    """Read one ``requires`` item.

    >>> requirement_from_item("lan")
    Requirement(at_least=1, of=('lan',))
    >>> requirement_from_item({"any_of": ["a", "b"]})
    Requirement(at_least=1, of=('a', 'b'))
    >>> requirement_from_item({"at_least": 2, "of": ["a", "b", "c"]})
    Requirement(at_least=2, of=('a', 'b', 'c'))
    """
    if isinstance(item, str):
        return Requirement.single(item)
    if isinstance(item, Mapping):
        if "any_of" in item:
            return Requirement(1, tuple(str(m) for m in item["any_of"]))
        if "at_least" in item and "of" in item:
            return Requirement(int(item["at_least"]), tuple(str(m) for m in item["of"]))
    raise ValueError(f"not a requirement: {item!r}")


def model_to_nodes(model: Mapping[str, Any]) -> list[NodeSpec]:
    """Nodes of a (validated) model-file dictionary, in section order.

    Parameters
    ----------
    model
        The parsed model file.

    Returns
    -------
    list of NodeSpec
        Processes, services, assets, locations, suppliers.

    Examples
    --------
    >>> nodes = model_to_nodes({
    ...     "standby": 1,
    ...     "locations": [{"id": "dc1", "name": "DC 1", "recovery_time": "1w"}],
    ...     "services": [{"id": "mail", "name": "Mail", "requires": [{"any_of": ["mx1", "mx2"]}]}],
    ...     "assets": [
    ...         {"id": "mx1", "name": "MX 1", "type": "hardware", "location": "dc1",
    ...          "recovery_time": "4h"},
    ...         {"id": "mx2", "name": "MX 2", "type": "hardware", "recovery_time": 2},
    ...     ],
    ... })
    >>> [(n.id, n.kind.value, len(n.requires), n.recovery_time) for n in nodes]
    [('mail', 'service', 1, None), ('mx1', 'asset', 1, 4.0), ('mx2', 'asset', 0, 2.0), \
('dc1', 'location', 0, 168.0)]
    """
    nodes: list[NodeSpec] = []
    for section, kind in _SECTIONS:
        for entry in model.get(section) or ():
            reqs = [requirement_from_item(item) for item in entry.get("requires") or ()]
            if kind is NodeKind.ASSET:
                for key in ("location", "supplier"):
                    if entry.get(key):
                        reqs.append(Requirement.single(str(entry[key])))
            rt = entry.get("recovery_time")
            nodes.append(
                NodeSpec(
                    id=str(entry["id"]),
                    kind=kind,
                    requires=tuple(reqs),
                    recovery_time=None if rt is None else parse_duration(rt),
                )
            )
    return nodes
