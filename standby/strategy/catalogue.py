"""The recovery options catalogue: ``standby/library/recovery-options.yaml``, validated on load.

The file holds the ITIL options (typical recovery time range, indicative costs), the recovery
tiers and the backup policy (how old a restore test may be). Every problem is named at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml

from standby.modelfile.durations import DurationError, parse_duration

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "library" / "recovery-options.yaml"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # KEY_VALIDATOR's rule (fullmatch)


class CatalogueError(ValueError):
    """The catalogue is not valid; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class OptionData:
    key: str
    name: str
    also_called: str
    description: str
    min_hours: float | None
    max_hours: float | None
    typical_hours: float | None
    one_off_cost: Decimal
    annual_cost: Decimal


@dataclass(frozen=True)
class TierData:
    number: int
    name: str
    rto: float
    rpo: float


@dataclass(frozen=True)
class Catalogue:
    version: int
    options: list[OptionData]
    tiers: list[TierData]
    restore_test_months: int


def _hours(value: object, where: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except DurationError as error:
        problems.append(f"{where}: {error}")
        return None


def _money(value: object, where: str, problems: list[str]) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        problems.append(f"{where}: expected an amount, got {value!r}")
        return Decimal(0)
    if not amount.is_finite() or amount < 0:
        problems.append(f"{where}: an amount is a number ≥ 0")
        return Decimal(0)
    return amount


def _option(item: object, position: int, seen: set[str], problems: list[str]) -> OptionData | None:
    if not isinstance(item, dict):
        problems.append(f"options, item {position}: expected id, name, recovery_time and costs")
        return None
    key, name = item.get("id"), item.get("name")
    label = f"option {key!r}" if isinstance(key, str) else f"options, item {position}"
    if not isinstance(key, str) or not _ID.fullmatch(key):
        problems.append(
            f"{label}: the id uses 1–100 letters, digits, dots, dashes, underscores, "
            "starting with a letter or digit"
        )
    elif key in seen:
        problems.append(f"{label}: this id appears twice")
    else:
        seen.add(key)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: give a name")
    times = item.get("recovery_time") or {}
    if not isinstance(times, dict):
        problems.append(f"{label}: recovery_time is a mapping of min, max and typical")
        times = {}
    low = _hours(times.get("min"), f"{label}, recovery_time.min", problems)
    high = _hours(times.get("max"), f"{label}, recovery_time.max", problems)
    typical = _hours(times.get("typical"), f"{label}, recovery_time.typical", problems)
    if low is not None and high is not None and low > high:
        problems.append(f"{label}: recovery_time.min is above recovery_time.max")
    return OptionData(
        key=str(key),
        name=str(name or "").strip(),
        also_called=str(item.get("also_called") or "").strip(),
        description=str(item.get("description") or "").strip(),
        min_hours=low,
        max_hours=high,
        typical_hours=typical,
        one_off_cost=_money(item.get("one_off_cost"), f"{label}, one_off_cost", problems),
        annual_cost=_money(item.get("annual_cost"), f"{label}, annual_cost", problems),
    )


def _tier(item: object, position: int, seen: set[int], problems: list[str]) -> TierData | None:
    if not isinstance(item, dict):
        problems.append(f"tiers, item {position}: expected tier, name, rto and rpo")
        return None
    number = item.get("tier")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        problems.append(f"tiers, item {position}: tier is a whole number from 1")
        return None
    if number in seen:
        problems.append(f"tier {number}: appears twice")
    seen.add(number)
    rto = _hours(item.get("rto"), f"tier {number}, rto", problems)
    rpo = _hours(item.get("rpo"), f"tier {number}, rpo", problems)
    if rto is None or rpo is None:
        problems.append(f"tier {number}: give an rto and an rpo")
        return None
    return TierData(number, str(item.get("name") or f"Tier {number}"), rto, rpo)


def parse_catalogue(text: str, *, source: str = "the catalogue") -> Catalogue:
    """Parse and validate catalogue YAML; raise :class:`CatalogueError` naming each problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CatalogueError([f"{source} is not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise CatalogueError([f"{source} must be a mapping with version, options and tiers"])
    problems: list[str] = []
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version: a whole number from 1")
        version = 1
    raw_options = data.get("options")
    options: list[OptionData] = []
    if not isinstance(raw_options, list) or not raw_options:
        problems.append("options: give at least one recovery option")
    else:
        seen: set[str] = set()
        for position, item in enumerate(raw_options, start=1):
            option = _option(item, position, seen, problems)
            if option is not None:
                options.append(option)
    tiers: list[TierData] = []
    seen_tiers: set[int] = set()
    for position, item in enumerate(data.get("tiers") or [], start=1):
        tier = _tier(item, position, seen_tiers, problems)
        if tier is not None:
            tiers.append(tier)
    backups = data.get("backups") or {}
    months = backups.get("restore_test_months", 12) if isinstance(backups, dict) else None
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        problems.append("backups.restore_test_months: a whole number of months from 1")
        months = 12
    if problems:
        raise CatalogueError(problems)
    return Catalogue(version, options, sorted(tiers, key=lambda t: t.number), months)


@lru_cache(maxsize=1)
def library() -> Catalogue:
    """The catalogue shipped in ``standby/library/recovery-options.yaml``."""
    return parse_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"), source=CATALOGUE_FILE.name)
