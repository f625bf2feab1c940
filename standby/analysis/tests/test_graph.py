import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from standby.analysis.errors import (
    CycleError,
    DuplicateNodeError,
    RequirementError,
    UnknownNodeError,
)
from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.tests.naive import models

A, S = NodeKind.ASSET, NodeKind.SERVICE


def test_cycle_error_names_the_nodes_in_order():
    specs = [
        NodeSpec("web", S, (Requirement.single("a"),)),
        NodeSpec("a", A, (Requirement.single("b"),)),
        NodeSpec("b", A, (Requirement(1, ("x", "c")),)),
        NodeSpec("c", A, (Requirement.single("a"),)),
        NodeSpec("x", A),
    ]
    with pytest.raises(CycleError) as err:
        compile_graph(specs)
    cycle = err.value.cycle
    assert cycle[0] == cycle[-1]
    assert sorted(cycle[:-1]) == ["a", "b", "c"]
    # Each node on the cycle requires the next one.
    requires = {s.id: {m for r in s.requires for m in r.of} for s in specs}
    assert all(nxt in requires[cur] for cur, nxt in itertools.pairwise(cycle))
    assert str(err.value) == "dependency cycle: " + " → ".join(cycle)


def test_self_requirement_is_a_cycle():
    with pytest.raises(CycleError, match="dependency cycle: a → a"):
        compile_graph([NodeSpec("a", A, (Requirement.single("a"),))])


def test_unknown_requirement_names_owner_and_missing_id():
    with pytest.raises(UnknownNodeError, match="'web' requires unknown node 'lan'") as err:
        compile_graph([NodeSpec("web", S, (Requirement(1, ("srv", "lan")),)), NodeSpec("srv", A)])
    assert (err.value.owner, err.value.missing) == ("web", "lan")


def test_duplicate_ids_are_refused():
    with pytest.raises(DuplicateNodeError, match="'a'"):
        compile_graph([NodeSpec("a", A), NodeSpec("a", S)])


@pytest.mark.parametrize("k", [0, 3, -1])
def test_k_outside_one_to_n_is_refused(k):
    with pytest.raises(RequirementError, match="k must be between 1 and n"):
        compile_graph(
            [NodeSpec("s", S, (Requirement(k, ("a", "b")),)), NodeSpec("a", A), NodeSpec("b", A)]
        )


def test_repeated_member_in_one_group_is_refused():
    with pytest.raises(RequirementError, match="lists 'a' twice"):
        compile_graph([NodeSpec("s", S, (Requirement(1, ("a", "a")),)), NodeSpec("a", A)])


def test_empty_model_compiles():
    g = compile_graph([])
    assert (g.n_nodes, g.n_groups, g.n_edges, g.n_levels) == (0, 0, 0, 0)


@settings(max_examples=150, deadline=None)
@given(models())
def test_levels_and_csr_layout_match_the_specs(specs):
    g = compile_graph(specs)
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in specs)
    groups = set()
    for s in specs:
        for r in s.requires:
            groups.add((s.id, r.at_least, tuple(sorted(r.of))))
            graph.add_edges_from((s.id, m) for m in r.of)
    # level = longest requirement chain below the node
    for s in specs:
        below = [g.level[g.index[m]] for r in s.requires for m in r.of]
        assert g.level[g.index[s.id]] == (1 + max(below) if below else 0)
    assert sorted(g.level[g.order].tolist()) == g.level[g.order].tolist()
    compiled = set()
    for grp in range(g.n_groups):
        ms = g.group_members[g.group_ptr[grp] : g.group_ptr[grp + 1]]
        owner = g.ids[g.group_owner[grp]]
        compiled.add((owner, int(g.group_k[grp]), tuple(sorted(g.ids[m] for m in ms))))
        # reverse adjacency lists this group under each member
        for m in ms:
            assert grp in g.member_groups[g.member_ptr[m] : g.member_ptr[m + 1]]
    assert compiled == groups
    assert g.n_edges == sum(len(r.of) for s in specs for r in s.requires)
    assert np.all(np.diff(g.level[g.group_owner]) >= 0)
