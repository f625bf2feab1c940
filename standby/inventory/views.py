"""Pages of the inventory: the dependency model's nodes, people, teams and contracts.

The five kinds of node (process, service, asset, location, supplier) share one set of view
functions; ``urls.py`` writes each route out and passes the kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.common.http import AuthedRequest
from standby.common.selectors import history_for
from standby.inventory import exports, services
from standby.inventory.choices import NodeKind
from standby.inventory.depmap import MAX_LEVELS, neighbourhood
from standby.inventory.filters import (
    NODE_FILTERSETS,
    ContractFilterSet,
    PersonFilterSet,
    TeamFilterSet,
)
from standby.inventory.forms import (
    NODE_FORMS,
    ConfirmDeleteForm,
    ContractForm,
    PersonForm,
    RequirementAddForm,
    TeamForm,
    TeamMemberAddForm,
)
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
    TeamMember,
)
from standby.inventory.selectors import dependants_of, requirements_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    """How one kind of node is named on its pages."""

    kind: str
    prefix: str  # URL names: inventory:<prefix>_list …
    singular: str
    plural: str
    lead: str


KINDS: dict[str, Kind] = {
    NodeKind.PROCESS: Kind(
        NodeKind.PROCESS,
        "process",
        "business process",
        "Business processes",
        "What the business does (e.g. “pay staff”). A process requires IT services.",
    ),
    NodeKind.SERVICE: Kind(
        NodeKind.SERVICE,
        "service",
        "IT service",
        "IT services",
        "What IT provides (printing, e-mail, storage…). A service is made of assets.",
    ),
    NodeKind.ASSET: Kind(
        NodeKind.ASSET,
        "asset",
        "asset",
        "Assets",
        "Configuration items: hardware, software, network, data, procedures, skills. "
        "An asset fails with its location and its supplier.",
    ),
    NodeKind.LOCATION: Kind(
        NodeKind.LOCATION,
        "location",
        "location",
        "Locations",
        "Primary and alternate (recovery) sites. Assets at a site fail with it.",
    ),
    NodeKind.SUPPLIER: Kind(
        NodeKind.SUPPLIER,
        "supplier",
        "supplier",
        "Suppliers",
        "Who supplies assets and services, and what their contracts guarantee.",
    ),
}

NODE_COLUMNS: dict[str, list[tuple[str, str | None]]] = {
    NodeKind.PROCESS: [("Id", "key"), ("Name", "name"), ("Owner", "owner"), ("Requires", None)],
    NodeKind.SERVICE: [
        ("Id", "key"),
        ("Name", "name"),
        ("Owner", "owner"),
        ("Requires", None),
        ("Required by", None),
    ],
    NodeKind.ASSET: [
        ("Id", "key"),
        ("Name", "name"),
        ("Type", "asset_type"),
        ("Location", "location"),
        ("Supplier", "supplier"),
        ("Recovery (h)", "recovery_time"),
        ("Required by", None),
    ],
    NodeKind.LOCATION: [
        ("Id", "key"),
        ("Name", "name"),
        ("Kind", "location_kind"),
        ("Recovery (h)", "recovery_time"),
        ("Required by", None),
    ],
    NodeKind.SUPPLIER: [
        ("Id", "key"),
        ("Name", "name"),
        ("Recovery (h)", "recovery_time"),
        ("Required by", None),
    ],
}


# -- helpers ----------------------------------------------------------------------------------


def _style(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault(
            "class", f"{css} form-control-sm".replace("form-control ", "")
        )
    return form


def _query(request: AuthedRequest, **changes: str | None) -> str:
    """The current query string with ``changes`` (None removes a parameter)."""
    query: QueryDict = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _sort_headers(
    request: AuthedRequest, columns: list[tuple[str, str | None]]
) -> list[dict[str, Any]]:
    current = request.GET.get("sort", "")
    headers = []
    for label, field in columns:
        if field is None:
            headers.append({"label": label, "url": None, "state": None})
            continue
        state = (
            "ascending" if current == field else "descending" if current == f"-{field}" else None
        )
        following = f"-{field}" if state == "ascending" else field
        headers.append(
            {
                "label": label,
                "url": "?" + _query(request, sort=following, page=None),
                "state": state,
            }
        )
    return headers


def _page(request: AuthedRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _list_context(
    request: AuthedRequest, filterset: Any, columns: list[tuple[str, str | None]]
) -> dict[str, Any]:
    _style(filterset.form)
    filtered = bool({k for k, v in request.GET.items() if v and k not in {"page", "sort"}})
    return {
        "filter": filterset,
        "page": _page(request, filterset.qs),
        "headers": _sort_headers(request, columns),
        "page_query": _query(request, page=None),
        "export_query": _query(request, page=None, format=None),
        "filtered": filtered,
        "can_edit": has_capability(request.user, Capability.EDIT),
    }


def _history(request: AuthedRequest, instance: Any) -> Any:
    if has_capability(request.user, Capability.VIEW_HISTORY):
        return history_for(instance)[:50]
    return None


def node_list_queryset(kind: str) -> QuerySet[Node]:
    """A kind's nodes with owner, site and supplier; counts come per page (:func:`_add_counts`)."""
    return Node.objects.filter(kind=kind).select_related("owner", "location", "supplier")


