from hypothesis import given, settings

from standby.analysis.cuts import batch_impact, failing_pairs, single_points_of_failure
from standby.analysis.graph import compile_graph
from standby.analysis.model import FAILABLE_KINDS, NodeKind
from standby.analysis.tests.naive import failable_ids, models, naive_down, naive_pairs, naive_spofs


@settings(max_examples=300, deadline=None)
@given(models())
def test_spofs_equal_brute_force_for_every_node(specs):
    g = compile_graph(specs)
    got = single_points_of_failure(g, [s.id for s in specs])
    assert got == {s.id: naive_spofs(specs, s.id) for s in specs}


@settings(max_examples=100, deadline=None)
@given(models())
def test_default_targets_are_processes_and_services(specs):
    g = compile_graph(specs)
    top = {s.id for s in specs if s.kind in (NodeKind.PROCESS, NodeKind.SERVICE)}
    assert set(single_points_of_failure(g)) == top


@settings(max_examples=300, deadline=None)
@given(models())
def test_failing_pairs_equal_brute_force(specs):
    g = compile_graph(specs)
    for s in specs:
        assert failing_pairs(g, s.id) == naive_pairs(specs, s.id), s.id


@settings(max_examples=150, deadline=None)
@given(models())
def test_batch_impact_equals_single_failures(specs):
    g = compile_graph(specs)
    critical = [s.id for s in specs if s.kind not in FAILABLE_KINDS] or [specs[0].id]
    expected = {
        x: sorted(c for c in critical if c in naive_down(specs, {x})) for x in failable_ids(specs)
    }
    got = batch_impact(g, critical)
    assert got == expected
    assert list(got) == [s for s in g.ids if s in expected]
