"""Staff-limited recovery schedule: unlimited staff equals the engine; capacity is respected."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.recovery import recovery_times
from standby.analysis.schedule import gantt, inherited_priority, schedule_recovery
from standby.analysis.tests.naive import failable_ids, models


@settings(max_examples=40, deadline=None)
@given(models(), st.data())
def test_unlimited_staff_equals_engine(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.lists(st.sampled_from(failable_ids(specs)), unique=True))
    teams = {f: data.draw(st.sampled_from(["a", "b", "c"])) for f in failed}
    # Teams without a capacity (and "c" with more people than tasks) never hold anything up.
    s = schedule_recovery(
        g,
        failed,
        team_of=teams,
        capacity={"c": len(failed) + 1},
        priority={f: data.draw(st.integers(0, 3)) for f in failed},
    )
    assert s.rta == recovery_times(g, failed)


@settings(max_examples=40, deadline=None)
@given(models(), st.data())
def test_limited_staff_respects_capacity_and_dependencies(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.lists(st.sampled_from(failable_ids(specs)), unique=True))
    teams = {f: data.draw(st.sampled_from(["a", "b"])) for f in failed}
    cap = {"a": 1, "b": 2}
    s = schedule_recovery(g, failed, team_of=teams, capacity=cap)
    engine = recovery_times(g, failed)
    for node, t in s.rta.items():
        if engine[node] is None:
            assert t is None
        elif t is not None:
            assert t >= engine[node] - 1e-9
    for task in s.tasks:
        if task.start is not None:
            assert task.start >= task.ready
            assert task.finish == task.start + task.duration
    for team, c in cap.items():
        runs = [(t.start, t.finish) for t in s.tasks if t.team == team and t.start is not None]
        for a, _ in runs:
            # Busy at instant a: started at or before a and finishing after it.
            assert sum(1 for b, e in runs if b <= a < e) <= c
    lanes = gantt(s).lanes
    assert sum(len(lane.bars) for lane in lanes) == sum(1 for t in s.tasks if t.start is not None)


def test_priority_order_and_waiting():
    g = compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("db"),)),
            NodeSpec("mail", NodeKind.SERVICE, (Requirement.single("mx"),)),
            NodeSpec("db", NodeKind.ASSET, (), 4.0),
            NodeSpec("mx", NodeKind.ASSET, (), 1.0),
            NodeSpec("x", NodeKind.ASSET, (), None),
        ]
    )
    prio = inherited_priority(g, {"pay": 1, "mail": 2})
    s = schedule_recovery(
        g,
        ["db", "mx", "x"],
        team_of={"db": "ops", "mx": "ops", "x": "ops"},
        capacity={"ops": 1},
        priority=prio,
    )
    assert [(t.node, t.start, t.finish, t.wait) for t in s.tasks] == [
        ("db", 0.0, 4.0, 0.0),
        ("mx", 4.0, 5.0, 4.0),
        ("x", None, None, None),
    ]
    assert s.rta == {"db": 4.0, "mail": 5.0, "mx": 5.0, "pay": 4.0, "x": None}
    assert s.makespan is None
    chart = gantt(s)
    assert chart.unscheduled == ("x",)
    assert [lane.label for lane in chart.lanes] == ["ops #1"]
    with pytest.raises(ValueError, match="at least 1"):
        schedule_recovery(g, ["db"], capacity={"ops": 0})


def test_recovery_time_override_and_empty():
    g = compile_graph([NodeSpec("a", NodeKind.ASSET, (), 3.0)])
    assert schedule_recovery(g, ["a"], recovery_time={"a": 1.0}).rta == {"a": 1.0}
    s = schedule_recovery(g, [])
    assert s.tasks == ()
    assert s.makespan == 0.0
    assert math.isinf(inherited_priority(g, {}).get("a", math.inf))
