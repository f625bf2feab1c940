"""The worked example of docs/concepts/analysis.md, read from the page itself."""

import re
from pathlib import Path

import pytest
import yaml

from standby.analysis.cuts import failing_pairs, single_points_of_failure
from standby.analysis.graph import compile_graph
from standby.analysis.impact import impact
from standby.analysis.recovery import recovery_times
from standby.modelfile.graph import model_to_nodes

DOC = Path(__file__).resolve().parents[3] / "docs" / "concepts" / "analysis.md"


def _block(name):
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- analysis-example: {name} -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"no {name} block in {DOC}"
    return yaml.safe_load(match.group(1))


@pytest.fixture(scope="module")
def graph():
    return compile_graph(model_to_nodes(_block("model")))


@pytest.fixture(scope="module")
def expected():
    return _block("expected")


def test_doc_impact(graph, expected):
    for case in expected["impact"]:
        assert impact(graph, case["failed"]) == case["down"], case


def test_doc_single_points_of_failure(graph, expected):
    spofs = expected["single_points_of_failure"]
    assert single_points_of_failure(graph, list(spofs)) == spofs
    assert single_points_of_failure(graph) == spofs


def test_doc_failing_pairs(graph, expected):
    for target, pairs in expected["failing_pairs"].items():
        assert failing_pairs(graph, target) == [tuple(p) for p in pairs]


def test_doc_rta(graph, expected):
    for case in expected["rta"]:
        want = {k: (None if v is None else float(v)) for k, v in case["back"].items()}
        assert recovery_times(graph, case["failed"]) == want, case
