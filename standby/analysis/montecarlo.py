"""Monte Carlo simulation of annual loss: threat → failed nodes → processes down → outage → loss.

A *threat* happens a Poisson number of times a year (mean ``frequency``; a PERT range draws the
mean afresh for every simulated year). Each event fails the threat's nodes (assets, locations,
suppliers); the dependency graph says which processes go down
(:func:`~standby.analysis.impact.down_mask`) and, unless the threat gives a fixed ``duration``,
for how long: each process's RTA in that scenario (:func:`~standby.analysis.recovery.return_times`).
A fixed ``duration`` is the recovery time of every failed node in that scenario, so every
process it takes down is back after exactly ``duration``. An optional ``spread`` (a lognormal
sigma) multiplies all outages of one event by ``exp(spread * Z)``, ``Z`` standard normal: the
stated outage is the median.

A process down for ``d`` hours loses its BIA money curve at ``d``: linear between (0, 0) and the
(horizon, money) points, constant after the last horizon, and the last value when the outage is
unknown (a failed node without a recovery time). Unknown (None) money points are skipped. An
event's loss is the sum over the nodes it takes down that have a curve; a year's loss is the sum
over its events. See docs/concepts/risk-simulation.md.

How it is fast
--------------
Everything that does not depend on chance is compiled once (:func:`compile_risk`): per threat,
the loss of one event, or, for a threat with a spread, the event loss at 4,096 equiprobable
quantiles of the lognormal multiplier (sampled by inverse transform: one uniform and one gather
per event). Simulation never draws one Poisson variable per threat and year: for a chunk of
``n`` years, threat ``t`` happens ``Poisson(n λ_t)`` times in all, and each event falls in a
uniformly drawn year (superposition of Poisson processes); a weighted ``bincount`` adds events
into years.

Proactive measures and common random numbers
--------------------------------------------
A :class:`Measure` multiplies some threats' frequencies and/or some nodes' recovery times.
Every measure is evaluated on the *same* events as the baseline: events are drawn at the
highest rate any scenario needs and each event carries a uniform number ``u``; in a scenario
whose frequency factor for the threat is ``f`` the event happens iff ``u < f / F`` (``F`` the
largest factor, at least 1). So the loss avoided by a measure has far less noise than two
independent runs would give.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from scipy.special import betaincinv, gammaln, ndtri, xlogy

from standby.analysis.graph import CompiledGraph, FloatArray, IntArray
from standby.analysis.impact import down_mask, failed_indices
from standby.analysis.recovery import return_times

__all__ = [
    "DEFAULT_CHUNK",
    "PERT_CELLS",
    "PERT_GAMMA",
    "SPREAD_CELLS",
    "CompiledRisk",
    "LossCurve",
    "Measure",
    "MeasureResult",
    "Pert",
    "SimulationResult",
    "Threat",
    "compile_risk",
    "loss_at",
    "simulate",
]

#: PERT shape parameter (weight of the most likely value).
PERT_GAMMA = 4.0
#: Cells of the tabulated PERT quantile function (see :meth:`Pert.sample`).
PERT_CELLS = 1 << 14
#: Equiprobable cells of the tabulated lognormal spread.
SPREAD_CELLS = 4096
_CELL_BITS = 12
assert 1 << _CELL_BITS == SPREAD_CELLS
#: Years simulated per chunk (bounds memory: about 60 bytes per event of a chunk).
DEFAULT_CHUNK = 1 << 17


@dataclass(frozen=True, slots=True)
class Pert:
    """A PERT distribution on ``[min, max]`` with mode ``likely`` (a scaled Beta).

    Examples
    --------
    >>> Pert(0.0, 1.0, 8.0).mean
    2.0
    >>> Pert(2.0, 1.0, 3.0)
    Traceback (most recent call last):
    ...
    ValueError: PERT needs 0 <= min <= likely <= max, got (2.0, 1.0, 3.0)
    """

    min: float
    likely: float
    max: float
    gamma: float = PERT_GAMMA

    def __post_init__(self) -> None:
        values = (self.min, self.likely, self.max)
        if not all(math.isfinite(v) for v in values) or not (
            0 <= self.min <= self.likely <= self.max
        ):
            raise ValueError(f"PERT needs 0 <= min <= likely <= max, got {values}")
        if not self.gamma > 0:
            raise ValueError(f"PERT gamma must be > 0, got {self.gamma}")

    @property
    def mean(self) -> float:
        """``(min + gamma * likely + max) / (gamma + 2)``."""
        return (self.min + self.gamma * self.likely + self.max) / (self.gamma + 2)

    @property
    def shape(self) -> tuple[float, float]:
        """The Beta parameters ``(alpha, beta)``."""
        width = self.max - self.min
        if width == 0:
            return (1.0, 1.0)
        alpha = 1 + self.gamma * (self.likely - self.min) / width
        return alpha, 1 + self.gamma * (self.max - self.likely) / width

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` draws, by inverse transform on a tabulated quantile function.

        The quantile function is computed exactly (``betaincinv``) at :data:`PERT_CELLS` + 1
        equally spaced probabilities and interpolated linearly between them: one uniform draw
        and two gathers per sample instead of a Beta draw (several times faster). The
        relative error of the mean is below 1e-4, even for a very skewed range (tested), far
        below the sampling error of any simulation.

        >>> x = Pert(1.0, 2.0, 9.0).sample(np.random.default_rng(0), 200_000)
        >>> bool(abs(x.mean() - 3.0) < 0.01), bool(x.min() >= 1.0), bool(x.max() <= 9.0)
        (True, True, True)
        """
        if self.max == self.min:
            return np.full(size, self.min)
        q, dq = _pert_table(self.min, self.likely, self.max, self.gamma)
        x = rng.random(size)
        x *= PERT_CELLS
        # x < PERT_CELLS, but rounding may give exactly PERT_CELLS: the tables have a last
        # entry (the max, with a difference of 0) for that.
        cell = x.astype(np.intp)
        x -= cell
        x *= dq[cell]
        x += q[cell]
        return x


