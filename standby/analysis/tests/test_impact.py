import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis import impact as impact_module
from standby.analysis.errors import NotFailableError, UnknownNodeError
from standby.analysis.graph import compile_graph
from standby.analysis.impact import down_mask, impact
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.tests.naive import failable_ids, models, naive_down


@settings(max_examples=300, deadline=None)
@given(models(), st.data())
def test_impact_equals_naive_fixed_point(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.sets(st.sampled_from(failable_ids(specs)), max_size=4))
    assert impact(g, failed) == sorted(naive_down(specs, failed))


@settings(max_examples=150, deadline=None)
@given(models(), st.data())
def test_level_sweep_equals_frontier(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.sets(st.sampled_from(failable_ids(specs)), min_size=1, max_size=4))
    idx = g.indices(failed)
    assert impact_module._sweep(g, idx).tolist() == down_mask(g, idx).tolist()


@settings(max_examples=200, deadline=None)
@given(models(and_only=True), st.data())
def test_and_only_impact_equals_reverse_reachability(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.sets(st.sampled_from(failable_ids(specs)), min_size=1, max_size=3))
    dependents = nx.DiGraph()
    dependents.add_nodes_from(s.id for s in specs)
    for s in specs:
        dependents.add_edges_from((s.id, m) for r in s.requires for m in r.of)
    expected = set(failed)
    for f in failed:
        expected |= nx.ancestors(dependents, f)
    assert impact(g, failed) == sorted(expected)


def test_failing_a_service_is_refused():
    g = compile_graph(
        [
            NodeSpec("web", NodeKind.SERVICE, (Requirement.single("a"),)),
            NodeSpec("a", NodeKind.ASSET),
        ]
    )
    with pytest.raises(NotFailableError, match="'web' is a service: only assets"):
        impact(g, ["a", "web"])


def test_failing_a_process_is_refused():
    g = compile_graph([NodeSpec("pay", NodeKind.PROCESS)])
    with pytest.raises(NotFailableError, match="'pay' is a process"):
        impact(g, ["pay"])


def test_unknown_failed_id_is_refused():
    g = compile_graph([NodeSpec("a", NodeKind.ASSET)])
    with pytest.raises(UnknownNodeError, match="'b'"):
        impact(g, ["b"])


def test_large_failure_takes_the_sweep_and_agrees_with_frontier(monkeypatch):
    # A chain of any-of pairs: failing both bottom nodes takes the whole ladder down.
    specs = [NodeSpec("b0", NodeKind.ASSET), NodeSpec("c0", NodeKind.ASSET)]
    for i in range(1, 40):
        pair = (Requirement(1, (f"b{i - 1}", f"c{i - 1}")),)
        specs += [NodeSpec(f"b{i}", NodeKind.ASSET, pair), NodeSpec(f"c{i}", NodeKind.ASSET, pair)]
    g = compile_graph(specs)
    failed = g.indices(["b0", "c0"])
    swept = down_mask(g, failed)
    monkeypatch.setattr(impact_module, "_SWEEP_SHARE", 2.0)
    assert down_mask(g, failed).tolist() == swept.tolist()
    assert swept.all()
    assert down_mask(g, g.indices(["b0"])).sum() == 1
    assert np.flatnonzero(swept).size == 80
