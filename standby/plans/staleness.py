"""Which approved plans are stale, and why: each reason in words with a link to where to look.

A plan's version in force is stale when, after its approval, the audit log records a change to
anything the plan covers — a node in its scope's dependency cone (the node itself or its
requirements), a contact it names (team members, call tree, distribution list, step owners), a
team it names, a contract of a supplier in the cone, the BIA of a process or service in its
scope — and, at any time, when a person it names has left (``leaves_on`` ≤ today), its review
date has passed, or someone on its distribution list has not acknowledged the version within
:data:`~standby.plans.distribution.ACK_DUE_DAYS` days.

:func:`stale_plans` answers for every plan in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from standby.bia.models import BiaRecord
from standby.common.models import AuditEntry
from standby.inventory.choices import NodeKind
from standby.inventory.models import URL_PREFIX, Contract, Node, Person, Team, TeamMember
from standby.inventory.selectors import requires_edges
from standby.plans.choices import VersionStatus
from standby.plans.distribution import ACK_DUE_DAYS
from standby.plans.models import (
    Acknowledgement,
    CallTreeEntry,
    DistributionEntry,
    Plan,
    PlanStep,
    PlanVersion,
)

# The audit log names a node by the label of the model it was saved as (a proxy or the base).
NODE_TYPES = frozenset(
    {
        "inventory.node",
        "inventory.businessprocess",
        "inventory.itservice",
        "inventory.asset",
        "inventory.location",
        "inventory.supplier",
    }
)
PERSON_TYPE = "inventory.person"
TEAM_TYPE = "inventory.team"
CONTRACT_TYPE = "inventory.contract"
BIA_TYPE = "bia.biarecord"
_BOOKKEEPING = frozenset({"updated_at", "revision"})
WATCHED_TYPES = NODE_TYPES | {PERSON_TYPE, TEAM_TYPE, CONTRACT_TYPE, BIA_TYPE}


class Why:
    """The kinds of reason, in the order they are listed."""

    REVIEW = "review"
    LEAVER = "leaver"
    ACKNOWLEDGEMENTS = "acknowledgements"
    CHANGE = "change"


_ORDER = {Why.REVIEW: 0, Why.LEAVER: 1, Why.ACKNOWLEDGEMENTS: 2, Why.CHANGE: 3}


@dataclass(frozen=True)
class Reason:
    """Why a plan is stale, in words, with where to look (``url`` may be empty: deleted)."""

    kind: str
    text: str
    url: str
    at: dt.datetime | None = None


@dataclass
class StalePlan:
    """A plan whose version in force is stale, with every reason (most pressing first)."""

    key: str
    title: str
    version: int
    approved_at: dt.datetime
    url: str
    reasons: list[Reason] = field(default_factory=list)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # an area whose pages are not mounted
        return ""


def _plan_url(key: str) -> str:
    return _url("plans:plan_detail", key)


def _ack_url(key: str, number: int) -> str:
    return _url("plans:ack_dashboard", key, number)


def _cone(scope: Iterable[int], edges: dict[int, set[int]]) -> set[int]:
    seen = set(scope)
    frontier = list(seen)
    while frontier:
        following = []
        for node in frontier:
            for nxt in edges.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        frontier = following
    return seen


def _date(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%d %b %Y %H:%M}"


def stale_plans(
    *, plan_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> list[StalePlan]:
    """Every stale plan (or those of ``plan_ids``) with its reasons; a constant number of queries.

    Only a plan's approved version in force is judged: a plan never approved has no reasons
    (it is not yet a plan anyone relies on).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    versions = PlanVersion.objects.filter(status=VersionStatus.APPROVED)
    if plan_ids is not None:
        versions = versions.filter(plan_id__in=list(plan_ids))
    current: dict[int, tuple[int, int, dt.datetime, str, str, dt.date | None]] = {}
    for version_id, plan_id, number, approved_at, key, title, review_by in versions.values_list(
        "pk", "plan_id", "number", "approved_at", "plan__key", "plan__title", "plan__review_by"
    ).order_by("plan_id", "number"):
        assert approved_at is not None  # a database constraint: approved versions have a time
        current[plan_id] = (version_id, number, approved_at, key, title, review_by)  # last wins
    if not current:
        return []
    ids = list(current)

    scope: dict[int, set[int]] = defaultdict(set)
    for plan_id, node_id in Plan.scope.through.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "node_id"
    ):
        scope[plan_id].add(node_id)
    teams: dict[int, set[int]] = defaultdict(set)
    for plan_id, team_id in Plan.teams.through.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "team_id"
    ):
        teams[plan_id].add(team_id)
    people: dict[int, set[int]] = defaultdict(set)
    for plan_id, node_id, team_id, owner_id in PlanStep.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "node_id", "team_id", "owner_id"
    ):
        if node_id:
            scope[plan_id].add(node_id)
        if team_id:
            teams[plan_id].add(team_id)
        if owner_id:
            people[plan_id].add(owner_id)
    for plan_id, *named in CallTreeEntry.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "caller_id", "callee_id", "fallback_id"
    ):
        people[plan_id].update(p for p in named if p)
    for plan_id, person_id in DistributionEntry.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "person_id"
    ):
        people[plan_id].add(person_id)
    members: dict[int, set[int]] = defaultdict(set)
    all_teams = set().union(*teams.values()) if teams else set()
    for team_id, person_id in TeamMember.objects.filter(team_id__in=all_teams).values_list(
        "team_id", "person_id"
    ):
        members[team_id].add(person_id)
    team_keys = dict(Team.objects.filter(pk__in=all_teams).values_list("pk", "key"))
    for plan_id, plan_teams in teams.items():
        for team_id in plan_teams:
            people[plan_id] |= members[team_id]

    edges = requires_edges()  # 2 queries
    cones = {plan_id: _cone(scope[plan_id], edges) for plan_id in ids}
    all_nodes = set().union(*cones.values())
    nodes = {
        pk: (key, name, kind)
        for pk, key, name, kind in Node.objects.filter(pk__in=all_nodes).values_list(
            "pk", "key", "name", "kind"
        )
    }
    suppliers = {pk for pk, (_, _, kind) in nodes.items() if kind == NodeKind.SUPPLIER}
    contracts = {
        pk: (key, supplier_id)
        for pk, key, supplier_id in Contract.objects.filter(supplier_id__in=suppliers).values_list(
            "pk", "key", "supplier_id"
        )
    }
    bia_node = dict(BiaRecord.objects.filter(node_id__in=all_nodes).values_list("pk", "node_id"))
    all_people = set().union(*people.values()) if people else set()
    persons = {
        pk: (key, name, leaves_on)
        for pk, key, name, leaves_on in Person.objects.filter(pk__in=all_people).values_list(
            "pk", "key", "name", "leaves_on"
        )
    }

    earliest = min(v[2] for v in current.values())
    changes: list[tuple[str, str, dt.datetime, str, dict[str, Any], str]] = list(
        AuditEntry.objects.filter(at__gt=earliest, object_type__in=WATCHED_TYPES)
        .order_by("-id")
        .values_list("object_type", "object_id", "at", "object_repr", "changes", "action")
    )
    missing: dict[int, list[tuple[str, dt.datetime | None]]] = defaultdict(list)
    for version_id, name, emailed_at in Acknowledgement.objects.filter(
        version_id__in=[v[0] for v in current.values()], acknowledged_at__isnull=True
    ).values_list("version_id", "person__name", "emailed_at"):
        missing[version_id].append((name, emailed_at))

    result = []
    for plan_id, (version_id, number, approved_at, key, title, review_by) in current.items():
        reasons: list[Reason] = []
        if review_by is not None and review_by < today:
            reasons.append(
                Reason(Why.REVIEW, f"Its review date, {review_by:%d %b %Y}, has passed.", "")
            )
        for person_id in sorted(people[plan_id], key=lambda p: persons.get(p, ("", ""))[1]):
            person = persons.get(person_id)
            if person and person[2] is not None and person[2] <= today:
                reasons.append(
                    Reason(
                        Why.LEAVER,
                        f"{person[1]} left on {person[2]:%d %b %Y} and is named in the plan.",
                        _url("inventory:person_detail", person[0]),
                    )
                )
        late = [
            name
            for name, emailed_at in missing[version_id]
            if emailed_at is None or (now - emailed_at).days >= ACK_DUE_DAYS
        ]
        if late:
            shown = ", ".join(late[:3]) + (f" and {len(late) - 3} more" if len(late) > 3 else "")
            reasons.append(
                Reason(
                    Why.ACKNOWLEDGEMENTS,
                    f"{len(late)} on the distribution list have not acknowledged version "
                    f"{number}: {shown}.",
                    _ack_url(key, number),
                )
            )
        reasons.extend(
            _changes(
                changes,
                approved_at=approved_at,
                cone=cones[plan_id],
                people=people[plan_id],
                teams=teams[plan_id],
                scope=scope[plan_id],
                nodes=nodes,
                team_keys=team_keys,
                contracts=contracts,
                bia_node=bia_node,
                persons=persons,
            )
        )
        if reasons:
            reasons.sort(key=lambda r: _ORDER[r.kind])
            result.append(StalePlan(key, title, number, approved_at, _plan_url(key), reasons))
    result.sort(key=lambda p: (p.title, p.key))
    return result