@functools.lru_cache(maxsize=256)
def _pert_table(
    low: float, likely: float, high: float, gamma: float
) -> tuple[FloatArray, FloatArray]:
    """PERT quantiles at ``j / PERT_CELLS`` (j = 0..PERT_CELLS) and the differences to the
    next one (0 after the last)."""
    alpha, beta = Pert(low, likely, high, gamma).shape
    probs = np.linspace(0.0, 1.0, PERT_CELLS + 1)
    q = low + (high - low) * np.asarray(betaincinv(alpha, beta, probs), dtype=np.float64)
    q[0], q[-1] = low, high
    q.setflags(write=False)
    dq = np.append(np.diff(q), 0.0)
    dq.setflags(write=False)
    return q, dq


@dataclass(frozen=True, slots=True)
class Threat:
    """Something that fails ``fails`` about ``frequency`` times a year.

    ``frequency`` is the Poisson mean (events a year), or a :class:`Pert` range for that mean;
    ``duration`` (hours) replaces the failed nodes' recovery times; ``spread`` is the lognormal
    sigma of one event's outage multiplier (None or 0: no spread).
    """

    id: str
    frequency: float | Pert
    fails: tuple[str, ...]
    duration: float | None = None
    spread: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frequency, Pert) and not (
            math.isfinite(self.frequency) and self.frequency >= 0
        ):
            raise ValueError(f"threat {self.id!r}: frequency must be >= 0, got {self.frequency}")
        if self.duration is not None and not (math.isfinite(self.duration) and self.duration >= 0):
            raise ValueError(f"threat {self.id!r}: duration must be >= 0 hours")
        if self.spread is not None and not (math.isfinite(self.spread) and self.spread >= 0):
            raise ValueError(f"threat {self.id!r}: spread must be >= 0")

    @property
    def mean_frequency(self) -> float:
        """Expected events a year."""
        f = self.frequency
        return f.mean if isinstance(f, Pert) else float(f)


