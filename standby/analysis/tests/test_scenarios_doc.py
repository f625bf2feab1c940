"""The worked example of docs/concepts/strategy.md, read from the page itself."""

import re
from pathlib import Path

import pytest
import yaml

from standby.analysis.bia import required_objectives
from standby.analysis.gaps import ContractTerm, Objectives, contract_gaps, gap_analysis
from standby.analysis.graph import compile_graph
from standby.analysis.recovery import recovery_times
from standby.analysis.schedule import inherited_priority, schedule_recovery
from standby.modelfile.bia import model_objectives
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.schema import validate
from standby.modelfile.strategy import model_backups, model_capacity, model_team_of

DOC = Path(__file__).resolve().parents[3] / "docs" / "concepts" / "strategy.md"


def _block(name):
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- strategy-example: {name} -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"no {name} block in {DOC}"
    return yaml.safe_load(match.group(1))


@pytest.fixture(scope="module")
def raw():
    return _block("model")


@pytest.fixture(scope="module")
def model(raw):
    return validate(raw)


@pytest.fixture(scope="module")
def graph(raw):
    return compile_graph(model_to_nodes(raw))


@pytest.fixture(scope="module")
def expected():
    return _block("expected")


def test_doc_rta_k_of_n(graph, expected):
    case = expected["rta_k_of_n"]
    assert recovery_times(graph, case["failed"]) == {k: float(v) for k, v in case["back"].items()}


@pytest.mark.parametrize("staff", ["one_person", "two_people", "unlimited"])
def test_doc_schedule(graph, model, expected, staff):
    case = expected["schedule"]
    capacity = model_capacity(model)
    if staff == "two_people":
        capacity = {"ops": 2}
    elif staff == "unlimited":
        capacity = {}
    s = schedule_recovery(
        graph,
        case["failed"],
        team_of=model_team_of(model),
        capacity=capacity,
        priority=inherited_priority(graph, case["rank"]),
    )
    want = case[staff]
    if "tasks" in want:
        got = sorted([t.node, t.start, t.finish] for t in s.tasks)
        assert got == sorted([n, float(a), float(b)] for n, a, b in want["tasks"])
    for node, t in want["rta"].items():
        assert s.rta[node] == float(t)
    if staff == "unlimited":
        assert s.rta == recovery_times(graph, case["failed"])


def test_doc_rpa(graph, model, expected):
    objectives = {
        node: Objectives(rto=rto, rpo=rpo) for node, (rto, rpo) in model_objectives(model).items()
    }
    gaps = {g.node: g for g in gap_analysis(graph, objectives, [], backups=model_backups(model))}
    for node, want in expected["rpa"].items():
        assert (gaps[node].rpa, gaps[node].rpa_source, gaps[node].verdict) == (
            want["rpa"],
            want["source"],
            want["verdict"],
        )


def test_doc_contract_gaps(graph, model, expected):
    required = required_objectives(graph, model_objectives(model))
    terms = [
        ContractTerm(c.id, s.id, c.recovery_time) for s in model.suppliers for c in s.contracts
    ]
    got = contract_gaps(terms, {node: rto for node, (rto, _) in required.items()})
    assert [
        {
            "contract": g.contract,
            "node": g.node,
            "guaranteed": g.guaranteed,
            "required_rto": g.required_rto,
            "shortfall": g.shortfall,
        }
        for g in got
    ] == expected["contract_gaps"]
