"""The whole of one plan version as plain data: the single source of every rendering.

:class:`PlanContent` is what :attr:`standby.plans.models.PlanVersion.content` stores. The
on-screen plan, the self-contained offline HTML, the PDF and the JSON export are all rendered
from it, so they cannot disagree. Times are hours (float) or None when unknown; dates and
date-times are ISO strings (UTC). Text fields holding Markdown are raw: renderers sanitise them.

``build_content(plan)`` (the builder) reads the draft and the data it depends on in a constant
number of queries.
"""

from __future__ import annotations

from typing import TypedDict

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