@dataclass(frozen=True, slots=True)
class Measure:
    """A proactive measure: what it costs a year and what it changes.

    ``frequency`` maps threat ids to a factor on their frequency (0.5 halves it);
    ``recovery`` maps node ids to a factor on their recovery time (for a threat with a fixed
    ``duration``, on that duration when the node is one the threat fails).
    """

    id: str
    annual_cost: float
    frequency: Mapping[str, float] = field(default_factory=dict)
    recovery: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, factors in (("frequency", self.frequency), ("recovery", self.recovery)):
            for key, factor in factors.items():
                if not (math.isfinite(factor) and factor >= 0):
                    raise ValueError(
                        f"measure {self.id!r}: {kind} factor of {key!r} must be >= 0, got {factor}"
                    )


@dataclass(frozen=True, slots=True)
class LossCurve:
    """Money lost by one process after ``horizons[j]`` hours down (None: not known).

    Examples
    --------
    >>> LossCurve((1.0, 4.0), (100.0, None)).points()
    ([0.0, 1.0], [0.0, 100.0])
    """

    horizons: tuple[float, ...]
    money: tuple[float | None, ...]

    def __post_init__(self) -> None:
        if len(self.horizons) != len(self.money):
            raise ValueError(
                f"a loss curve needs one amount per horizon: {len(self.horizons)} horizons, "
                f"{len(self.money)} amounts"
            )

    def points(self) -> tuple[list[float], list[float]]:
        """The known (hours, money) points, starting at (0, 0)."""
        xs, ys = [0.0], [0.0]
        for h, m in zip(self.horizons, self.money, strict=True):
            if m is not None:
                xs.append(float(h))
                ys.append(float(m))
        return xs, ys

    def filled(self) -> FloatArray:
        """Money at every horizon, unknown amounts interpolated as :func:`loss_at` would."""
        xs, ys = self.points()
        return np.interp(np.asarray(self.horizons, dtype=np.float64), xs, ys)


def loss_at(hours: float | None, curve: LossCurve) -> float:
    """Money lost by a process down for ``hours`` (None or ``inf``: unknown).

    Linear between (0, 0) and the known (horizon, money) points, constant after the last one;
    an unknown duration costs the last known amount.

    Examples
    --------
    >>> curve = LossCurve((4.0, 24.0, 72.0), (1000.0, 5000.0, 9000.0))
    >>> loss_at(2.0, curve), loss_at(14.0, curve), loss_at(100.0, curve), loss_at(None, curve)
    (500.0, 3000.0, 9000.0, 9000.0)
    """
    xs, ys = curve.points()
    if hours is None or math.isinf(hours):
        return ys[-1]
    return float(np.interp(max(hours, 0.0), xs, ys))


# -- compiling --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, slots=True)
class CompiledRisk:
    """Threats, measures and everything chance does not change; build it with
    :func:`compile_risk`.

    Scenario 0 is the baseline, scenario ``1 + i`` applies ``measure_ids[i]``. Arrays indexed
    ``[scenario, threat]``.
    """

    threat_ids: tuple[str, ...]
    measure_ids: tuple[str, ...]
    annual_cost: FloatArray
    #: Candidate events a year per threat (its mean frequency times ``F``).
    rate: FloatArray
    #: For a threat with a PERT frequency: P(a year has a candidate event) and the cumulative
    #: distribution of the candidate count in such a year (count ``k`` at position ``k - 1``).
    counts: Mapping[int, tuple[float, FloatArray]]
    #: Probability a candidate event happens, per scenario and threat (before PERT thinning).
    keep: FloatArray
    #: Lognormal sigma per threat (0: none).
    spread: FloatArray
    #: Loss of one event at the stated outage, per scenario and threat.
    event_loss: FloatArray
    #: Event loss at the quantiles of the spread, ``[scenario, threat, cell]`` (spread only).
    spread_loss: Mapping[int, FloatArray]
    #: Outage in hours (None: unknown) of every node with a loss curve, per baseline threat.
    outages: tuple[Mapping[str, float | None], ...]

    @property
    def n_scenarios(self) -> int:
        """1 + the number of measures."""
        return int(self.keep.shape[0])