def _changes(
    entries: list[tuple[str, str, dt.datetime, str, dict[str, Any], str]],
    *,
    approved_at: dt.datetime,
    cone: set[int],
    people: set[int],
    teams: set[int],
    scope: set[int],
    nodes: dict[int, tuple[str, str, str]],
    team_keys: dict[int, str],
    contracts: dict[int, tuple[str, int]],
    bia_node: dict[int, int],
    persons: dict[int, tuple[str, str, dt.date | None]],
) -> list[Reason]:
    """One reason per changed object (its latest change after approval), newest first."""
    seen: set[tuple[str, str]] = set()
    reasons = []
    for object_type, object_id, at, text, diff, action in entries:  # newest first
        if at <= approved_at:
            break
        kind = "node" if object_type in NODE_TYPES else object_type
        if (kind, object_id) in seen or not object_id.isdigit():
            continue
        if action == "update" and set(diff) <= _BOOKKEEPING:
            continue  # saved without a change
        pk = int(object_id)
        verb = {"delete": "was deleted", "create": "was added"}.get(action, "changed")
        when = f"on {_date(at)}, after the approval"
        if kind == "node" and pk in cone:
            node_key, name, node_kind = nodes[pk]
            what = NodeKind(node_kind).label
            if "requires" in diff:
                article = what if what.startswith("IT") else what.lower()
                sentence = f"The requirements of {article} “{name}” changed {when}."
            else:
                sentence = f"{what} “{name}” {verb} {when}."
            url = _url(f"inventory:{URL_PREFIX[NodeKind(node_kind)]}_detail", node_key)
        elif kind == PERSON_TYPE and pk in people:
            sentence = f"Contact “{text}” {verb} {when}."
            url = _url("inventory:person_detail", persons[pk][0]) if pk in persons else ""
        elif kind == TEAM_TYPE and pk in teams:
            sentence = f"Team “{text}” {verb} {when}."
            url = _url("inventory:team_detail", team_keys[pk]) if pk in team_keys else ""
        elif kind == CONTRACT_TYPE and (
            contracts[pk][1] in cone if pk in contracts else _contract_in_cone(diff, cone)
        ):
            sentence = f"Supplier contract “{text}” {verb} {when}."
            url = _url("inventory:contract_detail", contracts[pk][0]) if pk in contracts else ""
        elif kind == BIA_TYPE and bia_node.get(pk) in scope:
            node_key, name, _ = nodes[bia_node[pk]]
            sentence = f"The BIA of “{name}” changed {when}."
            url = _url("bia:record_detail", node_key)
        else:
            continue
        seen.add((kind, object_id))
        reasons.append(Reason(Why.CHANGE, sentence, url, at))
    return reasons


def _contract_in_cone(diff: dict[str, Any], cone: set[int]) -> bool:
    """A deleted contract is matched by the supplier recorded in its last snapshot."""
    before = diff.get("supplier_id")
    return isinstance(before, list) and bool(before) and before[0] in cone


def banner_context(plan: Plan) -> dict[str, Any]:
    """The context of ``plans/_stale_banner.html`` for one plan: ``{"stale": StalePlan | None}``."""
    found = stale_plans(plan_ids=[plan.pk])
    return {"stale": found[0] if found else None}
