"""Reads of recovery plans, each in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from standby.bia.selectors import ranked
from standby.inventory.models import Node
from standby.inventory.selectors import analysis_nodes
from standby.plans import sequence
from standby.plans.choices import VersionStatus
from standby.plans.models import Plan, PlanStep, PlanVersion


@dataclass(frozen=True)
class Graph:
    """The dependency graph as plain data: what each node requires, its kind and name."""

    requires: dict[str, tuple[str, ...]]
    kinds: dict[str, str]
    names: dict[str, str]
    recovery_times: dict[str, float | None]

    def cone(self, scope: list[str]) -> set[str]:
        return sequence.cone(self.requires, scope)


def graph() -> Graph:
    """Every node's direct requirements (members of its requirements, its site and supplier).
    4 queries."""
    specs = analysis_nodes()
    requires = {s.id: tuple(dict.fromkeys(m for req in s.requires for m in req.of)) for s in specs}
    kinds = {s.id: str(s.kind) for s in specs}
    times = {s.id: s.recovery_time for s in specs}
    names = dict(Node.objects.values_list("key", "name"))
    return Graph(requires, kinds, names, times)


def bia_ranks() -> dict[str, int]:
    """Node key → its BIA recovery priority rank (1 is the most urgent). 2 queries."""
    return {row.node.key: row.rank for row in ranked()}


def generated_order(scope: list[str], g: Graph | None = None) -> list[str]:
    """The node keys of the generated recovery sequence of ``scope``."""
    g = g or graph()
    return sequence.generate(g.requires, g.kinds, bia_ranks(), scope)


def scope_keys(plan: Plan) -> list[str]:
    """Keys of the processes and services a plan covers (1 query)."""
    return sorted(plan.scope.values_list("key", flat=True))


def steps_of(plan: Plan) -> QuerySet[PlanStep]:
    """A draft's steps in order with their node, team and owner (1 query)."""
    return plan.steps.select_related("node", "team", "owner").order_by("position")


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    latest: PlanVersion | None
    approved: PlanVersion | None
    in_review: PlanVersion | None

    @property
    def status(self) -> str:
        if self.in_review is not None:
            return "in review"
        if self.approved is not None:
            return "approved"
        return "draft"

    @property
    def status_class(self) -> str:
        return {"approved": "ok", "in review": "risk"}.get(self.status, "unknown")


def plan_rows() -> list[PlanRow]:
    """Every plan with its newest, approved and in-review version (2 queries)."""
    versions = PlanVersion.objects.only(
        "id", "plan_id", "number", "status", "approved_at", "submitted_at"
    ).order_by("-number")
    plans = Plan.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by(
        "title", "key"
    )
    rows = []
    for plan in plans:
        listed = list(plan.versions.all())
        rows.append(
            PlanRow(
                plan,
                listed[0] if listed else None,
                next((v for v in listed if v.status == VersionStatus.APPROVED), None),
                next((v for v in listed if v.status == VersionStatus.IN_REVIEW), None),
            )
        )
    return rows


def versions_of(plan: Plan) -> QuerySet[PlanVersion]:
    """A plan's versions, newest first, with who submitted and approved (1 query)."""
    return plan.versions.select_related("submitted_by", "approved_by").defer("content")


def approved_version(plan: Plan) -> PlanVersion | None:
    """The version in force, or None."""
    return plan.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def next_number(plan: Plan) -> int:
    return int(plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def process_service_choices() -> list[tuple[str, str]]:
    """(key, label) of every process and service, for the scope picker (1 query)."""
    return [
        (key, f"{name} ({kind})")
        for key, name, kind in Node.objects.filter(kind__in=["process", "service"])
        .order_by("kind", "name")
        .values_list("key", "name", "kind")
    ]


def content_sections(content: dict[str, Any]) -> dict[str, Any]:
    """The sections a diff compares, each as comparable plain data."""
    plan = content.get("plan", {})
    return {
        "purpose": plan.get("purpose", ""),
        "invocation": {
            "triggers": plan.get("invocation_triggers", ""),
            "authority": plan.get("invocation_authority", ""),
            "procedure": plan.get("invocation_procedure", ""),
        },
        "scope": [row.get("key") for row in content.get("scope", [])],
        "teams": content.get("teams", []),
        "call_tree": content.get("call_tree", []),
        "communications": content.get("communications", []),
        "return_to_normal": plan.get("return_to_normal", ""),
        "appendices": content.get("appendices", {}),
    }


# -- diff between two versions ----------------------------------------------------------------


@dataclass(frozen=True)
class SectionChange:
    """One section compared: ``changed`` and, for text, the old and new text."""

    name: str
    changed: bool
    old: Any
    new: Any


@dataclass(frozen=True)
class StepChange:
    title: str
    fields: list[str]  # which fields changed (empty: only moved)
    old_position: int
    new_position: int


@dataclass(frozen=True)
class Diff:
    sections: list[SectionChange]
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[StepChange]

    @property
    def any(self) -> bool:
        return bool(
            self.added or self.removed or self.changed or any(s.changed for s in self.sections)
        )


STEP_FIELDS = ("title", "procedure", "team", "owner", "expected_duration", "verification")


def _step_identity(step: dict[str, Any]) -> str:
    node = step.get("node")
    return f"node:{node['key']}" if node else f"manual:{step.get('title', '')}"


def compare(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Section by section, then steps added, removed and changed (matched by node, manual steps
    by title)."""
    a, b = content_sections(old), content_sections(new)
    sections = [SectionChange(name, a[name] != b[name], a[name], b[name]) for name in a]
    old_steps = {_step_identity(s): s for s in old.get("steps", [])}
    new_steps = {_step_identity(s): s for s in new.get("steps", [])}
    added = [s for k, s in new_steps.items() if k not in old_steps]
    removed = [s for k, s in old_steps.items() if k not in new_steps]
    changed = []
    for k, s in new_steps.items():
        if k not in old_steps:
            continue
        before = old_steps[k]
        fields = [f for f in STEP_FIELDS if before.get(f) != s.get(f)]
        if fields or before.get("position") != s.get("position"):
            changed.append(
                StepChange(s["title"], fields, int(before["position"]), int(s["position"]))
            )
    return Diff(sections, added, removed, changed)
