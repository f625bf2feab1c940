"""The worked example of docs/concepts/bia.md, read from the page itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from standby.analysis.bia import (
    BiaRecord,
    inversions,
    mtpd,
    priority,
    required_objectives,
    suggested_rto,
)
from standby.analysis.graph import compile_graph
from standby.modelfile.bia import bia_settings, model_objectives, node_bia
from standby.modelfile.dump import dump
from standby.modelfile.durations import parse_duration
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.schema import validate

DOC = Path(__file__).resolve().parents[3] / "docs" / "concepts" / "bia.md"


def _text(name):
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- bia-example: {name} -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"no {name} block in {DOC}"
    return match.group(1)


def _hours(value):
    return None if value is None else parse_duration(value)


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(_text("model"))


@pytest.fixture(scope="module")
def model(data):
    return validate(data)


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load(_text("expected"))


def test_doc_model_is_exactly_what_dump_writes(model):
    assert dump(model) == _text("model")


def test_doc_mtpd_and_suggested_rto(model, expected):
    scale = bia_settings(model).scale()
    for process in model.processes:
        bia = node_bia(process)
        value = mtpd(bia.impact, scale)
        assert value == _hours(expected["mtpd"][process.id])
        assert suggested_rto(value, bia.wrt) == _hours(expected["suggested_rto"][process.id])


def test_doc_priority(model, expected):
    records = [BiaRecord(p.id, p.name, node_bia(p).impact) for p in model.processes]
    ranked = priority(records, bia_settings(model).scale())
    assert [{"rank": r.rank, "id": r.id, "reason": r.reason} for r in ranked] == (
        expected["priority"]
    )


def test_doc_required_objectives(data, model, expected):
    graph = compile_graph(model_to_nodes(data))
    required = required_objectives(graph, model_objectives(model))
    for node, want in expected["required"].items():
        assert required[node] == (_hours(want["rto"]), _hours(want["rpo"])), node
        assert required.bound_by(node, "rto") == want["rto_bound_by"], node
        assert required.bound_by(node, "rpo") == want["rpo_bound_by"], node


def test_doc_inversion(data, model, expected):
    graph = compile_graph(model_to_nodes(data))
    check = expected["inversion_check"]
    stated = dict(model_objectives(model))
    for node, objectives in check["stated"].items():
        stated[node] = (_hours(objectives.get("rto")), _hours(objectives.get("rpo")))
    found = inversions(stated, required_objectives(graph, stated))
    assert [
        {
            "node": i.node,
            "objective": i.objective,
            "stated": i.stated,
            "required": i.required,
            "bound_by": i.bound_by,
            "via": i.via,
        }
        for i in found
    ] == [
        {**want, "stated": _hours(want["stated"]), "required": _hours(want["required"])}
        for want in check["found"]
    ]