def _factors(graph: CompiledGraph, factors: Mapping[str, float]) -> tuple[IntArray, FloatArray]:
    idx = graph.indices(factors)
    return idx, np.asarray([factors[k] for k in factors], dtype=np.float64).reshape(-1)


def _event_loss(
    durations: FloatArray, values: FloatArray, grid: FloatArray, multipliers: FloatArray
) -> FloatArray:
    """Event loss at each multiplier: sum over nodes of ``curve(duration * m)``.

    ``values[i]`` is node i's money at ``grid`` (which starts at 0). Nodes with the same
    duration share one interpolation (interpolation is linear in the values).
    """
    out = np.zeros(len(multipliers))
    unknown = np.isinf(durations)
    out += values[unknown, -1].sum()
    known = ~unknown & (durations > 0)
    if not known.any():
        return out
    distinct, inverse = np.unique(durations[known], return_inverse=True)
    summed = np.zeros((len(distinct), values.shape[1]))
    np.add.at(summed, inverse.reshape(-1), values[known])
    for d, row in zip(distinct.tolist(), summed, strict=True):
        out += np.interp(d * multipliers, grid, row)
    return out


def compile_risk(
    graph: CompiledGraph,
    threats: Sequence[Threat],
    losses: Mapping[str, LossCurve],
    measures: Sequence[Measure] = (),
) -> CompiledRisk:
    """Precompute what each threat takes down, for how long, and what an event costs.

    Parameters
    ----------
    graph
        The compiled dependency model.
    threats
        The threats; ids must be unique.
    losses
        Loss curve of every node whose outage costs money (normally the processes: a
        service's cost is already in the processes that need it).
    measures
        Proactive measures to compare with the baseline (each alone).

    Returns
    -------
    CompiledRisk

    Raises
    ------
    ValueError
        A repeated threat or measure id, a loss curve for an unknown node, or a measure
        naming an unknown threat.
    UnknownNodeError, NotFailableError
        A threat failing an unknown node, or a process or service.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("srv"),)),
    ...     NodeSpec("srv", NodeKind.ASSET, (), 8.0)])
    >>> curve = LossCurve((4.0, 24.0), (1000.0, 5000.0))
    >>> risk = compile_risk(g, [Threat("fire", 0.5, ("srv",))], {"pay": curve})
    >>> risk.outages, risk.event_loss.tolist()
    (({'pay': 8.0},), [[1800.0]])
    """
    threats = list(threats)
    measures = list(measures)
    for kind, ids in (("threat", [t.id for t in threats]), ("measure", [m.id for m in measures])):
        if len(set(ids)) != len(ids):
            raise ValueError(f"{kind} ids must be unique")
    threat_index = {t.id: i for i, t in enumerate(threats)}
    horizons = sorted({h for c in losses.values() for h in c.horizons})
    grid = np.asarray([0.0, *horizons])
    loss_nodes = graph.indices(losses)
    # Every curve on the union grid: exact, since each curve is linear between its own points.
    values = np.zeros((len(loss_nodes), len(grid)))
    for i, curve in enumerate(losses.values()):
        xs, ys = curve.points()
        values[i] = np.interp(grid, xs, ys)

    n_t, n_s = len(threats), 1 + len(measures)
    freq_factor = np.ones((n_s, n_t))
    recovery = np.tile(graph.recovery_time, (n_s, 1))
    node_factor = np.ones((n_s, graph.n_nodes))
    for s, measure in enumerate(measures, start=1):
        for threat_id, factor in measure.frequency.items():
            if threat_id not in threat_index:
                raise ValueError(f"measure {measure.id!r} names unknown threat {threat_id!r}")
            freq_factor[s, threat_index[threat_id]] = factor
        idx, factor_arr = _factors(graph, measure.recovery)
        node_factor[s, idx] = factor_arr
        recovery[s, idx] *= factor_arr
    top = np.maximum(freq_factor.max(axis=0), 1.0)
    keep = freq_factor / top
    base_rate = np.asarray([t.mean_frequency for t in threats], dtype=np.float64).reshape(-1)
    counts = {
        t: _mixed_poisson(threat.frequency, float(top[t]))
        for t, threat in enumerate(threats)
        if isinstance(threat.frequency, Pert)
    }
    spread = np.asarray([t.spread or 0.0 for t in threats], dtype=np.float64).reshape(-1)
    cells = np.exp(
        np.outer(spread, ndtri((np.arange(SPREAD_CELLS) + 0.5) / SPREAD_CELLS))
    )  # [threat, cell]

    event_loss = np.zeros((n_s, n_t))
    spread_loss: dict[int, FloatArray] = {
        t: np.zeros((n_s, SPREAD_CELLS)) for t in np.flatnonzero(spread > 0).tolist()
    }
    outages: list[dict[str, float | None]] = []
    one = np.ones(1)
    for t, threat in enumerate(threats):
        failed = failed_indices(graph, threat.fails)
        down = down_mask(graph, failed)
        hit = down[loss_nodes]
        for s in range(n_s):
            own = recovery[s].copy()
            if threat.duration is not None:
                own[failed] = threat.duration * node_factor[s, failed]
            back = return_times(replace(graph, recovery_time=own), failed.tolist(), down)
            durations = back[loss_nodes][hit]
            rows = values[hit]
            event_loss[s, t] = _event_loss(durations, rows, grid, one)[0]
            if t in spread_loss:
                spread_loss[t][s] = _event_loss(durations, rows, grid, cells[t])
            if s == 0:
                ids = [graph.ids[v] for v in loss_nodes[hit].tolist()]
                outages.append(
                    {
                        k: (None if math.isinf(d) else d)
                        for k, d in zip(ids, durations.tolist(), strict=True)
                    }
                )
    return CompiledRisk(
        threat_ids=tuple(t.id for t in threats),
        measure_ids=tuple(m.id for m in measures),
        annual_cost=np.asarray([m.annual_cost for m in measures], dtype=np.float64),
        rate=base_rate * top,
        counts=counts,
        keep=keep,
        spread=spread,
        event_loss=event_loss,
        spread_loss=spread_loss,
        outages=tuple(outages),
    )


