import numpy as np
import pytest

from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind
from standby.modelfile.generate import generate_model
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.schema import validate


def _edges(nodes):
    return sum(len(r.of) for n in nodes for r in n.requires)


def test_same_seed_same_model():
    a = generate_model(processes=20, services=100, assets=10_000, seed=3)
    b = generate_model(processes=20, services=100, assets=10_000, seed=3)
    assert a == b


def test_different_seeds_differ():
    a = generate_model(processes=20, services=100, assets=10_000, seed=3)
    b = generate_model(processes=20, services=100, assets=10_000, seed=4)
    assert a != b
    assert a["assets"] != b["assets"]


def test_small_organisation_is_sane_and_valid():
    model = generate_model(processes=20, services=100, assets=10_000, seed=1)
    assert len(model["assets"]) == 10_000
    assert len(model["services"]) == 100
    assert len(model["processes"]) == 20
    validate(model)  # the model-file validator accepts it
    nodes = model_to_nodes(model)
    graph = compile_graph(nodes)  # acyclic, every id known
    assert graph.n_nodes == len(nodes)
    assert 50_000 < _edges(nodes) < 150_000
    owners = {p["id"] for p in model["people"]}
    assert all(s["owner"] in owners for s in model["services"] + model["processes"])
    types = {a["type"] for a in model["assets"]}
    assert {"hardware", "software", "network", "facility", "data", "staff"} <= types
    groups = [r for n in nodes for r in n.requires]
    assert any(r.at_least == 1 and len(r.of) > 1 for r in groups)  # any_of
    assert any(1 < r.at_least < len(r.of) for r in groups)  # at_least k of n
    assert any(n.recovery_time is None for n in nodes if n.kind is NodeKind.ASSET)


def test_large_organisation_has_about_110k_nodes_and_1m_edges():
    model = generate_model(processes=200, services=1000, assets=108_800, seed=7)
    nodes = model_to_nodes(model)
    assert 105_000 <= len(nodes) <= 115_000
    assert 900_000 <= _edges(nodes) <= 1_100_000
    graph = compile_graph(nodes)
    # One core network fabric takes almost everything down.
    from standby.analysis.impact import down_mask

    down = down_mask(graph, np.array([graph.index["net-core"]]))
    assert down.mean() > 0.8


def test_too_small_is_refused():
    with pytest.raises(ValueError, match="at least"):
        generate_model(processes=1, services=2, assets=50, seed=0)
