"""The optimiser's optimum equals brute force on instances small enough to enumerate."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.optimise import Option, optimise_options
from standby.analysis.recovery import return_times
from standby.analysis.scenarios import Scenario
from standby.analysis.tests.naive import failable_ids, models

TIMES = [0.0, 1.0, 2.0, 4.0, 8.0, 24.0]


@st.composite
def instances(draw):
    specs = draw(models(max_nodes=9))
    g = compile_graph(specs)
    pool = failable_ids(specs)
    with_opts = draw(st.lists(st.sampled_from(pool), unique=True, min_size=1, max_size=4))
    options = {}
    for node in with_opts:
        n = draw(st.integers(1, 3))
        options[node] = [
            Option(
                f"o{j}",
                draw(st.sampled_from(TIMES)),
                float(draw(st.integers(0, 20))),
                expected_loss=float(draw(st.integers(0, 30))),
            )
            for j in range(n)
        ]
    scenarios = [
        Scenario(
            f"s{i}",
            f"S{i}",
            "user",
            tuple(draw(st.lists(st.sampled_from(pool), unique=True, min_size=1))),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    all_ids = [s.id for s in specs]
    targets = draw(st.lists(st.sampled_from(all_ids), unique=True, min_size=1, max_size=3))
    rto = {t: float(draw(st.sampled_from([0.0, 1.0, 3.0, 5.0, 9.0, 30.0]))) for t in targets}
    return g, options, scenarios, rto


def brute_force(g, options, scenarios, rto, *, budget=None, with_loss=False):
    nodes = list(options)
    idx = {t: g.index[t] for t in rto}

    def backs(pick):
        own = g.recovery_time.copy()
        for node, o in zip(nodes, pick, strict=True):
            own[g.index[node]] = o.recovery_time
        g2 = dataclasses.replace(g, recovery_time=own)
        return [return_times(g2, g.indices(s.failed).tolist()) for s in scenarios]

    fastest = [min(options[n], key=lambda o: o.recovery_time) for n in nodes]
    meetable = [t for t in rto if all(b[idx[t]] <= rto[t] + 1e-9 for b in backs(fastest))]
    best = math.inf
    for pick in itertools.product(*(options[n] for n in nodes)):
        cost = sum(o.annual_cost for o in pick)
        if budget is not None and cost > budget + 1e-9:
            continue
        value = cost + (sum(o.expected_loss for o in pick) if with_loss else 0.0)
        if value >= best:
            continue
        if all(b[idx[t]] <= rto[t] + 1e-9 for b in backs(pick) for t in meetable):
            best = value
    return best, set(rto) - set(meetable)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_least_cost_equals_brute_force(inst):
    g, options, scenarios, rto = inst
    want, unmeetable = brute_force(g, options, scenarios, rto)
    got = optimise_options(g, options, rto=rto, scenarios=scenarios)
    assert got.status == "optimal"
    assert {u.target for u in got.unmeetable} == unmeetable
    assert got.annual_cost == pytest.approx(want)
    for t, worst in got.worst_rta.items():
        if t not in unmeetable:
            assert worst is not None
            assert worst <= rto[t] + 1e-9


@settings(max_examples=30, deadline=None)
@given(instances(), st.integers(0, 40))
def test_budget_cost_and_loss_equals_brute_force(inst, budget):
    g, options, scenarios, rto = inst
    want, _ = brute_force(g, options, scenarios, rto, budget=budget, with_loss=True)
    got = optimise_options(
        g, options, rto=rto, scenarios=scenarios, budget=budget, objective="cost_and_loss"
    )
    if math.isinf(want):
        assert got.status == "infeasible"
        assert got.choice == {}
    else:
        assert got.status == "optimal"
        assert got.objective == pytest.approx(want)
        assert got.annual_cost + got.expected_loss == pytest.approx(want)
        assert got.annual_cost <= budget + 1e-9


def _chain_model():
    return compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("app"),)),
            NodeSpec("app", NodeKind.ASSET, (Requirement.single("db"),)),
            NodeSpec("db", NodeKind.ASSET, (Requirement.single("dc"),), 6.0),
            NodeSpec("dc", NodeKind.LOCATION, (), 0.0),
        ]
    )


def test_unmeetable_names_the_bottleneck_chain():
    g = _chain_model()
    fire = Scenario("site:dc", "Fire", "site", ("dc", "app", "db"))
    opts = {"app": [Option("cold", 72.0, 1.0), Option("hot", 1.0, 10.0)]}
    r = optimise_options(g, opts, rto={"pay": 4.0}, scenarios=[fire], current={"app": "cold"})
    (bad,) = r.unmeetable
    assert bad.best_rta == 7.0
    assert bad.chain == (("pay", 7.0), ("app", 7.0), ("db", 6.0))
    assert "even the fastest options give RTA 7 h > RTO 4 h in scenario site:dc" in bad.reason
    assert "pay (7 h) ← app (7 h) ← db (6 h)" in bad.reason
    # The rest is still optimised: nothing else constrains, so the cheapest option is kept.
    assert r.choice == {"app": "cold"}
    assert r.changes == ()


def test_options_are_checked():
    g = _chain_model()
    with pytest.raises(ValueError, match="unknown node"):
        optimise_options(g, {"nope": [Option("a", 1, 1)]})
    with pytest.raises(ValueError, match="empty"):
        optimise_options(g, {"app": []})
    with pytest.raises(ValueError, match="twice"):
        optimise_options(g, {"app": [Option("a", 1, 1), Option("a", 2, 1)]})


def test_k_of_n_needs_only_the_kth_fastest():
    # 2 of 3 replicas: the two cheapest ways to have 2 back within 8 h.
    specs = [NodeSpec("svc", NodeKind.SERVICE, (Requirement(2, ("r1", "r2", "r3")),))]
    specs += [NodeSpec(r, NodeKind.ASSET) for r in ("r1", "r2", "r3")]
    g = compile_graph(specs)
    opts = {
        "r1": [Option("slow", 48, 0), Option("fast", 4, 5)],
        "r2": [Option("slow", 48, 0), Option("fast", 4, 7)],
        "r3": [Option("slow", 48, 0), Option("fast", 4, 6)],
    }
    sc = Scenario("all", "All", "user", ("r1", "r2", "r3"))
    r = optimise_options(g, opts, rto={"svc": 8}, scenarios=[sc])
    assert r.choice == {"r1": "fast", "r2": "slow", "r3": "fast"}
    assert r.annual_cost == 11.0
    assert r.worst_rta == {"svc": 4.0}
    assert np.isfinite(r.solve_seconds)
