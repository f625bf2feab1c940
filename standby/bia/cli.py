"""``standby analyze bia`` and ``standby analyze objectives``: on a model file or the database.

Plain JSON-ready dicts; hours, ``null`` where unknown. The model file's BIA fields are read by
:mod:`standby.modelfile.bia`; the database's through :mod:`standby.bia.selectors`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from standby.analysis import bia as core
from standby.analysis.graph import compile_graph
from standby.bia import selectors
from standby.inventory.selectors import analysis_nodes
from standby.modelfile.bia import bia_settings, model_objectives, node_bia
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import Model, Process, Service, validate


def _model(path: Path) -> tuple[Model, Any]:
    data = load_bytes(path.read_bytes(), filename=path.name)
    return validate(data), data


def bia(model_file: Path | None) -> dict[str, dict[str, Any]]:
    """``{id: {mtpd, rto, rpo, rto_within_mtpd, priority}}`` of every process/service with a BIA."""
    out: dict[str, dict[str, Any]] = {}
    if model_file is None:
        for row in selectors.ranked():
            out[row.node.key] = {
                "mtpd": row.derived.mtpd,
                "rto": row.record.rto,
                "rpo": row.record.rpo,
                "rto_within_mtpd": row.derived.rto_within_mtpd,
                "priority": row.rank,
            }
        return dict(sorted(out.items()))
    model, _ = _model(model_file)
    scale = bia_settings(model).scale()
    found = {}
    nodes: list[Process | Service] = [*model.processes, *model.services]
    for node in nodes:
        answers = node_bia(node)
        if answers is not None:
            found[node.id] = (node, answers)
    ranked = core.priority(
        [core.BiaRecord(key, n.name, dict(a.impact)) for key, (n, a) in found.items()], scale
    )
    for item in ranked:
        answers = found[item.id][1]
        out[item.id] = {
            "mtpd": item.mtpd,
            "rto": answers.rto,
            "rpo": answers.rpo,
            "rto_within_mtpd": core.rto_within_mtpd(answers.rto, item.mtpd),
            "priority": item.rank,
        }
    return dict(sorted(out.items()))


def objectives(model_file: Path | None) -> dict[str, dict[str, Any]]:
    """``{id: {required_rto, required_rpo}}`` of every node of the graph."""
    if model_file is None:
        graph = compile_graph(analysis_nodes())
        stated = selectors.stated_objectives()
    else:
        model, data = _model(model_file)
        graph = compile_graph(model_to_nodes(data))
        stated = model_objectives(model)
    required = core.required_objectives(graph, stated)
    return {
        key: {"required_rto": required[key][0], "required_rpo": required[key][1]}
        for key in sorted(required)
    }


def table(analysis: str, result: dict[str, dict[str, Any]]) -> list[str]:
    """Lines of a plain-text table of a result."""
    width = max((len(k) for k in result), default=10)

    def h(value: float | None) -> str:
        return "—" if value is None else core.format_hours(value)

    if analysis == "bia":
        lines = [
            f"{'#':>4}  {'process / service'.ljust(width)}  MTPD      RTO       RPO       RTO≤MTPD"
        ]
        rows = sorted(result.items(), key=lambda kv: kv[1]["priority"])
        for key, r in rows:
            check = {True: "yes", False: "NO", None: "—"}[r["rto_within_mtpd"]]
            lines.append(
                f"{r['priority']:>4}  {key.ljust(width)}  {h(r['mtpd']):<8}  {h(r['rto']):<8}  "
                f"{h(r['rpo']):<8}  {check}"
            )
        return lines
    lines = [f"{'node'.ljust(width)}  required RTO  required RPO"]
    rows = sorted(
        result.items(),
        key=lambda kv: (
            math.inf if kv[1]["required_rto"] is None else kv[1]["required_rto"],
            kv[0],
        ),
    )
    for key, r in rows:
        lines.append(f"{key.ljust(width)}  {h(r['required_rto']):<12}  {h(r['required_rpo'])}")
    return lines
