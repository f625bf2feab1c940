"""The MEF export, and SCRAM's minimal cut sets against our single points of failure and pairs.

The SCRAM tests need Debian's ``scram``; without it they skip with the reason, and under
``CI=true`` they fail instead (``.ci/run`` installs it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings

from standby.analysis.cuts import failing_pairs, single_points_of_failure
from standby.analysis.faulttree import (
    FaultTree,
    ScramError,
    export_fault_tree,
    find_scram,
    read_scram_report,
    scram_cut_sets,
)
from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.tests.naive import models
from standby.common.testing import in_ci

A, S, L = NodeKind.ASSET, NodeKind.SERVICE, NodeKind.LOCATION


@pytest.fixture(scope="module")
def scram() -> str:
    found = find_scram()
    if found is None:
        reason = "scram not installed (Debian: apt-get install scram)"
        if in_ci():
            pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
        pytest.skip(reason)
    return found


def hand_model() -> list[NodeSpec]:
    # web needs 2 of 3 servers and the dns service; s1 sits in dc, dns in dc or on an appliance.
    return [
        NodeSpec("web", S, (Requirement(2, ("s1", "s2", "s3")), Requirement.single("dns"))),
        NodeSpec("dns", S, (Requirement(1, ("dc", "appliance")),)),
        NodeSpec("s1", A, (Requirement.single("dc"),)),
        NodeSpec("s2", A, (Requirement.single("power"),)),
        NodeSpec("s3", A, (Requirement.single("power"),)),
        NodeSpec("appliance", A),
        NodeSpec("dc", L),
        NodeSpec("power", A),
        NodeSpec("elsewhere", A),
        NodeSpec("idle", S),
    ]


def test_export_is_well_formed_mef_of_the_cone_only() -> None:
    g = compile_graph(hand_model())
    tree = export_fault_tree(g, "web", expand_atleast=0)
    root = ET.fromstring(tree.xml)
    assert root.tag == "opsa-mef"
    gates = {d.get("name"): d for d in root.iter("define-gate")}
    basic = {d.get("name") for d in root.iter("define-basic-event")}
    assert basic == set(tree.events)
    assert sorted(tree.events.values()) == ["appliance", "dc", "power", "s1", "s2", "s3"]
    # Every reference is defined, every gate and basic event is defined once.
    assert len(gates) == len(list(root.iter("define-gate")))
    for d in gates.values():
        for ref in d.iter("gate"):
            assert ref.get("name") in gates
        for ref in d.iter("basic-event"):
            assert ref.get("name") in basic
    assert tree.tops == {f"t{g.index['web']}": "web"}
    assert gates[f"t{g.index['web']}"].findtext("label") == "web"
    # 2 of 3 servers -> breaks when 2 are down; dns's "any of" group -> and.
    ops = sorted((d[-1].tag, d[-1].get("min")) for d in gates.values())
    assert ("atleast", "2") in ops
    assert ("and", None) in ops


def test_shared_sub_cones_are_one_gate_referenced_twice() -> None:
    specs = [
        NodeSpec("top", S, (Requirement.single("p1"), Requirement.single("p2"))),
        NodeSpec("p1", NodeKind.PROCESS, (Requirement.single("shared"),)),
        NodeSpec("p2", NodeKind.PROCESS, (Requirement.single("shared"),)),
        NodeSpec("shared", S, (Requirement(1, ("a", "b")),)),
        NodeSpec("a", A),
        NodeSpec("b", A),
    ]
    g = compile_graph(specs)
    root = ET.fromstring(export_fault_tree(g, "top").xml)
    shared = f"n{g.index['shared']}"
    assert [d.get("name") for d in root.iter("define-gate")].count(shared) == 1
    refs = [r.get("name") for r in root.iter("gate")]
    assert refs.count(shared) == 2


def test_a_target_that_cannot_go_down_is_a_false_constant() -> None:
    g = compile_graph([NodeSpec("idle", S), NodeSpec("p", NodeKind.PROCESS, ())])
    root = ET.fromstring(export_fault_tree(g, "idle").xml)
    assert root.find(".//define-gate/constant") is not None


def test_report_reader() -> None:
    report = """<report><results>
      <sum-of-products name="n0" products="2">
        <product order="1"><basic-event name="e4"/></product>
        <product order="2"><basic-event name="e1"/><basic-event name="e2"/></product>
      </sum-of-products>
      <sum-of-products name="n9" products="0"/></results></report>"""
    assert read_scram_report(report) == {
        "n0": [frozenset({"e4"}), frozenset({"e1", "e2"})],
        "n9": [],
    }


def test_hand_case_scram_agrees(scram: str) -> None:
    g = compile_graph(hand_model())
    tree = export_fault_tree(g, ["web", "dns", "idle"])
    singles = scram_cut_sets(tree, 1, scram)
    # dc alone downs s1 only (dns falls back on the appliance); power downs s2 and s3.
    assert singles == {"web": [frozenset({"power"})], "dns": [], "idle": []}
    assert single_points_of_failure(g, ["web"]) == {"web": ["power"]}
    pairs = sorted(tuple(sorted(c)) for c in scram_cut_sets(tree, 2, scram)["web"])
    assert [p for p in pairs if len(p) == 2] == failing_pairs(g, "web")
    assert ("appliance", "dc") in pairs


def test_equivalent_members_of_a_k_of_n_group(scram: str) -> None:
    # 2 of (a, g, h) with g and h alike: SCRAM 0.16.2 gets its own atleast gate wrong here.
    specs = [
        NodeSpec("top", S, (Requirement(2, ("a", "g", "h")),)),
        NodeSpec("g", NodeKind.PROCESS, (Requirement.single("b"), Requirement.single("c"))),
        NodeSpec("h", NodeKind.PROCESS, (Requirement.single("b"), Requirement.single("c"))),
        NodeSpec("a", A),
        NodeSpec("b", A),
        NodeSpec("c", A),
    ]
    g = compile_graph(specs)
    got = scram_cut_sets(export_fault_tree(g, "top"), 1, scram)["top"]
    assert sorted(next(iter(c)) for c in got) == ["b", "c"]
    assert single_points_of_failure(g, ["top"]) == {"top": ["b", "c"]}


def test_scram_errors_are_reported(scram: str) -> None:
    g = compile_graph(hand_model())
    tree = export_fault_tree(g, "web")
    broken = FaultTree(tree.xml.replace("<and>", "<nonsense>", 1), tree.tops, tree.events, 0)
    with pytest.raises(ScramError):
        scram_cut_sets(broken, 1, scram)


def _targets(specs: list[NodeSpec]) -> list[str]:
    return sorted(s.id for s in specs if s.kind in (NodeKind.PROCESS, NodeKind.SERVICE))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(models())
def test_scram_order_1_cut_sets_equal_single_points_of_failure(scram: str, specs) -> None:
    g = compile_graph(specs)
    targets = [s.id for s in specs]  # every node, failable ones included (each is its own)
    cut_sets = scram_cut_sets(export_fault_tree(g, targets), 1, scram)
    assert all(len(c) == 1 for sets in cut_sets.values() for c in sets)
    got = {t: sorted(next(iter(c)) for c in sets) for t, sets in cut_sets.items()}
    assert got == single_points_of_failure(g, targets)
    assert set(single_points_of_failure(g)) == set(_targets(specs))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(models(max_nodes=10))
def test_scram_order_2_cut_sets_equal_failing_pairs(scram: str, specs) -> None:
    g = compile_graph(specs)
    targets = _targets(specs)
    cut_sets = scram_cut_sets(export_fault_tree(g, targets), 2, scram) if targets else {}
    for target in targets:
        pairs = sorted(tuple(sorted(c)) for c in cut_sets[target] if len(c) == 2)
        assert pairs == failing_pairs(g, target), target
