"""Plan templates: versioned YAML outlines (``standby/library/plan-templates/<key>.yaml``).

A template orders the plan's sections and gives each a heading and guidance text; the content of
a section (``id``) is always the same data, whatever the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from standby.plans.choices import PlanTemplate

LIBRARY = Path(__file__).resolve().parent.parent / "library" / "plan-templates"
SECTION_IDS = frozenset(
    {"purpose", "invocation", "people", "communications", "sequence", "return", "appendices"}
)


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    guidance: str


@dataclass(frozen=True)
class Outline:
    key: str
    version: int
    name: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


class TemplateError(ValueError):
    """A plan template file is not valid."""


def parse(text: str, source: str = "template") -> Outline:
    """Validate and read one template (every section id known, each exactly once)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: expected a mapping")
    try:
        sections = tuple(
            Section(str(s["id"]), str(s["heading"]), str(s.get("guidance", "")))
            for s in data["sections"]
        )
        outline = Outline(str(data["key"]), int(data["version"]), str(data["name"]), sections)
    except (KeyError, TypeError, ValueError) as error:
        raise TemplateError(f"{source}: {error}") from None
    ids = [s.id for s in sections]
    if set(ids) != SECTION_IDS or len(ids) != len(SECTION_IDS):
        raise TemplateError(f"{source}: sections must be exactly {sorted(SECTION_IDS)}")
    return outline


@cache
def outline(key: str) -> Outline:
    """The outline of template ``key`` (``itscm`` or ``nist``)."""
    if key not in PlanTemplate.values:
        key = PlanTemplate.ITSCM
    path = LIBRARY / f"{key}.yaml"
    return parse(path.read_text(encoding="utf-8"), source=path.name)
