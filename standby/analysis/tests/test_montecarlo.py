"""Monte Carlo annual loss: loss curves, outages, statistics against analytic values and a slow
reference, seeds, measures with common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from standby.analysis.errors import NotFailableError, UnknownNodeError
from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.montecarlo import (
    PERT_CELLS,
    LossCurve,
    Measure,
    Pert,
    Threat,
    _pert_table,
    compile_risk,
    loss_at,
    simulate,
)
from standby.analysis.recovery import recovery_times

H = (4.0, 24.0, 72.0)
CURVE = LossCurve(H, (1000.0, 5000.0, 9000.0))


def _graph():
    """pay needs web; web needs any of s1, s2 and the database; everything sits in dc."""
    return compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("web"),)),
            NodeSpec("hr", NodeKind.PROCESS, (Requirement.single("db"),)),
            NodeSpec(
                "web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")), Requirement.single("db"))
            ),
            NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),), 2.0),
            NodeSpec("s2", NodeKind.ASSET, (Requirement.single("dc"),), 6.0),
            NodeSpec("db", NodeKind.ASSET, (Requirement.single("dc"),), 10.0),
            NodeSpec("tape", NodeKind.ASSET, (), None),
            NodeSpec("dc", NodeKind.LOCATION, (), 48.0),
        ]
    )


# -- loss curves --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0.0, 0.0),
        (1.0, 250.0),  # before the first horizon: on the line from (0, 0)
        (4.0, 1000.0),  # on a horizon
        (14.0, 3000.0),  # between horizons
        (48.0, 7000.0),
        (72.0, 9000.0),
        (1000.0, 9000.0),  # after the last horizon: constant
        (None, 9000.0),  # unknown duration: the last value
        (math.inf, 9000.0),
    ],
)
def test_loss_curve_hand_cases(hours, expected):
    assert loss_at(hours, CURVE) == pytest.approx(expected)


def test_unknown_amounts_are_skipped():
    curve = LossCurve(H, (1000.0, None, 9000.0))
    # 24 h lies on the line from (4, 1000) to (72, 9000).
    assert loss_at(24.0, curve) == pytest.approx(1000 + 20 / 68 * 8000)
    assert loss_at(None, LossCurve(H, (1000.0, 2000.0, None))) == 2000.0
    assert loss_at(5.0, LossCurve(H, (None, None, None))) == 0.0


def test_a_curve_needs_one_amount_per_horizon():
    with pytest.raises(ValueError, match="one amount per horizon"):
        LossCurve(H, (1.0,))


# -- compiling: what goes down, for how long ----------------------------------------------------


def test_rta_driven_outages_match_the_recovery_engine():
    g = _graph()
    losses = {"pay": CURVE, "hr": CURVE}
    threats = [
        Threat("site", 1.0, ("dc",)),
        Threat("one-server", 1.0, ("s1",)),
        Threat("db", 1.0, ("db",)),
        Threat("servers", 1.0, ("s1", "s2")),
    ]
    risk = compile_risk(g, threats, losses)
    for threat, outages in zip(threats, risk.outages, strict=True):
        rta = recovery_times(g, threat.fails)
        assert outages == {k: rta[k] for k in ("hr", "pay") if k in rta}
    # The site is back at 48 h; the database did not fail itself, so it is back with its site.
    assert risk.outages[0] == {"hr": 48.0, "pay": 48.0}
    assert risk.outages[1] == {}  # s2 still serves: redundancy holds
    assert risk.outages[2] == {"hr": 10.0, "pay": 10.0}
    assert risk.outages[3] == {"pay": 2.0}  # any one server will do: the earliest, at 2 h
    expected = [2 * loss_at(48.0, CURVE), 0.0, 2 * loss_at(10.0, CURVE), loss_at(2.0, CURVE)]
    assert risk.event_loss[0].tolist() == pytest.approx(expected)


def test_fixed_duration_replaces_the_failed_nodes_recovery_times():
    g = _graph()
    risk = compile_risk(g, [Threat("power", 1.0, ("dc",), duration=4.0)], {"pay": CURVE})
    # dc is back at 4 h; the servers and the database did not fail themselves.
    assert risk.outages[0] == {"pay": 4.0}
    assert risk.event_loss[0, 0] == pytest.approx(1000.0)


def test_unknown_recovery_costs_the_last_value():
    g = compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("tape"),)),
            NodeSpec("tape", NodeKind.ASSET, (), None),
        ]
    )
    risk = compile_risk(g, [Threat("t", 1.0, ("tape",))], {"pay": CURVE})
    assert risk.outages[0] == {"pay": None}
    assert risk.event_loss[0, 0] == 9000.0


def test_threat_errors():
    g = _graph()
    with pytest.raises(UnknownNodeError):
        compile_risk(g, [Threat("t", 1.0, ("nope",))], {})
    with pytest.raises(NotFailableError):
        compile_risk(g, [Threat("t", 1.0, ("web",))], {})
    with pytest.raises(ValueError, match="unique"):
        compile_risk(g, [Threat("t", 1.0, ("dc",)), Threat("t", 2.0, ("dc",))], {})
    with pytest.raises(ValueError, match="unknown threat"):
        compile_risk(g, [Threat("t", 1.0, ("dc",))], {}, [Measure("m", 1.0, {"x": 0.5})])
    with pytest.raises(ValueError, match="frequency must be >= 0"):
        Threat("t", -1.0, ("dc",))
    with pytest.raises(ValueError, match="factor"):
        Measure("m", 1.0, recovery={"dc": -1.0})
    with pytest.raises(ValueError, match="trials"):
        simulate(compile_risk(g, [], {}), 0, np.random.default_rng(0))


# -- statistics ---------------------------------------------------------------------------------


def test_single_threat_fixed_duration_mean_is_analytic():
    g = _graph()
    risk = compile_risk(g, [Threat("power", 0.7, ("dc",), duration=14.0)], {"pay": CURVE})
    result = simulate(risk, 200_000, np.random.default_rng(11))
    analytic = 0.7 * loss_at(14.0, CURVE)  # 0.7 × 3,000
    assert result.ale == pytest.approx(analytic, rel=0.01)
    assert result.threat_ale["power"] == pytest.approx(result.ale)
    # Poisson(0.7): P(N = 0) = 0.497, P(N <= 1) = 0.844, P(N <= 2) = 0.966, P(N <= 3) = 0.994.
    assert (result.p50, result.p90, result.p99) == (3000.0, 6000.0, 9000.0)


def test_pert_frequency_mean_and_overdispersion():
    g = _graph()
    threat = Threat("flood", Pert(0.0, 1.0, 8.0), ("dc",), duration=4.0)  # mean 2 a year
    result = simulate(compile_risk(g, [threat], {"pay": CURVE}), 200_000, np.random.default_rng(3))
    counts = result.annual_losses / 1000.0
    assert counts.mean() == pytest.approx(2.0, rel=0.01)
    # Mixed Poisson: variance = E[λ] + Var[λ]; PERT(0, 1, 8) is 8 × Beta(1.5, 4.5), whose
    # variance is 64 × 1.5 × 4.5 / (6² × 7) = 12/7.
    assert counts.var() == pytest.approx(2.0 + 12 / 7, rel=0.03)


def _spread_mean(sigma: float, duration: float) -> float:
    """E[curve(duration · exp(sigma · Z))] by quadrature."""

    def integrand(z: float) -> float:
        return loss_at(duration * math.exp(sigma * z), CURVE) * math.exp(-z * z / 2)

    value, _ = integrate.quad(integrand, -12, 12, points=[0.0], limit=200)
    return value / math.sqrt(2 * math.pi)


def test_spread_mean_matches_quadrature():
    g = _graph()
    threat = Threat("fire", 0.5, ("dc",), duration=24.0, spread=0.8)
    result = simulate(compile_risk(g, [threat], {"pay": CURVE}), 200_000, np.random.default_rng(5))
    assert result.ale == pytest.approx(0.5 * _spread_mean(0.8, 24.0), rel=0.01)


def _reference(threats, durations, curve, trials, rng):
    """Obviously correct and slow: a Python loop per year, per threat, per event."""
    out = np.zeros(trials)
    for year in range(trials):
        total = 0.0
        for threat, outages in zip(threats, durations, strict=True):
            f = threat.frequency
            lam = rng.beta(*f.shape) * (f.max - f.min) + f.min if isinstance(f, Pert) else f
            for _ in range(rng.poisson(lam)):
                m = math.exp((threat.spread or 0.0) * rng.standard_normal())
                total += sum(loss_at(None if d is None else d * m, curve) for d in outages.values())
        out[year] = total
    return out


def test_percentiles_match_a_slow_reference_statistically():
    """Not the same random stream: the two samples must agree within sampling error."""
    g = _graph()
    threats = [
        Threat("site", 0.3, ("dc",), spread=0.6),
        Threat("db", Pert(0.2, 0.5, 2.0), ("db",), spread=0.4),
        Threat("servers", 0.4, ("s1", "s2"), duration=30.0),
        Threat("tape", 0.2, ("tape",)),
    ]
    losses = {"pay": CURVE, "hr": CURVE}
    risk = compile_risk(g, threats, losses)
    ours = simulate(risk, 200_000, np.random.default_rng(1))
    ref = _reference(threats, risk.outages, CURVE, 20_000, np.random.default_rng(2))
    assert ours.ale == pytest.approx(ref.mean(), rel=0.05)
    ref_p = np.percentile(ref, [50, 90, 99])
    assert [ours.p50, ours.p90, ours.p99] == pytest.approx(ref_p.tolist(), rel=0.06)
    # And the exceedance curve agrees with the reference's at its own points.
    x, p = ours.exceedance(20)
    ref_p_above = np.array([(ref > v).mean() for v in x])
    assert np.abs(p - ref_p_above).max() < 0.015


def test_same_seed_same_numbers():
    g = _graph()
    threats = [Threat("site", 0.3, ("dc",), spread=0.6), Threat("db", Pert(0, 1, 3), ("db",))]
    risk = compile_risk(g, threats, {"pay": CURVE}, [Measure("m", 10.0, {"site": 0.5})])
    a = simulate(risk, 50_000, np.random.default_rng(42))
    b = simulate(risk, 50_000, np.random.default_rng(42))
    c = simulate(risk, 50_000, np.random.default_rng(43))
    assert np.array_equal(a.annual_losses, b.annual_losses)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.annual_losses, c.annual_losses)


def test_exceedance_curve_starts_at_the_share_of_years_with_a_loss():
    g = _graph()
    risk = compile_risk(g, [Threat("site", 0.5, ("dc",))], {"pay": CURVE})
    result = simulate(risk, 100_000, np.random.default_rng(9))
    x, p = result.exceedance(50)
    assert x[0] == 0.0
    assert p[0] == pytest.approx(1 - math.exp(-0.5), abs=0.005)
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(p) <= 0)


def test_pert_table_mean_is_exact_to_1e_4():
    for low, likely, high in ((1.0, 3.0, 8.0), (0.1, 0.3, 0.6), (0.0, 0.0, 1.0), (0.0, 1.0, 1.0)):
        q, _ = _pert_table(low, likely, high, 4.0)
        assert len(q) == PERT_CELLS + 1
        table_mean = ((q[:-1] + q[1:]) / 2).mean()  # the mean of the interpolated table
        assert table_mean == pytest.approx(Pert(low, likely, high).mean, rel=1e-4)


# -- measures -----------------------------------------------------------------------------------


def test_measure_benefit_sign_and_common_random_numbers():
    g = _graph()
    threats = [Threat("site", 0.5, ("dc",), spread=0.5), Threat("db", 1.0, ("db",))]
    measures = [
        Measure("halve-site", 100.0, frequency={"site": 0.5}),
        Measure("nothing", 1.0, frequency={"site": 1.0}),
        Measure("worse", 1.0, frequency={"db": 2.0}),
        Measure("faster-db", 5000.0, recovery={"db": 0.5}),
    ]
    risk = compile_risk(g, threats, {"pay": CURVE, "hr": CURVE}, measures)
    result = simulate(risk, 200_000, np.random.default_rng(4))
    m = result.measures
    site_ale = result.threat_ale["site"]
    assert m["halve-site"].loss_avoided == pytest.approx(site_ale / 2, rel=0.03)
    assert m["halve-site"].economical
    # The same events: a measure that changes nothing avoids exactly nothing.
    assert m["nothing"].loss_avoided == 0.0
    assert m["nothing"].loss_avoided_se == 0.0
    assert not m["nothing"].economical
    assert m["worse"].loss_avoided < 0
    # faster-db: the db's 10 h become 5 h when it fails itself (the site threat: unchanged).
    db_gain = 1.0 * 2 * (loss_at(10.0, CURVE) - loss_at(5.0, CURVE))
    assert m["faster-db"].loss_avoided > 0
    assert m["faster-db"].loss_avoided >= db_gain * 0.97
    assert m["faster-db"].economical == (m["faster-db"].loss_avoided > 5000.0)
    # Common random numbers: the loss avoided is far less noisy than two independent runs.
    other = simulate(risk, 200_000, np.random.default_rng(5))
    independent_se = math.sqrt(2) * result.annual_losses.std() / math.sqrt(200_000)
    assert m["halve-site"].loss_avoided_se < independent_se / 2
    assert abs(other.measures["halve-site"].loss_avoided - m["halve-site"].loss_avoided) < (
        5 * m["halve-site"].loss_avoided_se
    )