# -- simulating -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasureResult:
    """A measure's expected annual loss, the loss it avoids, and whether it pays for itself.

    ``loss_avoided_se`` is the standard error of ``loss_avoided`` (common random numbers make
    it small). ``economical`` when the loss avoided is larger than the annual cost.
    """

    id: str
    annual_cost: float
    ale: float
    loss_avoided: float
    loss_avoided_se: float
    economical: bool


@dataclass(frozen=True, eq=False, slots=True)
class SimulationResult:
    """Annual losses of every simulated year (baseline) and their summary."""

    trials: int
    annual_losses: FloatArray
    ale: float
    p50: float
    p90: float
    p99: float
    threat_ale: Mapping[str, float]
    measures: Mapping[str, MeasureResult]

    def exceedance(self, points: int = 100) -> tuple[FloatArray, FloatArray]:
        """Loss-exceedance curve: losses ``x`` (ascending) and ``P(annual loss > x)``.

        >>> r = simulate(_example(), 1000, np.random.default_rng(1))
        >>> x, p = r.exceedance(5)
        >>> bool(p[0] <= 1.0 and all(p[:-1] >= p[1:]))
        True
        """
        ordered = np.sort(self.annual_losses)
        x = np.unique(np.quantile(ordered, np.linspace(0.0, 1.0, points)))
        above = 1.0 - np.searchsorted(ordered, x, side="right") / len(ordered)
        return x, above

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (the ``standby analyze risk --json`` shape, plus measures)."""
        out: dict[str, object] = {
            "trials": self.trials,
            "ale": self.ale,
            "p50": self.p50,
            "p90": self.p90,
            "p99": self.p99,
            "threats": {k: {"ale": v} for k, v in self.threat_ale.items()},
        }
        if self.measures:
            out["measures"] = {
                k: {
                    "annual_cost": m.annual_cost,
                    "ale": m.ale,
                    "loss_avoided": m.loss_avoided,
                    "loss_avoided_se": m.loss_avoided_se,
                    "economical": m.economical,
                }
                for k, m in self.measures.items()
            }
        return out


def _mixed_poisson(pert: Pert, factor: float) -> tuple[float, FloatArray]:
    """Events in a year whose Poisson mean is ``factor`` times a PERT draw.

    Returns P(at least one event) and the cumulative distribution of the count given at least
    one (count ``k`` at position ``k - 1``). The mixture over the PERT is the average over the
    :data:`PERT_CELLS` equiprobable cells, each at its midpoint.
    """
    if pert.max == pert.min:
        lam = np.full(1, pert.min * factor)
    else:
        q, _ = _pert_table(pert.min, pert.likely, pert.max, pert.gamma)
        lam = (q[:-1] + q[1:]) * (factor / 2)
    top = float(lam.max())
    k = np.arange(int(top + 12 * math.sqrt(top) + 20) + 1, dtype=np.float64)
    log_pmf = xlogy(k[:, None], lam[None, :]) - lam[None, :] - gammaln(k + 1)[:, None]
    pmf = np.exp(log_pmf).mean(axis=1)
    p_any = float(1.0 - pmf[0])
    if p_any <= 0:
        return 0.0, np.ones(1)
    cdf = np.cumsum(pmf[1:]) / p_any
    cdf[-1] = 1.0
    return p_any, cdf


def _years_with_events(
    rng: np.random.Generator, p_any: float, cdf: FloatArray, n: int
) -> NDArray[np.int32]:
    """Year (0..n-1) of every event, each year independently having a count drawn from
    (1 - p_any at 0, else ``cdf``): geometric gaps between years with events, so the cost is
    proportional to the events, not to ``n``."""
    if p_any <= 0:
        return np.empty(0, dtype=np.int32)
    expected = n * p_any
    parts: list[NDArray[np.int64]] = []
    reached = -1
    while reached < n - 1:
        size = int(expected + 6 * math.sqrt(expected) + 16)
        positions = np.cumsum(rng.geometric(p_any, size)) + reached
        parts.append(positions)
        reached = int(positions[-1])
    years = np.concatenate(parts)
    years = years[: np.searchsorted(years, n)]
    counts = np.searchsorted(cdf, rng.random(years.size), side="right") + 1
    return np.repeat(years.astype(np.int32), np.minimum(counts, cdf.size))


def simulate(
    risk: CompiledRisk,
    trials: int,
    rng: np.random.Generator,
    *,
    chunk: int = DEFAULT_CHUNK,
) -> SimulationResult:
    """Simulate ``trials`` years of losses.

    Parameters
    ----------
    risk
        From :func:`compile_risk`.
    trials
        Years to simulate (>= 1).
    rng
        The only source of randomness: the same seed gives the same numbers.
    chunk
        Years simulated at once (memory is about 60 bytes per event of a chunk).

    Returns
    -------
    SimulationResult
        ``ale`` is the mean annual loss; ``p50``, ``p90``, ``p99`` percentiles (linear
        interpolation, as :func:`numpy.percentile`).

    Examples
    --------
    >>> r = simulate(_example(), 100_000, np.random.default_rng(7))
    >>> round(r.ale, -1), r.p50
    (900.0, 0.0)
    """
    if trials < 1:
        raise ValueError(f"trials must be >= 1, got {trials}")
    n_s, n_t = risk.keep.shape
    annual = np.empty((n_s, trials))
    threat_total = np.zeros((n_s, n_t))
    thinned: list[bool] = [bool((risk.keep[:, t] < 1).any()) for t in range(n_t)]
    spread_ts = set(risk.spread_loss)
    for start in range(0, trials, chunk):
        n = min(chunk, trials - start)
        year_parts: list[NDArray[np.integer]] = []
        cells: dict[int, NDArray[np.integer]] = {}
        chance: dict[int, FloatArray] = {}
        for t in range(n_t):
            if t in risk.counts:
                years = _years_with_events(rng, *risk.counts[t], n)
                if t in spread_ts:
                    cells[t] = rng.integers(0, SPREAD_CELLS, years.size, dtype=np.int32)
            elif t in spread_ts:
                # One draw gives both the year and the spread cell of an event.
                size = int(rng.poisson(risk.rate[t] * n))
                both = rng.integers(0, n * SPREAD_CELLS, size, dtype=np.int64)
                years, cells[t] = both >> _CELL_BITS, both & (SPREAD_CELLS - 1)
            else:
                size = int(rng.poisson(risk.rate[t] * n))
                years = rng.integers(0, n, size, dtype=np.int32)
            if thinned[t]:
                chance[t] = rng.random(years.size)
            year_parts.append(years)
        ptr = np.zeros(n_t + 1, dtype=np.int64)
        np.cumsum([y.size for y in year_parts], out=ptr[1:])
        all_years = np.concatenate(year_parts)
        weights = np.empty(all_years.size)
        for s in range(n_s):
            for t in range(n_t):
                a, b = int(ptr[t]), int(ptr[t + 1])
                if a == b:
                    continue
                block = weights[a:b]
                if t in cells:
                    np.take(risk.spread_loss[t][s], cells[t], out=block)
                else:
                    block.fill(risk.event_loss[s, t])
                if t in chance and risk.keep[s, t] < 1:
                    block *= chance[t] < risk.keep[s, t]
                threat_total[s, t] += block.sum()
            annual[s, start : start + n] = np.bincount(all_years, weights=weights, minlength=n)
    base = annual[0]
    p50, p90, p99 = np.percentile(base, [50, 90, 99]).tolist()
    ale = float(base.mean())
    measures: dict[str, MeasureResult] = {}
    for i, measure_id in enumerate(risk.measure_ids):
        diff = base - annual[i + 1]
        avoided = float(diff.mean())
        cost = float(risk.annual_cost[i])
        measures[measure_id] = MeasureResult(
            id=measure_id,
            annual_cost=cost,
            ale=float(annual[i + 1].mean()),
            loss_avoided=avoided,
            loss_avoided_se=float(diff.std() / math.sqrt(trials)),
            economical=avoided > cost,
        )
    return SimulationResult(
        trials=trials,
        annual_losses=base,
        ale=ale,
        p50=float(p50),
        p90=float(p90),
        p99=float(p99),
        threat_ale={
            k: float(v) / trials for k, v in zip(risk.threat_ids, threat_total[0], strict=True)
        },
        measures=measures,
    )


def _example() -> CompiledRisk:
    """A one-threat model for the doctests: 0.5 events a year costing 1,800 each."""
    from standby.analysis.graph import compile_graph
    from standby.analysis.model import NodeKind, NodeSpec, Requirement

    g = compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("srv"),)),
            NodeSpec("srv", NodeKind.ASSET, (), 8.0),
        ]
    )
    curve = LossCurve((4.0, 24.0), (1000.0, 5000.0))
    return compile_risk(g, [Threat("fire", 0.5, ("srv",))], {"pay": curve})