def _add_counts(nodes: list[Node], kind: str) -> None:
    """Set ``requires_count`` and ``required_by_count`` on one page of nodes (2–3 queries).

    Counting per page, not in the list query, keeps sorting 10,000 rows cheap.
    """
    ids = [n.pk for n in nodes]
    requires = dict(
        Requirement.objects.filter(owner_id__in=ids)
        .values("owner_id")
        .annotate(c=Count("pk"))
        .values_list("owner_id", "c")
    )
    required_by = dict(
        RequirementMember.objects.filter(node_id__in=ids)
        .values("node_id")
        .annotate(c=Count("pk"))
        .values_list("node_id", "c")
    )
    site_fields: dict[str, str] = {
        NodeKind.LOCATION: "location_id",
        NodeKind.SUPPLIER: "supplier_id",
    }
    site_field = site_fields.get(kind)
    if site_field:
        for target, count in (
            Node.objects.filter(**{f"{site_field}__in": ids})
            .values(site_field)
            .annotate(c=Count("pk"))
            .values_list(site_field, "c")
        ):
            required_by[target] = required_by.get(target, 0) + count
    for node in nodes:
        node.requires_count = requires.get(node.pk, 0)  # type: ignore[attr-defined]
        node.required_by_count = required_by.get(node.pk, 0)  # type: ignore[attr-defined]


