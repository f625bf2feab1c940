import math

from hypothesis import given, settings
from hypothesis import strategies as st

from standby.analysis.graph import compile_graph
from standby.analysis.recovery import recovery_times
from standby.analysis.tests.naive import failable_ids, models, naive_down, simulated_return


@settings(max_examples=300, deadline=None)
@given(models(), st.data())
def test_rta_equals_fixed_point_simulation(specs, data):
    g = compile_graph(specs)
    failed = data.draw(st.sets(st.sampled_from(failable_ids(specs)), max_size=4))
    times = simulated_return(specs, failed)
    down = naive_down(specs, failed)
    expected = {v: (None if math.isinf(times[v]) else times[v]) for v in sorted(down)}
    assert recovery_times(g, failed) == expected
    # An unaffected node is available at t = 0.
    assert all(times[s.id] == 0 for s in specs if s.id not in down)
