"""Reference data of the risk register, validated on load with every problem named.

* ``standby/library/risk-matrix.yaml``: the likelihood × impact matrix (levels, names, bands,
  colours);
* ``standby/library/threats.yaml``: the threat library (the seed's table and common others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from standby.risks.choices import RiskCategory, ThreatCategory

LIBRARY = Path(__file__).resolve().parent.parent / "library"
MATRIX_FILE = LIBRARY / "risk-matrix.yaml"
THREATS_FILE = LIBRARY / "threats.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
STATUSES = ("ok", "risk", "breach", "unknown")
MAX_LEVELS = 10


class LibraryError(ValueError):
    """A library file is not valid; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class Band:
    """A range of scores (up to ``max``) with its name, colours and status word."""

    id: str
    name: str
    max: int
    colour: str
    ink: str
    status: str


@dataclass(frozen=True)
class Rating:
    """Likelihood × impact on the matrix: the score and its band."""

    likelihood: int
    impact: int
    score: int
    band: Band

    @property
    def text(self) -> str:
        return f"{self.band.name} ({self.score})"


@dataclass(frozen=True)
class Matrix:
    """The risk matrix in force."""

    version: int
    likelihood: tuple[Level, ...]
    impact: tuple[Level, ...]
    bands: tuple[Band, ...]

    @property
    def size(self) -> tuple[int, int]:
        return len(self.likelihood), len(self.impact)

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if score <= band.max:
                return band
        return self.bands[-1]

    def rate(self, likelihood: int, impact: int) -> Rating:
        """The score and band of a position (levels start at 1)."""
        score = likelihood * impact
        return Rating(likelihood, impact, score, self.band_for(score))

    def band_choices(self) -> list[tuple[str, str]]:
        return [(b.id, b.name) for b in self.bands]


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LibraryError([f"{path.name} is not valid YAML: {error}"]) from None


def _levels(data: Any, axis: str, problems: list[str]) -> list[Level]:
    if not isinstance(data, list) or not 2 <= len(data) <= MAX_LEVELS:
        problems.append(f"{axis}: give 2 to {MAX_LEVELS} levels, lowest first")
        return []
    levels = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(f"{axis}, item {position}: expected level, name and description")
            continue
        if item.get("level", position) != position:
            problems.append(f"{axis}, item {position}: expected level {position}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{axis}, level {position}: give a name")
            continue
        levels.append(Level(position, name.strip(), str(item.get("description") or "").strip()))
    return levels


def validate_matrix(data: object, *, source: str = "the risk matrix") -> Matrix:
    """Check a loaded matrix: levels 1…n on each axis, ascending bands covering every score."""
    if not isinstance(data, dict):
        raise LibraryError([f"{source} must be a mapping with likelihood, impact and bands"])
    problems: list[str] = []
    likelihood = _levels(data.get("likelihood"), "likelihood", problems)
    impact = _levels(data.get("impact"), "impact", problems)
    bands: list[Band] = []
    raw = data.get("bands")
    if not isinstance(raw, list) or not raw:
        problems.append("bands: give at least one band (id, name, max, colour, ink, status)")
        raw = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(f"bands, item {position}: expected id, name, max, colour, ink, status")
            continue
        bid = item.get("id")
        label = f"band {bid!r}" if isinstance(bid, str) else f"bands, item {position}"
        if not isinstance(bid, str) or not _ID.match(bid):
            problems.append(f"{label}: the id uses lower-case letters, digits and _")
        elif bid in seen:
            problems.append(f"{label}: this id appears twice")
        seen.add(str(bid))
        name, top = item.get("name"), item.get("max")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label}: give a name")
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            problems.append(f"{label}: max is a whole score of 1 or more")
            top = 0
        elif bands and top <= bands[-1].max:
            problems.append(f"{label}: max {top} is not above the band before it (ascending)")
        for key in ("colour", "ink"):
            if not isinstance(item.get(key), str) or not _COLOUR.match(item[key]):
                problems.append(f"{label}: {key} is a colour such as #d1e7dd")
        status = item.get("status", "unknown")
        if status not in STATUSES:
            problems.append(f"{label}: status is one of {', '.join(STATUSES)}")
        bands.append(
            Band(
                str(bid),
                str(name or "").strip(),
                int(top),
                str(item.get("colour")),
                str(item.get("ink")),
                str(status),
            )
        )
    if likelihood and impact and bands and bands[-1].max < len(likelihood) * len(impact):
        problems.append(
            f"bands: the last band's max ({bands[-1].max}) must reach the highest score "
            f"({len(likelihood)} × {len(impact)} = {len(likelihood) * len(impact)})"
        )
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append("version: a whole number, 1 or more")
    if problems:
        raise LibraryError([f"{source}: {p}" for p in problems])
    return Matrix(int(version), tuple(likelihood), tuple(impact), tuple(bands))


@cache
def load_matrix(path: Path = MATRIX_FILE) -> Matrix:
    """The matrix from the library file (validated once per process)."""
    return validate_matrix(_read(path), source=path.name)


@dataclass(frozen=True)
class LibraryThreat:
    """One threat of the library file."""

    id: str
    name: str
    category: str
    risks: tuple[str, ...]
    frequency: float
    duration: float | None
    description: str


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def validate_threats(data: object, *, source: str = "the threat library") -> list[LibraryThreat]:
    """Check a loaded threat library; raise :class:`LibraryError` naming every problem."""
    if not isinstance(data, dict) or not isinstance(data.get("threats"), list):
        raise LibraryError([f"{source} must be a mapping with version and a list of threats"])
    problems: list[str] = []
    threats: list[LibraryThreat] = []
    seen: set[str] = set()
    for position, item in enumerate(data["threats"], start=1):
        if not isinstance(item, dict):
            problems.append(f"threats, item {position}: expected id, name, category, frequency")
            continue
        tid = item.get("id")
        label = f"threat {tid!r}" if isinstance(tid, str) else f"threats, item {position}"
        if not isinstance(tid, str) or not _ID.match(tid):
            problems.append(f"{label}: the id uses lower-case letters, digits and _")
        elif tid in seen:
            problems.append(f"{label}: this id appears twice")
        seen.add(str(tid))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label}: give a name")
        category = item.get("category")
        if category not in ThreatCategory.values:
            problems.append(f"{label}: category is one of {', '.join(ThreatCategory.values)}")
        risks = item.get("risks", [])
        if not isinstance(risks, list) or any(r not in RiskCategory.values for r in risks):
            problems.append(f"{label}: risks lists ids among {', '.join(RiskCategory.values)}")
            risks = []
        frequency = _number(item.get("frequency"))
        if frequency is None or frequency < 0:
            problems.append(f"{label}: frequency is events per year, a number ≥ 0")
        duration = item.get("duration")
        if duration is not None and (_number(duration) is None or float(duration) < 0):
            problems.append(f"{label}: duration is hours, a number ≥ 0")
            duration = None
        threats.append(
            LibraryThreat(
                str(tid),
                str(name or "").strip(),
                str(category),
                tuple(risks),
                frequency or 0.0,
                None if duration is None else float(duration),
                str(item.get("description") or "").strip(),
            )
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append("version: a whole number, 1 or more")
    if problems:
        raise LibraryError([f"{source}: {p}" for p in problems])
    return threats


def library_version(path: Path = THREATS_FILE) -> int:
    data = _read(path)
    return int(data["version"]) if isinstance(data, dict) else 0


def load_threats(path: Path = THREATS_FILE) -> list[LibraryThreat]:
    """The threats of the library file (validated)."""
    return validate_threats(_read(path), source=path.name)
