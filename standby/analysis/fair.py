"""The FAIR product model, vectorised: threat event frequency × vulnerability × loss magnitude.

Open FAIR's basic decomposition: the *loss event frequency* is the threat event frequency
(events a year) times the vulnerability (the share of threat events that become loss events),
and the annual loss exposure is the loss event frequency times the loss magnitude (money per
event). Each input is a PERT range (min, most likely, max; gamma 4), drawn independently per
trial, as pyfair and pycrq do, so the mean is the product of the three PERT means.

This is the model FAIR tools share; it does not know that an outage's cost depends on how long
the service is down. Standby's own model (:mod:`standby.analysis.montecarlo`) does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standby.analysis.graph import FloatArray
from standby.analysis.montecarlo import Pert

__all__ = ["FairInputs", "FairResult", "simulate_fair"]

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class FairInputs:
    """PERT ranges of threat event frequency (a year), vulnerability (0..1), loss magnitude.

    >>> FairInputs(Pert(1, 3, 8), Pert(0.1, 0.3, 0.6), Pert(5e4, 2.5e5, 1.5e6)).mean
    471041.6666666667
    """

    threat_event_frequency: Pert
    vulnerability: Pert
    loss_magnitude: Pert

    def __post_init__(self) -> None:
        if self.vulnerability.max > 1:
            raise ValueError(
                f"vulnerability is a probability: its max must be <= 1, "
                f"got {self.vulnerability.max}"
            )

    @property
    def mean(self) -> float:
        """The analytic mean annual loss: the product of the three PERT means."""
        return self.threat_event_frequency.mean * self.vulnerability.mean * self.loss_magnitude.mean


@dataclass(frozen=True, eq=False, slots=True)
class FairResult:
    """Annual loss exposure of every trial, and its mean and percentiles."""

    losses: FloatArray
    mean: float
    p50: float
    p90: float
    p99: float


def simulate_fair(inputs: FairInputs, trials: int, rng: np.random.Generator) -> FairResult:
    """Simulate ``trials`` draws of ``TEF × vulnerability × loss magnitude``.

    Parameters
    ----------
    inputs
        The three PERT ranges.
    trials
        Number of trials (>= 1).
    rng
        The only source of randomness.

    Returns
    -------
    FairResult

    Examples
    --------
    >>> inputs = FairInputs(Pert(1, 3, 8), Pert(0.1, 0.3, 0.6), Pert(5e4, 2.5e5, 1.5e6))
    >>> r = simulate_fair(inputs, 200_000, np.random.default_rng(1))
    >>> bool(abs(r.mean / inputs.mean - 1) < 0.01), bool(r.p50 < r.p90 < r.p99)
    (True, True)
    """
    if trials < 1:
        raise ValueError(f"trials must be >= 1, got {trials}")
    losses = np.empty(trials)
    # Chunks keep the temporaries in cache; each chunk draws TEF, then vulnerability, then LM.
    for start in range(0, trials, _CHUNK):
        n = min(_CHUNK, trials - start)
        out = losses[start : start + n]
        np.multiply(
            inputs.threat_event_frequency.sample(rng, n), inputs.vulnerability.sample(rng, n), out
        )
        out *= inputs.loss_magnitude.sample(rng, n)
    p50, p90, p99 = np.percentile(losses, [50, 90, 99]).tolist()
    return FairResult(losses, float(losses.mean()), float(p50), float(p90), float(p99))
