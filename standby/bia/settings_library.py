"""The BIA settings as YAML: the default scale in ``standby/library/bia-defaults.yaml``, and the
text a manager edits to make a new settings version. Validated on load, every problem named.

The YAML shape (see the library file)::

    currency: GBP
    intolerable: 4
    horizons: [1h, 4h, 1d, 3d, 1w, 2w, 4w]
    levels: [{level: 0, name: None}, … {level: 5, name: Catastrophic}]
    categories: [{id: financial, name: Financial, levels: [six descriptions]}, …]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from standby.modelfile.durations import DurationError, format_duration, parse_duration

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "library" / "bia-defaults.yaml"
LEVEL_COUNT = 6  # levels 0 (none) … 5 (catastrophic)
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 2_000_000


class BiaSettingsError(ValueError):
    """The settings text is not valid; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SettingsData:
    """Validated settings, in the shape of :class:`standby.bia.models.BiaSettings`' fields."""

    categories: list[dict[str, Any]]
    levels: list[str]
    horizons: list[float]
    intolerable_level: int
    currency: str


def parse_settings(text: str, *, source: str = "the settings") -> SettingsData:
    """Parse and validate settings YAML; raise :class:`BiaSettingsError` naming each problem."""
    if len(text) > MAX_TEXT:
        raise BiaSettingsError([f"{source} is too long"])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BiaSettingsError([f"{source} is not valid YAML: {error}"]) from None
    return validate_settings(data, source=source)


def validate_settings(data: object, *, source: str = "the settings") -> SettingsData:
    """Check a loaded mapping: 6 levels, ascending horizons, 6 descriptions per category."""
    if not isinstance(data, dict):
        raise BiaSettingsError([f"{source} must be a mapping with horizons, levels, categories"])
    problems: list[str] = []

    horizons: list[float] = []
    raw_horizons = data.get("horizons")
    if not isinstance(raw_horizons, list) or not raw_horizons:
        problems.append("horizons: give a list of durations, e.g. [1h, 4h, 1d]")
    else:
        for position, value in enumerate(raw_horizons, start=1):
            try:
                hours = parse_duration(value)
            except DurationError as error:
                problems.append(f"horizons, item {position}: {error}")
                continue
            if hours <= 0:
                problems.append(f"horizons, item {position}: a horizon must be after 0 h")
            elif horizons and hours <= horizons[-1]:
                problems.append(
                    f"horizons, item {position}: {value} is not after the one before it "
                    "(horizons must be in ascending order, each once)"
                )
            horizons.append(hours)

    levels: list[str] = []
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, list) or len(raw_levels) != LEVEL_COUNT:
        problems.append(f"levels: give exactly {LEVEL_COUNT} levels, 0 to {LEVEL_COUNT - 1}")
    else:
        for position, item in enumerate(raw_levels):
            name = item.get("name") if isinstance(item, dict) else item
            number = item.get("level", position) if isinstance(item, dict) else position
            if number != position:
                problems.append(f"levels, item {position + 1}: expected level {position}")
            if not isinstance(name, str) or not name.strip():
                problems.append(f"levels, level {position}: give a name")
            else:
                levels.append(name.strip())

    categories: list[dict[str, Any]] = []
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        problems.append("categories: give at least one impact category")
    else:
        seen: set[str] = set()
        for position, item in enumerate(raw_categories, start=1):
            if not isinstance(item, dict):
                problems.append(f"categories, item {position}: expected id, name and levels")
                continue
            cid, name, descriptions = item.get("id"), item.get("name"), item.get("levels")
            label = f"category {cid!r}" if isinstance(cid, str) else f"categories, item {position}"
            if not isinstance(cid, str) or not _ID.match(cid):
                problems.append(f"{label}: the id uses lower-case letters, digits and _")
            elif cid in seen:
                problems.append(f"{label}: this id appears twice")
            else:
                seen.add(cid)
            if not isinstance(name, str) or not name.strip():
                problems.append(f"{label}: give a name")
            if (
                not isinstance(descriptions, list)
                or len(descriptions) != LEVEL_COUNT
                or not all(isinstance(d, str) and d.strip() for d in descriptions)
            ):
                problems.append(
                    f"{label}: give {LEVEL_COUNT} level descriptions (level 0 to "
                    f"{LEVEL_COUNT - 1}), each a line of text"
                )
                continue
            categories.append(
                {
                    "id": cid,
                    "name": str(name).strip(),
                    "levels": [d.strip() for d in descriptions],
                }
            )

    intolerable = data.get("intolerable", 4)
    if (
        isinstance(intolerable, bool)
        or not isinstance(intolerable, int)
        or not 1 <= intolerable <= 5
    ):
        problems.append("intolerable: give a level between 1 and 5")
    currency = data.get("currency", "GBP")
    if not isinstance(currency, str) or not re.match(r"^[A-Z]{3}$", currency):
        problems.append("currency: give a three-letter code such as GBP or EUR")
    if problems:
        raise BiaSettingsError(problems)
    return SettingsData(categories, levels, horizons, int(intolerable), str(currency))


def load_library(path: Path = LIBRARY_FILE) -> SettingsData:
    """The default settings from the library file (validated)."""
    return parse_settings(path.read_text(encoding="utf-8"), source=path.name)


def settings_to_yaml(data: SettingsData) -> str:
    """The text a manager edits: the same shape as the library file."""
    document = {
        "currency": data.currency,
        "intolerable": data.intolerable_level,
        "horizons": [format_duration(h) for h in data.horizons],
        "levels": [{"level": i, "name": name} for i, name in enumerate(data.levels)],
        "categories": data.categories,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
