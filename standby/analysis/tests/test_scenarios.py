"""Scenarios evaluated side by side equal the single-scenario engine."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis.errors import NotFailableError
from standby.analysis.graph import compile_graph
from standby.analysis.impact import down_mask, failed_indices
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.recovery import return_times
from standby.analysis.scenarios import (
    Scenario,
    evaluate_scenarios,
    generated_scenarios,
    own_recovery_times,
)
from standby.analysis.tests.naive import failable_ids, models


@settings(max_examples=30, deadline=None)
@given(models(), st.data())
def test_batch_equals_engine(specs, data):
    g = compile_graph(specs)
    pool = failable_ids(specs)
    scenarios = [
        Scenario(
            f"s{i}", f"S{i}", "user", tuple(data.draw(st.lists(st.sampled_from(pool), unique=True)))
        )
        for i in range(data.draw(st.integers(1, 5)))
    ]
    r = evaluate_scenarios(
        g, scenarios, block=2, sparse_limit=data.draw(st.sampled_from([0, 3, 2000]))
    )
    for s, sc in enumerate(scenarios):
        idx = failed_indices(g, sc.failed)
        assert r.down[s].tolist() == down_mask(g, idx).tolist()
        assert r.back[s].tolist() == return_times(g, idx.tolist()).tolist()


def test_generated_and_overrides():
    g = compile_graph(
        [
            NodeSpec("web", NodeKind.SERVICE, (Requirement.single("srv"),)),
            NodeSpec(
                "srv", NodeKind.ASSET, (Requirement.single("dc"), Requirement.single("acme")), 4.0
            ),
            NodeSpec("dc", NodeKind.LOCATION, (), 24.0),
            NodeSpec("acme", NodeKind.SUPPLIER, (), 8.0),
        ]
    )
    sc = generated_scenarios(g, ["srv", "srv", "dc"])
    assert [s.id for s in sc] == ["site:dc", "supplier:acme", "asset:srv"]
    r = evaluate_scenarios(g, sc, columns=["web"])
    assert r.back[:, 0].tolist() == [24.0, 8.0, 4.0]
    faster = own_recovery_times(g, {"srv": 1.0})
    r = evaluate_scenarios(g, sc, columns=["web"], recovery_time=faster)
    assert r.back[:, 0].tolist() == [24.0, 8.0, 1.0]
    assert r.rta(0, 0) == 24.0
    with pytest.raises(NotFailableError):
        evaluate_scenarios(g, [Scenario("x", "X", "user", ("web",))])


def test_empty_scenario_list():
    g = compile_graph([NodeSpec("a", NodeKind.ASSET)])
    r = evaluate_scenarios(g, [])
    assert r.back.shape == (0, 1)
    assert not np.any(r.down)