# -- index ------------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def index(request: AuthedRequest) -> HttpResponse:
    """Counts per kind, and what to record next."""
    counts = dict(Node.objects.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    sections = [
        {"kind": k, "count": counts.get(k.kind, 0), "url": f"inventory:{k.prefix}_list"}
        for k in KINDS.values()
    ]
    others = [
        {
            "title": "People",
            "count": Person.objects.count(),
            "url": "inventory:person_list",
            "lead": "Owners, recovery staff and contacts, with out-of-hours numbers.",
        },
        {
            "title": "Teams",
            "count": Team.objects.count(),
            "url": "inventory:team_list",
            "lead": "Recovery teams: technical staff, users and department representatives.",
        },
        {
            "title": "Supplier contracts",
            "count": Contract.objects.count(),
            "url": "inventory:contract_list",
            "lead": "What each supplier guarantees (e.g. replacement within 8 h) and until when.",
        },
    ]
    next_step = None
    if not counts.get(NodeKind.PROCESS):
        next_step = (
            "Record your business processes first: everything else hangs off them.",
            "inventory:process_create",
            "Add a business process",
        )
    elif not counts.get(NodeKind.SERVICE):
        next_step = (
            "Record the IT services your processes require.",
            "inventory:service_create",
            "Add an IT service",
        )
    elif not counts.get(NodeKind.ASSET):
        next_step = (
            "Record the assets each service is made of.",
            "inventory:asset_create",
            "Add an asset",
        )
    elif not Requirement.objects.exists():
        next_step = (
            "Say what requires what: open a process or service and add its requirements.",
            "inventory:process_list",
            "Open the processes",
        )
    context = {
        "sections": sections,
        "others": others,
        "next_step": next_step,
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "inventory/index.html", context)


# -- nodes ------------------------------------------------------------------------------------


def _node(kind: str, key: str) -> Node:
    return get_object_or_404(
        Node.objects.select_related("owner", "location", "supplier"), kind=kind, key=key
    )


@require_safe
@capability_required(Capability.VIEW)
def node_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """A kind's nodes: search, filter, sort, page; an htmx request gets the table only."""
    filterset = NODE_FILTERSETS[kind](request.GET or None, queryset=node_list_queryset(kind))
    context = _list_context(request, filterset, NODE_COLUMNS[kind]) | {"k": KINDS[kind]}
    page = context["page"]
    page.object_list = list(page.object_list)
    _add_counts(page.object_list, kind)
    template = "inventory/node_list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


@require_safe
@capability_required(Capability.VIEW)
def node_export(request: AuthedRequest, kind: str) -> HttpResponse:
    """The filtered list as CSV (default) or XLSX (``?format=xlsx``)."""
    queryset = exports.node_export_queryset(Node.objects.filter(kind=kind))
    filterset = NODE_FILTERSETS[kind](request.GET or None, queryset=queryset)
    rows = exports.table(exports.node_columns(kind), filterset.qs)
    return exports.respond(request.GET.get("format", "csv"), KINDS[kind].plural.lower(), rows)


@require_safe
@capability_required(Capability.VIEW)
def node_detail(request: AuthedRequest, kind: str, key: str) -> HttpResponse:
    """A node: what it requires, what requires it, its dependency map and history."""
    node = _node(kind, key)
    context = {
        "k": KINDS[kind],
        "node": node,
        "requirements": requirements_of(node),
        "dependants": dependants_of(node),
        "contracts": list(node.contracts.all()) if kind == NodeKind.SUPPLIER else None,
        "history": _history(request, node),
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
        "can_edit": has_capability(request.user, Capability.EDIT),
        "add_form": RequirementAddForm(),
        "levels": range(MAX_LEVELS + 1),
    }
    return render(request, "inventory/node_detail.html", context)


@require_safe
@capability_required(Capability.VIEW)
def node_graph(request: AuthedRequest, key: str) -> JsonResponse:
    """The map's data: ``?up=N&down=N`` levels around the node (default 2 and 2)."""
    node = get_object_or_404(Node, key=key)

    def level(name: str) -> int:
        try:
            return int(request.GET.get(name, 2))
        except ValueError:
            return 2

    return JsonResponse(neighbourhood(node, up=level("up"), down=level("down")))


@require_safe
@capability_required(Capability.VIEW)
def node_picker(request: AuthedRequest) -> HttpResponse:
    """Search results for the requirement editor: checkboxes, the ones already picked first."""
    picked_keys = [k for k in request.GET.getlist("members") if k]
    picked = list(Node.objects.filter(key__in=picked_keys))
    query = request.GET.get("q", "").strip()
    found: list[Node] = []
    if query:
        candidates = Node.objects.exclude(key__in=picked_keys)
        owner = request.GET.get("owner")
        if owner:
            candidates = candidates.exclude(key=owner)
        for word in query.split():
            candidates = candidates.filter(name__icontains=word) | candidates.filter(
                key__icontains=word
            )
        found = list(candidates.order_by("kind", "name")[:20])
    context = {"picked": picked, "found": found, "query": query}
    return render(request, "inventory/requirement_form.html#picker", context)


def _save_node_form(request: AuthedRequest, form: Any, k: Kind) -> Node | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.node_save(actor=request.user, node=form.instance)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@capability_required(Capability.EDIT)
def node_create(request: AuthedRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    form = NODE_FORMS[kind](request.POST or None, instance=Node(kind=kind))
    node = _save_node_form(request, form, k)
    if node is not None:
        messages.success(request, f"{k.singular.capitalize()} {node.name} created.")
        return redirect(node)
    return render(request, "inventory/node_form.html", {"k": k, "form": form, "node": None})


@capability_required(Capability.EDIT)
def node_update(request: AuthedRequest, kind: str, key: str) -> HttpResponse:
    k = KINDS[kind]
    node = _node(kind, key)
    form = NODE_FORMS[kind](request.POST or None, instance=node)
    saved = _save_node_form(request, form, k)
    if saved is not None:
        messages.success(request, f"{k.singular.capitalize()} {saved.name} saved.")
        return redirect(saved)
    node.key = key  # a refused change of id must not leak into the page's links
    return render(request, "inventory/node_form.html", {"k": k, "form": form, "node": node})


@capability_required(Capability.EDIT)
def node_delete(request: AuthedRequest, kind: str, key: str) -> HttpResponse:
    """Plain confirmation, or, when others require the node, a list of them and a checkbox."""
    k = KINDS[kind]
    node = _node(kind, key)
    dependants = dependants_of(node)
    form = ConfirmDeleteForm(request.POST or None) if dependants else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.node_delete(
                actor=request.user, node=node, remove_requirements=bool(dependants)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{k.singular.capitalize()} {node.name} deleted.")
            return redirect(f"inventory:{k.prefix}_list")
    context = {"k": k, "node": node, "dependants": dependants, "form": form}
    return render(request, "inventory/node_delete.html", context)


# -- requirements -----------------------------------------------------------------------------


@capability_required(Capability.EDIT)
def requirement_add(request: AuthedRequest, kind: str, key: str) -> HttpResponse:
    """Add a requirement: one node, or several with "at least k"."""
    k = KINDS[kind]
    node = _node(kind, key)
    form = RequirementAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        members = form.cleaned_data["members"]
        try:
            services.requirement_add(
                actor=request.user,
                owner=node,
                members=members,
                at_least=form.cleaned_data["at_least"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Requirement added to {node.name}.")
            return redirect(node)
    return render(request, "inventory/requirement_form.html", {"k": k, "node": node, "form": form})


@capability_required(Capability.EDIT)
def requirement_delete(request: AuthedRequest, kind: str, key: str, pk: int) -> HttpResponse:
    k = KINDS[kind]
    node = _node(kind, key)
    requirement = get_object_or_404(requirements_of(node), pk=pk)
    if request.method == "POST":
        services.requirement_delete(actor=request.user, requirement=requirement)
        messages.success(request, f"Requirement removed from {node.name}.")
        return redirect(node)
    context = {"k": k, "node": node, "requirement": requirement}
    return render(request, "inventory/requirement_delete.html", context)


# -- people -----------------------------------------------------------------------------------

PERSON_COLUMNS: list[tuple[str, str | None]] = [
    ("Id", "key"),
    ("Name", "name"),
    ("E-mail", "email"),
    ("Phone", None),
    ("Out of hours", None),
    ("Leaves on", "leaves_on"),
]


@require_safe
@capability_required(Capability.VIEW)
def person_list(request: AuthedRequest) -> HttpResponse:
    filterset = PersonFilterSet(request.GET or None, queryset=Person.objects.all())
    context = _list_context(request, filterset, PERSON_COLUMNS)
    template = "inventory/person_list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


@require_safe
@capability_required(Capability.VIEW)
def person_export(request: AuthedRequest) -> HttpResponse:
    filterset = PersonFilterSet(request.GET or None, queryset=Person.objects.all())
    rows = exports.table(exports.PERSON_COLUMNS, exports.person_export_queryset(filterset.qs))
    return exports.respond(request.GET.get("format", "csv"), "people", rows)


@require_safe
@capability_required(Capability.VIEW)
def person_detail(request: AuthedRequest, key: str) -> HttpResponse:
    person = get_object_or_404(Person, key=key)
    context = {
        "person": person,
        "owned": list(person.owned_nodes.order_by("kind", "name")),
        "memberships": list(person.memberships.select_related("team").order_by("team__name")),
        "history": _history(request, person),
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "inventory/person_detail.html", context)


def _save_person(request: AuthedRequest, form: PersonForm) -> Person | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.person_save(actor=request.user, person=form.instance)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@capability_required(Capability.EDIT)
def person_create(request: AuthedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    person = _save_person(request, form)
    if person is not None:
        messages.success(request, f"{person.name} added.")
        return redirect(person)
    return render(request, "inventory/person_form.html", {"form": form, "person": None})


@capability_required(Capability.EDIT)
def person_update(request: AuthedRequest, key: str) -> HttpResponse:
    person = get_object_or_404(Person, key=key)
    form = PersonForm(request.POST or None, instance=person)
    saved = _save_person(request, form)
    if saved is not None:
        messages.success(request, f"{saved.name} saved.")
        return redirect(saved)
    person.key = key
    return render(request, "inventory/person_form.html", {"form": form, "person": person})


@capability_required(Capability.EDIT)
def person_delete(request: AuthedRequest, key: str) -> HttpResponse:
    """Refused, with the reason, while the person owns things or is on a team."""
    person = get_object_or_404(Person, key=key)
    owned = list(person.owned_nodes.order_by("kind", "name"))
    teams = list(person.teams.order_by("name"))
    error = None
    if request.method == "POST" and not (owned or teams):
        try:
            services.person_delete(actor=request.user, person=person)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{person.name} deleted.")
            return redirect("inventory:person_list")
    context = {"person": person, "owned": owned, "teams": teams, "error": error}
    return render(request, "inventory/person_delete.html", context)


# -- teams ------------------------------------------------------------------------------------

TEAM_COLUMNS: list[tuple[str, str | None]] = [("Id", "key"), ("Name", "name"), ("Members", None)]


@require_safe
@capability_required(Capability.VIEW)
def team_list(request: AuthedRequest) -> HttpResponse:
    queryset = Team.objects.annotate(member_count=Count("memberships")).order_by("name", "key")
    filterset = TeamFilterSet(request.GET or None, queryset=queryset)
    context = _list_context(request, filterset, TEAM_COLUMNS)
    template = "inventory/team_list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


@require_safe
@capability_required(Capability.VIEW)
def team_export(request: AuthedRequest) -> HttpResponse:
    filterset = TeamFilterSet(request.GET or None, queryset=Team.objects.all())
    rows = exports.table(exports.TEAM_COLUMNS, exports.team_export_queryset(filterset.qs))
    return exports.respond(request.GET.get("format", "csv"), "teams", rows)


@require_safe
@capability_required(Capability.VIEW)
def team_detail(request: AuthedRequest, key: str) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    can_edit = has_capability(request.user, Capability.EDIT)
    context = {
        "team": team,
        "memberships": list(team.memberships.select_related("person")),
        "member_form": TeamMemberAddForm() if can_edit else None,
        "history": _history(request, team),
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
        "can_edit": can_edit,
    }
    return render(request, "inventory/team_detail.html", context)


def _save_team(request: AuthedRequest, form: TeamForm) -> Team | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.team_save(actor=request.user, team=form.instance)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@capability_required(Capability.EDIT)
def team_create(request: AuthedRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    team = _save_team(request, form)
    if team is not None:
        messages.success(request, f"Team {team.name} created: now add its members.")
        return redirect(team)
    return render(request, "inventory/team_form.html", {"form": form, "team": None})


@capability_required(Capability.EDIT)
def team_update(request: AuthedRequest, key: str) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    form = TeamForm(request.POST or None, instance=team)
    saved = _save_team(request, form)
    if saved is not None:
        messages.success(request, f"Team {saved.name} saved.")
        return redirect(saved)
    team.key = key
    return render(request, "inventory/team_form.html", {"form": form, "team": team})


@capability_required(Capability.EDIT)
def team_delete(request: AuthedRequest, key: str) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    if request.method == "POST":
        services.team_delete(actor=request.user, team=team)
        messages.success(request, f"Team {team.name} deleted.")
        return redirect("inventory:team_list")
    return render(request, "inventory/team_delete.html", {"team": team})


@capability_required(Capability.EDIT)
def team_member_add(request: AuthedRequest, key: str) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    form = TeamMemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        current = [(m.person, m.role) for m in team.memberships.select_related("person")]
        try:
            services.team_set_members(
                actor=request.user,
                team=team,
                members=[*current, (form.cleaned_data["person"], form.cleaned_data["role"])],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{form.cleaned_data['person']} added to {team.name}.")
            return redirect(team)
    return render(request, "inventory/team_member_form.html", {"team": team, "form": form})


@capability_required(Capability.EDIT)
def team_member_remove(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    membership = get_object_or_404(TeamMember.objects.select_related("person"), team=team, pk=pk)
    if request.method == "POST":
        remaining = [
            (m.person, m.role)
            for m in team.memberships.select_related("person")
            if m.pk != membership.pk
        ]
        services.team_set_members(actor=request.user, team=team, members=remaining)
        messages.success(request, f"{membership.person} removed from {team.name}.")
        return redirect(team)
    context = {"team": team, "membership": membership}
    return render(request, "inventory/team_member_remove.html", context)


# -- contracts --------------------------------------------------------------------------------

CONTRACT_COLUMNS: list[tuple[str, str | None]] = [
    ("Id", "key"),
    ("Name", "name"),
    ("Supplier", "supplier"),
    ("Recovery (h)", "recovery_time"),
    ("Expires", "expires_on"),
]


@require_safe
@capability_required(Capability.VIEW)
def contract_list(request: AuthedRequest) -> HttpResponse:
    queryset = Contract.objects.select_related("supplier")
    filterset = ContractFilterSet(request.GET or None, queryset=queryset)
    context = _list_context(request, filterset, CONTRACT_COLUMNS)
    template = "inventory/contract_list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


@require_safe
@capability_required(Capability.VIEW)
def contract_export(request: AuthedRequest) -> HttpResponse:
    filterset = ContractFilterSet(request.GET or None, queryset=Contract.objects.all())
    rows = exports.table(exports.CONTRACT_COLUMNS, exports.contract_export_queryset(filterset.qs))
    return exports.respond(request.GET.get("format", "csv"), "contracts", rows)


@require_safe
@capability_required(Capability.VIEW)
def contract_detail(request: AuthedRequest, key: str) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("supplier"), key=key)
    context = {
        "contract": contract,
        "history": _history(request, contract),
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "inventory/contract_detail.html", context)


def _save_contract(request: AuthedRequest, form: ContractForm) -> Contract | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.contract_save(actor=request.user, contract=form.instance)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@capability_required(Capability.EDIT)
def contract_create(request: AuthedRequest) -> HttpResponse:
    initial = {}
    supplier_key = request.GET.get("supplier")
    if supplier_key:
        initial["supplier"] = Node.objects.filter(kind=NodeKind.SUPPLIER, key=supplier_key).first()
    form = ContractForm(request.POST or None, initial=initial)
    contract = _save_contract(request, form)
    if contract is not None:
        messages.success(request, f"Contract {contract} created.")
        return redirect(contract)
    return render(request, "inventory/contract_form.html", {"form": form, "contract": None})


@capability_required(Capability.EDIT)
def contract_update(request: AuthedRequest, key: str) -> HttpResponse:
    contract = get_object_or_404(Contract, key=key)
    form = ContractForm(request.POST or None, instance=contract)
    saved = _save_contract(request, form)
    if saved is not None:
        messages.success(request, f"Contract {saved} saved.")
        return redirect(saved)
    contract.key = key
    return render(request, "inventory/contract_form.html", {"form": form, "contract": contract})


@capability_required(Capability.EDIT)
def contract_delete(request: AuthedRequest, key: str) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("supplier"), key=key)
    if request.method == "POST":
        services.contract_delete(actor=request.user, contract=contract)
        messages.success(request, f"Contract {contract} deleted.")
        return redirect("inventory:contract_list")
    return render(request, "inventory/contract_delete.html", {"contract": contract})
