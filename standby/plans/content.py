"""The whole of one plan version as plain data: the single source of every rendering.

:class:`PlanContent` is what :attr:`standby.plans.models.PlanVersion.content` stores. The
on-screen plan, the self-contained offline HTML, the PDF and the JSON export are all rendered
from it, so they cannot disagree. Times are hours (float) or None when unknown; dates and
date-times are ISO strings (UTC). Text fields holding Markdown are raw: renderers sanitise them.

``build_content(plan)`` (the builder) reads the draft and the data it depends on in a constant
number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db.models import Q
from django.utils import timezone

from standby.inventory.choices import LocationKind, TeamRole
from standby.inventory.models import Contract, Node, Person, Team
from standby.inventory.models import TeamMember as TeamMembership
from standby.plans import selectors, sequence
from standby.plans.models import DistributionEntry, Plan
from standby.strategy.models import Backup
from standby.strategy.selectors_gaps import gap_rows

CONTENT_FORMAT = 1


class NodeRef(TypedDict):
    key: str
    name: str
    kind: str  # process, service, asset, location, supplier


class Contact(TypedDict):
    key: str
    name: str
    email: str
    phone: str
    out_of_hours_phone: str
    roles: list[str]  # e.g. ["Server team: technical", "call tree"]


class TeamMember(TypedDict):
    name: str
    role: str
    phone: str
    out_of_hours_phone: str


class TeamBlock(TypedDict):
    key: str
    name: str
    members: list[TeamMember]


class CallTreeRow(TypedDict):
    position: int
    caller: str  # "the person who invokes the plan" when empty
    callee: str
    callee_phone: str
    callee_out_of_hours_phone: str
    fallback: str
    fallback_phone: str


class Step(TypedDict):
    position: int
    title: str
    node: NodeRef | None
    procedure: str  # Markdown
    team: str
    owner: str
    expected_duration: float | None
    verification: str
    after: list[int]  # positions of the steps it must wait for (its requirements)


class CommunicationRow(TypedDict):
    audience: str
    channel: str
    timing: str
    message: str  # Markdown


class ScopeRow(TypedDict):
    key: str
    name: str
    kind: str
    priority: int | None
    mtpd: float | None
    rto: float | None
    rpo: float | None
    required_rto: float | None
    rta: float | None  # worst recovery time achievable known when frozen
    gap: str  # e.g. "RTA 31 h > RTO 4 h"; empty when none


class ContractRow(TypedDict):
    key: str
    name: str
    guarantees: str
    recovery_time: float | None
    expires_on: str | None


class SupplierBlock(TypedDict):
    key: str
    name: str
    contracts: list[ContractRow]


class SiteRow(TypedDict):
    key: str
    name: str
    kind: str  # primary / alternate
    recovery_time: float | None


class Appendices(TypedDict):
    contacts: list[Contact]
    suppliers: list[SupplierBlock]
    alternate_sites: list[SiteRow]
    backups: list[dict[str, object]]  # filled once backups exist (strategy)
    objectives: list[ScopeRow]


class VersionInfo(TypedDict):
    number: int
    status: str
    submitted_at: str
    approved_at: str | None
    approved_by: str | None
    data_as_of: str
    review_by: str | None


class PlanInfo(TypedDict):
    key: str
    title: str
    template: str
    purpose: str
    invocation_triggers: str
    invocation_authority: str
    invocation_procedure: str
    return_to_normal: str


class PlanContent(TypedDict):
    format: int
    plan: PlanInfo
    version: VersionInfo
    scope: list[ScopeRow]
    steps: list[Step]
    teams: list[TeamBlock]
    call_tree: list[CallTreeRow]
    communications: list[CommunicationRow]
    appendices: Appendices
    distribution: list[Contact]


# -- the builder ------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def draft_version_info(plan: Plan, data_as_of: str) -> VersionInfo:
    """The version block of a draft (not yet a version)."""
    return VersionInfo(
        number=0,
        status="draft",
        submitted_at="",
        approved_at=None,
        approved_by=None,
        data_as_of=data_as_of,
        review_by=_iso(plan.review_by),
    )


def build_content(plan: Plan) -> PlanContent:
    """The draft ``plan`` and the data it depends on, now, as :class:`PlanContent`.

    The version block says ``draft`` (number 0); :func:`standby.plans.services.plan_submit`
    fills it in when it freezes the content. Queries: a constant number (about 20), whatever the
    number of steps, contacts or nodes.
    """
    now = timezone.now()
    graph = selectors.graph()
    ranks = selectors.bia_ranks()
    scope_keys = selectors.scope_keys(plan)
    cone = graph.cone(scope_keys)
    business = sorted(
        (k for k in cone if graph.kinds.get(k) in ("process", "service")),
        key=lambda k: (ranks.get(k, 10**9), k),
    )
    gaps = {row.node.key: row.gap for row in gap_rows()} if business else {}
    scope: list[ScopeRow] = []
    for key in business:
        gap = gaps.get(key)
        problem = ""
        if gap is not None and str(gap.verdict) != "meets":
            problem = "; ".join(gap.reasons) or str(gap.verdict)
        scope.append(
            ScopeRow(
                key=key,
                name=graph.names.get(key, key),
                kind=graph.kinds.get(key, ""),
                priority=ranks.get(key),
                mtpd=gap.mtpd if gap else None,
                rto=gap.rto if gap else None,
                rpo=gap.rpo_checked if gap else None,
                required_rto=gap.required_rto if gap else None,
                rta=gap.worst_rta if gap else None,
                gap=problem,
            )
        )

    # -- steps
    step_rows = list(selectors.steps_of(plan))
    waits = sequence.waits_for(graph.requires, [s.node.key if s.node else None for s in step_rows])
    steps: list[Step] = []
    for step, after in zip(step_rows, waits, strict=True):
        node = step.node
        steps.append(
            Step(
                position=step.position,
                title=step.title,
                node=NodeRef(key=node.key, name=node.name, kind=node.kind) if node else None,
                procedure=step.procedure,
                team=step.team.name if step.team else "",
                owner=step.owner.name if step.owner else "",
                expected_duration=step.expected_duration,
                verification=step.verification,
                after=[step_rows[i].position for i in after],
            )
        )

    # -- people: contacts with the roles they hold in this plan
    roles: dict[int, list[str]] = {}
    people: dict[int, Person] = {}

    def note(person: Person | None, role: str) -> None:
        if person is None:
            return
        people[person.pk] = person
        if role not in roles.setdefault(person.pk, []):
            roles[person.pk].append(role)

    team_ids = set(plan.teams.values_list("pk", flat=True))
    team_ids.update(s.team_id for s in step_rows if s.team_id)
    memberships = list(
        TeamMembership.objects.filter(team_id__in=team_ids)
        .select_related("team", "person")
        .order_by("team__name", "team__key", "position", "id")
    )
    teams_by_key: dict[str, TeamBlock] = {}
    for m in memberships:
        block = teams_by_key.setdefault(
            m.team.key, TeamBlock(key=m.team.key, name=m.team.name, members=[])
        )
        label = TeamRole(m.role).label if m.role in TeamRole.values else m.role
        block["members"].append(
            _member(m.person.name, label, m.person.phone, m.person.out_of_hours_phone)
        )
        note(m.person, f"{m.team.name}: {label.lower()}")
    for team in Team.objects.filter(pk__in=team_ids).order_by("name", "key"):
        teams_by_key.setdefault(team.key, TeamBlock(key=team.key, name=team.name, members=[]))
    teams = sorted(teams_by_key.values(), key=lambda t: (t["name"], t["key"]))
    for s in step_rows:
        note(s.owner, "step owner")

    call_tree: list[CallTreeRow] = []
    for entry in plan.call_tree.select_related("caller", "callee", "fallback").order_by(
        "position", "id"
    ):
        call_tree.append(
            CallTreeRow(
                position=entry.position,
                caller=entry.caller.name if entry.caller else "the person who invokes the plan",
                callee=entry.callee.name,
                callee_phone=entry.callee.phone,
                callee_out_of_hours_phone=entry.callee.out_of_hours_phone,
                fallback=entry.fallback.name if entry.fallback else "",
                fallback_phone=(
                    (entry.fallback.out_of_hours_phone or entry.fallback.phone)
                    if entry.fallback
                    else ""
                ),
            )
        )
        note(entry.caller, "call tree")
        note(entry.callee, "call tree")
        note(entry.fallback, "call tree fall-back")
    for node in (
        Node.objects.filter(key__in=business, owner__isnull=False)
        .select_related("owner")
        .order_by("name")
    ):
        note(node.owner, f"owner of {node.name}")

    communications = [
        CommunicationRow(audience=c.audience, channel=c.channel, timing=c.timing, message=c.message)
        for c in plan.communications.order_by("position", "id")
    ]

    distribution: list[Contact] = []
    for d in DistributionEntry.objects.filter(plan=plan).select_related("person"):
        distribution.append(_contact(d.person, [d.get_role_display()]))
        note(d.person, "distribution")

    contacts = sorted(
        (_contact(p, roles[pk]) for pk, p in people.items()), key=lambda c: (c["name"], c["key"])
    )

    # -- appendices from the data
    suppliers: list[SupplierBlock] = []
    supplier_keys = sorted(k for k in cone if graph.kinds.get(k) == "supplier")
    by_supplier: dict[str, list[ContractRow]] = {k: [] for k in supplier_keys}
    for c in Contract.objects.filter(supplier__key__in=supplier_keys).select_related("supplier"):
        by_supplier[c.supplier.key].append(
            ContractRow(
                key=c.key,
                name=c.name or c.key,
                guarantees=c.guarantees,
                recovery_time=c.recovery_time,
                expires_on=_iso(c.expires_on),
            )
        )
    for key in sorted(supplier_keys, key=lambda k: (graph.names.get(k, k), k)):
        suppliers.append(
            SupplierBlock(key=key, name=graph.names.get(key, key), contracts=by_supplier[key])
        )
    site_keys = {k for k in cone if graph.kinds.get(k) == "location"}
    sites = [
        SiteRow(
            key=n.key,
            name=n.name,
            kind=n.location_kind or LocationKind.PRIMARY,
            recovery_time=n.recovery_time,
        )
        for n in Node.objects.filter(kind="location")
        .filter(Q(key__in=site_keys) | Q(location_kind=LocationKind.ALTERNATE))
        .order_by("location_kind", "name")
    ]
    backups: list[dict[str, object]] = [
        {
            "key": b.node.key,
            "name": b.node.name,
            "interval": b.interval,
            "offsite_copies": b.offsite_copies,
            "retention_days": b.retention_days,
            "last_restore_test_on": _iso(b.last_restore_test_on),
        }
        for b in Backup.objects.filter(node__key__in=cone)
        .select_related("node")
        .order_by("node__name")
    ]

    return PlanContent(
        format=CONTENT_FORMAT,
        plan=PlanInfo(
            key=plan.key,
            title=plan.title,
            template=plan.template,
            purpose=plan.purpose,
            invocation_triggers=plan.invocation_triggers,
            invocation_authority=plan.invocation_authority,
            invocation_procedure=plan.invocation_procedure,
            return_to_normal=plan.return_to_normal,
        ),
        version=draft_version_info(plan, now.isoformat()),
        scope=scope,
        steps=steps,
        teams=teams,
        call_tree=call_tree,
        communications=communications,
        appendices=Appendices(
            contacts=contacts,
            suppliers=suppliers,
            alternate_sites=sites,
            backups=backups,
            objectives=[ScopeRow(**row) for row in scope],
        ),
        distribution=distribution,
    )


def _member(name: str, role: str, phone: str, ooh: str) -> TeamMember:
    return TeamMember(name=name, role=role, phone=phone, out_of_hours_phone=ooh)


def _contact(person: Person, roles: list[str]) -> Contact:
    return Contact(
        key=person.key,
        name=person.name,
        email=person.email,
        phone=person.phone,
        out_of_hours_phone=person.out_of_hours_phone,
        roles=list(roles),
    )
