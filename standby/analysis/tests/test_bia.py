"""MTPD, suggested RTO, priority, required objectives and inversions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis.bia import (
    BiaRecord,
    BiaScale,
    Inversion,
    inversions,
    mtpd,
    priority,
    required_objectives,
    rto_within_mtpd,
    suggested_rto,
)
from standby.analysis.errors import UnknownNodeError
from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.tests.naive import models

P, S, A = NodeKind.PROCESS, NodeKind.SERVICE, NodeKind.ASSET


# -- MTPD and RTO -----------------------------------------------------------------------------


def test_mtpd_is_the_first_horizon_any_category_is_intolerable():
    table = {"financial": [0, 1, 2, 3, 4, 5, 5], "legal": [0, 0, 4, 4, 4, 4, 4]}
    assert mtpd(table) == 24.0


def test_mtpd_counts_levels_above_the_threshold():
    assert mtpd({"customer": [0, 5, 5, 5, 5, 5, 5]}) == 4.0


def test_mtpd_is_none_when_never_intolerable():
    assert mtpd({"financial": [0, 1, 2, 3, 3, 3, 3]}) is None
    assert mtpd({}) is None


def test_mtpd_follows_the_scale_threshold_and_horizons():
    scale = BiaScale(categories=("money",), horizons=(2.0, 8.0, 48.0), intolerable=2)
    assert mtpd({"money": [1, 2, 3]}, scale) == 8.0
    assert mtpd({"money": [1, 1, 1]}, scale) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"financial": [0, 1]}, "has 2 levels, the scale has 7 horizons"),
        ({"financial": [0, 1, 2, 3, 4, 6, 6]}, "level 6 is not between 0 and 5"),
        ({"financial": [0, -1, 2, 3, 4, 5, 5]}, "level -1 is not between 0 and 5"),
    ],
)
def test_mtpd_rejects_a_bad_table(table, message):
    with pytest.raises(ValueError, match=message):
        mtpd(table)


@pytest.mark.parametrize(
    "kwargs",
    [{"horizons": ()}, {"horizons": (0.0, 1.0)}, {"horizons": (1.0, 1.0)}, {"intolerable": 0},
     {"intolerable": 6}, {"level_names": ("a",)}],
)  # fmt: skip
def test_scale_rejects_nonsense(kwargs):
    with pytest.raises(ValueError, match=r"horizons|intolerable|level_names"):
        BiaScale(**kwargs)


def test_suggested_rto_subtracts_wrt_and_clamps_at_zero():
    assert suggested_rto(72.0, 8.0) == 64.0
    assert suggested_rto(72.0) == 72.0
    assert suggested_rto(4.0, 8.0) == 0.0
    assert suggested_rto(None) is None


def test_rto_within_mtpd():
    assert rto_within_mtpd(72.0, 72.0) is True
    assert rto_within_mtpd(73.0, 72.0) is False
    assert rto_within_mtpd(None, 72.0) is None
    assert rto_within_mtpd(4.0, None) is None
    assert rto_within_mtpd(64.0, 72.0, wrt=8.0) is True
    assert rto_within_mtpd(65.0, 72.0, wrt=8.0) is False


# -- priority ---------------------------------------------------------------------------------


def test_priority_orders_by_mtpd_then_level_then_name():
    ranked = priority(
        [
            BiaRecord("none", "Nothing matters", {}),
            BiaRecord("b", "Bravo", {"financial": [0, 0, 4, 4, 4, 4, 4]}),
            BiaRecord("a2", "Alpha", {"financial": [0, 0, 4, 4, 4, 4, 4]}),
            BiaRecord("c", "Charlie", {"legal": [0, 0, 4, 5, 5, 5, 5]}),
            BiaRecord("d", "Delta", {"customer": [0, 1, 1, 1, 1, 1, 3]}),
            BiaRecord("a1", "Alpha", {"financial": [0, 0, 4, 4, 4, 4, 4]}),
            BiaRecord("e", "Echo", {"customer": [0, 5, 5, 5, 5, 5, 5]}),
        ]
    )
    assert [(r.rank, r.id) for r in ranked] == [
        (1, "e"),
        (2, "c"),  # MTPD 24 h like Alpha and Bravo, but reaches level 5
        (3, "a1"),  # same MTPD and level: by name, then id
        (4, "a2"),
        (5, "b"),
        (6, "d"),  # no MTPD: last, higher level first
        (7, "none"),
    ]
    by_id = {r.id: r for r in ranked}
    assert by_id["c"].reason == "MTPD 24 h; reaches level 5 (catastrophic) in legal at 3 d"
    assert by_id["c"].max_level == 5
    assert by_id["c"].max_at == 72.0
    assert by_id["d"].reason == (
        "no MTPD (never intolerable); reaches level 3 (significant) in customer at 28 d"
    )
    assert by_id["none"].reason == "no MTPD (never intolerable); no impact recorded"
    assert by_id["none"].max_category is None


def test_priority_reason_names_the_earliest_category_at_the_highest_level():
    scale = BiaScale(category_names={"health_safety": "health & safety"})
    table = {"financial": [0, 0, 0, 5, 5, 5, 5], "health_safety": [0, 5, 5, 5, 5, 5, 5]}
    ranked = priority([BiaRecord("x", "X", table)], scale)
    assert ranked[0].reason == "MTPD 4 h; reaches level 5 (catastrophic) in health & safety at 4 h"


def test_priority_of_all_zero_table():
    ranked = priority([BiaRecord("z", "Z", {"financial": [0] * 7})])
    assert ranked[0].reason == "no MTPD (never intolerable); no impact at any horizon"


# -- required objectives: hand cases ----------------------------------------------------------


def _diamond():
    return compile_graph(
        [
            NodeSpec("P1", P, (Requirement.single("S"),)),
            NodeSpec("P2", P, (Requirement.single("S"),)),
            NodeSpec("S", S, (Requirement(1, ("A", "B")),)),
            NodeSpec("A", A, (Requirement.single("D"),)),
            NodeSpec("B", A, (Requirement.single("D"),)),
            NodeSpec("D", A),
            NodeSpec("lonely", A),
        ]
    )


def test_required_objectives_cascade_through_a_group_and_a_diamond():
    stated = {"P1": (4.0, 1.0), "P2": (24.0, 0.5), "D": (8.0, None)}
    req = required_objectives(_diamond(), stated)
    assert dict(req) == {
        "P1": (4.0, 1.0),
        "P2": (24.0, 0.5),
        "S": (4.0, 0.5),
        "A": (4.0, 0.5),
        "B": (4.0, 0.5),
        "D": (4.0, 0.5),
        "lonely": (None, None),
    }
    assert req.bound_by("D", "rto") == "P1"
    assert req.bound_by("D", "rpo") == "P2"
    assert req.via("D", "rto") == "A"  # A and B tie; the lower index wins
    assert req.via("S", "rto") == "P1"
    assert req.bound_by("P1", "rto") == "P1"
    assert req.via("P1", "rto") is None
    assert req.bound_by("lonely", "rto") is None


def test_inversions_name_the_binding_dependant():
    stated = {"P1": (4.0, 1.0), "P2": (24.0, 0.5), "D": (8.0, None)}
    found = inversions(stated, required_objectives(_diamond(), stated))
    assert found == [Inversion("D", "rto", 8.0, 4.0, "P1", "A")]
    assert found[0].message == (
        "D: stated RTO 8 h is looser than the 4 h required by 'P1' (via 'A')"
    )


def test_no_inversion_when_the_node_is_tighter_or_unknown():
    stated = {"P1": (4.0, None), "D": (2.0, 1.0)}
    assert inversions(stated, required_objectives(_diamond(), stated)) == []


def test_inversions_work_from_a_plain_mapping():
    found = inversions({"x": (8.0, 2.0)}, {"x": (4.0, 2.0)})
    assert found == [Inversion("x", "rto", 8.0, 4.0, None, None)]
    assert found[0].message == "x: stated RTO 8 h is looser than the 4 h required"


def test_required_objectives_reject_unknown_ids():
    with pytest.raises(UnknownNodeError):
        required_objectives(_diamond(), {"nope": (1.0, 1.0)})


def test_own_objective_wins_a_tie():
    req = required_objectives(_diamond(), {"P1": (4.0, None), "S": (4.0, None)})
    assert req.bound_by("S", "rto") == "S"
    assert req.bound_by("D", "rto") == "S"


def test_required_objectives_on_an_empty_graph():
    assert dict(required_objectives(compile_graph([]), {})) == {}


# -- required objectives: property against brute force ----------------------------------------


def _naive_required(specs, stated):
    """Min over the node and every node that (transitively) requires it."""
    requires = {s.id: {m for r in s.requires for m in r.of} for s in specs}

    def ancestors(node):
        found, frontier = set(), {node}
        while frontier:
            frontier = {u for u, reqs in requires.items() if reqs & frontier} - found
            found |= frontier
        return found

    out = {}
    for spec in specs:
        pair = []
        for position in (0, 1):
            values = [
                stated[u][position]
                for u in ancestors(spec.id) | {spec.id}
                if u in stated and stated[u][position] is not None
            ]
            pair.append(min(values) if values else None)
        out[spec.id] = tuple(pair)
    return out


_objective = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 4.0, 8.0, 24.0, 72.0]))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), specs=models(max_nodes=14))
def test_required_objectives_equal_a_brute_force_min_over_dependants(data, specs):
    ids = [s.id for s in specs]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    stated = {i: (data.draw(_objective), data.draw(_objective)) for i in chosen}
    graph = compile_graph(specs)
    req = required_objectives(graph, stated)
    assert dict(req) == _naive_required(specs, stated)
    assert req.to_dict() == dict(req)
    # The binding node really states the required value, and is the node or a dependant.
    for node in ids:
        for position, key in enumerate(("rto", "rpo")):
            value = req[node][position]
            by = req.bound_by(node, key)
            if value is None:
                assert by is None
            else:
                assert by is not None
                assert math.isclose(stated[by][position], value)
    for inv in inversions(stated, req):
        assert inv.stated > inv.required
        assert inv.bound_by is not None
        assert inv.bound_by != inv.node
