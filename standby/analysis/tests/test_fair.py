"""The FAIR product model: mean against the analytic product of PERT means, seeds, checks."""

from __future__ import annotations

import numpy as np
import pytest

from standby.analysis.fair import FairInputs, simulate_fair
from standby.analysis.montecarlo import Pert

INPUTS = FairInputs(Pert(1, 3, 8), Pert(0.1, 0.3, 0.6), Pert(50_000, 250_000, 1_500_000))


def test_pert_means_are_analytic():
    assert Pert(1, 3, 8).mean == pytest.approx(3.5)
    assert Pert(0.1, 0.3, 0.6).mean == pytest.approx(1.9 / 6)
    assert INPUTS.mean == pytest.approx(3.5 * 1.9 / 6 * 425_000)


@pytest.mark.parametrize("pert", [Pert(1, 3, 8), Pert(0.1, 0.3, 0.6), Pert(0, 0, 1), Pert(2, 2, 2)])
def test_pert_samples_have_the_analytic_mean_and_stay_in_range(pert):
    x = pert.sample(np.random.default_rng(0), 400_000)
    assert x.mean() == pytest.approx(pert.mean, rel=0.005, abs=1e-12)
    assert x.min() >= pert.min
    assert x.max() <= pert.max
    alpha, beta = pert.shape
    if pert.max > pert.min:  # Beta variance, scaled
        var = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)) * (pert.max - pert.min) ** 2
        assert x.var() == pytest.approx(var, rel=0.02)


def test_fair_mean_matches_the_product_of_pert_means():
    result = simulate_fair(INPUTS, 200_000, np.random.default_rng(1))
    assert result.mean == pytest.approx(INPUTS.mean, rel=0.01)
    assert result.p50 < result.mean < result.p90 < result.p99  # right-skewed
    lo = 1 * 0.1 * 50_000
    hi = 8 * 0.6 * 1_500_000
    assert lo <= result.losses.min()
    assert result.losses.max() <= hi


def test_fair_seeds_reproduce():
    a = simulate_fair(INPUTS, 10_000, np.random.default_rng(5))
    b = simulate_fair(INPUTS, 10_000, np.random.default_rng(5))
    assert np.array_equal(a.losses, b.losses)


def test_fair_checks_its_inputs():
    with pytest.raises(ValueError, match="probability"):
        FairInputs(Pert(1, 2, 3), Pert(0.5, 1, 2), Pert(1, 2, 3))
    with pytest.raises(ValueError, match="trials"):
        simulate_fair(INPUTS, 0, np.random.default_rng(0))
