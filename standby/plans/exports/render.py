"""A plan version as one HTML document: on screen, as the offline file, and as the PDF's source.

One template (``plans/export_plan.html``) renders :class:`~standby.plans.content.PlanContent`.
The result references nothing outside itself: CSS is inlined, the chart is inline SVG, text
people wrote is sanitised Markdown whose web links are shown as text (a link would be dead on a
USB stick with no network, and a reference of any kind is something a reader's browser could
fetch). ``#…`` anchors, ``mailto:`` and ``tel:`` links are kept: they fetch nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Mapping
from html import escape
from html.parser import HTMLParser
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from standby.plans.content import PlanContent
from standby.plans.exports.timeline import GanttRow, duration_text, gantt_svg

TEMPLATE = "plans/export_plan.html"
MEDIA = ("screen", "offline", "pdf")
CHART_ROWS = 30  # the timeline chart shows the first steps; the list below has all of them


def _fallback_markdown(text: str | None) -> SafeString:
    """Plain text with line breaks, escaped (used when the Markdown renderer is unavailable)."""
    if not text:
        return mark_safe("")
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return mark_safe(html)  # noqa: S308 - every piece escaped above


def _markdown_renderer() -> Callable[[str | None], SafeString]:
    try:
        from standby.common.markdown import render_markdown
    except ImportError:  # the sanitising renderer is optional here; escaping is always safe
        return _fallback_markdown
    return render_markdown


class _OfflineLinks(HTMLParser):
    """Re-serialise sanitised HTML, turning web links into text: ``label (https://…)``.

    With ``flat_lists``, list items become ``<div class="li">`` with their number or bullet as
    text: WeasyPrint lays out a list marker box slower than the whole line it belongs to.
    """

    def __init__(self, *, flat_lists: bool = False) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.pending: list[str | None] = []  # per open <a>: the URL to print after it
        self.flat_lists = flat_lists
        self.lists: list[list[int]] = []  # per open list: [is ordered, items so far]

    def _flat_list_tag(self, tag: str, *, start: bool) -> bool:
        if not self.flat_lists or tag not in {"ol", "ul", "li"}:
            return False
        if tag in {"ol", "ul"}:
            if start:
                self.lists.append([tag == "ol", 0])
            elif self.lists:
                self.lists.pop()
        elif not start:
            self.out.append("</div>")
        elif self.lists:
            current = self.lists[-1]
            current[1] += 1
            marker = f"{current[1]}." if current[0] else "•"
            self.out.append(f'<div class="li">{marker} ')
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._flat_list_tag(tag, start=True):
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            href = values.get("href", "").strip()
            if href.lower().startswith(("mailto:", "tel:", "#")):
                self.out.append(f'<a href="{escape(href)}">')
                self.pending.append(None)
            else:
                self.out.append('<span class="link">')
                self.pending.append(href or "")
            return
        kept = "".join(
            f' {name}="{escape(value)}"'
            for name, value in values.items()
            if name in {"align", "title", "colspan", "rowspan"}
        )
        self.out.append(f"<{tag}{kept}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr"}:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if self._flat_list_tag(tag, start=False):
            return
        if tag == "a":
            url = self.pending.pop() if self.pending else None
            if url is None:
                self.out.append("</a>")
            else:
                shown = f' <span class="url">({escape(url)})</span>' if url else ""
                self.out.append(f"</span>{shown}")
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def offline_markdown(text: str | None, *, flat_lists: bool = False) -> SafeString:
    """``text`` (Markdown) as sanitised HTML with no reference to anything outside the page."""
    html = str(_markdown_renderer()(text or ""))
    parser = _OfflineLinks(flat_lists=flat_lists)
    parser.feed(html)
    parser.close()
    return mark_safe("".join(parser.out))  # noqa: S308 - re-serialised from sanitised HTML


def when(value: str | None, *, date_only: bool = False) -> str:
    """An ISO date or date-time as people read it ("2025-03-04 14:05 UTC"); "—" when empty."""
    if not value:
        return "—"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if date_only or (len(value) <= 10):
        return parsed.strftime("%Y-%m-%d")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC)
        return parsed.strftime("%Y-%m-%d %H:%M UTC")
    return parsed.strftime("%Y-%m-%d %H:%M")


def hours(value: float | None) -> str:
    return "—" if value is None else duration_text(value)


def tel(number: str) -> str:
    """A ``tel:`` URL for a phone number as written ("+44 20 7946 0000" → "tel:+442079460000")."""
    digits = re.sub(r"[^0-9+]", "", number or "")
    return f"tel:{digits}" if digits else ""


def step_times(content: PlanContent) -> dict[int, tuple[float | None, float | None]]:
    """Expected (start, finish) of each step, in hours after invocation.

    A step starts when the steps it waits for are done; unknown (None) when its duration or
    anything before it is unknown.
    """
    times: dict[int, tuple[float | None, float | None]] = {}
    for step in sorted(content["steps"], key=lambda s: s["position"]):
        before = [times.get(p, (None, None))[1] for p in step["after"]]
        duration = step["expected_duration"]
        if any(b is None for b in before):
            times[step["position"]] = (None, None)
            continue
        start = max((b for b in before if b is not None), default=0.0)
        times[step["position"]] = (start, None if duration is None else start + duration)
    return times


def _chart(content: PlanContent, times: Mapping[int, tuple[float | None, float | None]]) -> str:
    rows = [
        GanttRow(f"{s['position']}. {s['title']}", *times[s["position"]])
        for s in content["steps"][:CHART_ROWS]
    ]
    if not rows:
        return ""
    return gantt_svg(rows, title="When each recovery step is expected to be done")


def _header_line(version: Mapping[str, Any], plan_title: str) -> str:
    return (
        f"{plan_title} · version {version['number']} · approved {when(version['approved_at'])}"
        f" · data as of {when(version['data_as_of'])}"
        f" · review by {when(version['review_by'], date_only=True)}"
    )


def context(content: PlanContent, *, medium: str = "offline") -> dict[str, Any]:
    """What the template needs, computed once here (the template only lays it out)."""
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}: one of {', '.join(MEDIA)}")
    plan, version = content["plan"], content["version"]
    markdown = functools.partial(offline_markdown, flat_lists=medium == "pdf")
    times = step_times(content)
    titles = {s["position"]: s["title"] for s in content["steps"]}
    steps = [
        {
            **step,
            "anchor": f"step-{step['position']}",
            "procedure_html": markdown(step["procedure"]),
            "verification_html": markdown(step["verification"]),
            "duration": hours(step["expected_duration"]),
            "done_by": hours(times[step["position"]][1]),
            "after_steps": [(p, titles.get(p, "")) for p in step["after"]],
        }
        for step in content["steps"]
    ]
    contacts = [
        {
            **c,
            "tel": tel(c["phone"]),
            "ooh_tel": tel(c["out_of_hours_phone"]),
            "mailto": f"mailto:{c['email']}" if c["email"] else "",
        }
        for c in content["appendices"]["contacts"]
    ]
    teams = [
        {
            **team,
            "members": [
                {**m, "tel": tel(m["phone"]), "ooh_tel": tel(m["out_of_hours_phone"])}
                for m in team["members"]
            ],
        }
        for team in content["teams"]
    ]
    call_tree = [
        {**row, "tel": tel(row["callee_phone"]), "fallback_tel": tel(row["fallback_phone"])}
        for row in content["call_tree"]
    ]
    communications = [
        {**row, "message_html": markdown(row["message"])} for row in content["communications"]
    ]
    return {
        "medium": medium,
        "content": content,
        "plan": plan,
        "version": version,
        "stamp": {
            "number": version["number"],
            "approved": when(version["approved_at"]),
            "approved_by": version["approved_by"] or "—",
            "data_as_of": when(version["data_as_of"]),
            "review_by": when(version["review_by"], date_only=True),
            "status": version["status"],
        },
        "header_line": _header_line(version, plan["title"]),
        "purpose_html": markdown(plan["purpose"]),
        "triggers_html": markdown(plan["invocation_triggers"]),
        "authority_html": markdown(plan["invocation_authority"]),
        "procedure_html": markdown(plan["invocation_procedure"]),
        "return_html": markdown(plan["return_to_normal"]),
        "scope": [
            {
                **row,
                "rto_h": hours(row["rto"]),
                "rpo_h": hours(row["rpo"]),
                "mtpd_h": hours(row["mtpd"]),
                "rta_h": hours(row["rta"]),
            }
            for row in content["scope"]
        ],
        "steps": steps,
        "step_count": len(steps),
        "part": WHOLE,
        "chart": mark_safe(_chart(content, times)),  # noqa: S308 - every text escaped
        "chart_truncated": len(content["steps"]) > CHART_ROWS,
        "chart_rows": CHART_ROWS,
        "teams": teams,
        "call_tree": call_tree,
        "communications": communications,
        "contacts": contacts,
        "suppliers": content["appendices"]["suppliers"],
        "sites": [
            {**s, "recovery_h": hours(s["recovery_time"])}
            for s in content["appendices"]["alternate_sites"]
        ],
        "backups": [
            sorted((str(k), str(v)) for k, v in b.items()) for b in content["appendices"]["backups"]
        ],
        "distribution": content["distribution"],
    }


def render_plan_html(content: PlanContent, *, medium: str = "offline") -> str:
    """The plan as one complete HTML document (``medium``: screen, offline or pdf)."""
    return render_to_string(TEMPLATE, context(content, medium=medium))


def render_plan_document(content: PlanContent) -> SafeString:
    """The plan as a fragment of an app page (its styles, then the document): what a version
    looks like exported, from the same template."""
    values = context(content, medium="screen")
    styles = render_to_string(f"{TEMPLATE}#plan_styles", values)
    document = render_to_string(f"{TEMPLATE}#plan_document", values)
    return mark_safe(styles + document)  # noqa: S308 - rendered by the autoescaping template


# -- the PDF in parts (rendered in parallel, see exports.pdf) ------------------------------------

WHOLE = {"front": True, "intro": True, "tail": True}
SPLIT_ABOVE = 600  # estimated lines (about 1.5 s of layout): below, one document is quicker


def _lines(text: str | None) -> int:
    """About how many printed lines a Markdown text takes (≈ 110 characters a line)."""
    if not text:
        return 0
    return sum(1 + len(line) // 110 for line in text.splitlines() if line.strip())


# Layout cost in "lines" (WeasyPrint: a few milliseconds each); a table cell costs about as much
# as a line of text, so a table row costs about as many lines as it has cells (measured).
CHART_COST = 80


def _front_lines(content: PlanContent) -> int:
    plan = content["plan"]
    text = sum(
        _lines(plan[field])
        for field in (
            "purpose",
            "invocation_triggers",
            "invocation_authority",
            "invocation_procedure",
        )
    )
    members = sum(4 * len(team["members"]) + 3 for team in content["teams"])
    messages = sum(_lines(row["message"]) + 2 for row in content["communications"])
    tables = 5 * len(content["call_tree"]) + 5 * len(content["scope"])
    return 100 + text + members + messages + tables  # the header and headings cost a lot


def _tail_lines(content: PlanContent) -> int:
    appendices = content["appendices"]
    contracts = sum(4 * len(s["contracts"]) + 3 for s in appendices["suppliers"])
    cards = 2 * len(appendices["alternate_sites"]) + 4 * len(appendices["backups"])
    rows = 5 * len(appendices["contacts"]) + 6 * len(content["scope"])
    people = len(content["distribution"])
    return 30 + _lines(plan_text(content, "return_to_normal")) + contracts + cards + rows + people


def plan_text(content: PlanContent, field: str) -> str:
    return str(content["plan"].get(field) or "")


def _step_lines(step: Mapping[str, Any]) -> int:
    return 3 + (3 * (_lines(step["procedure"]) + _lines(step["verification"]))) // 2


def split_points(weights: list[int], parts: int) -> list[int]:
    """Where to cut ``weights`` into at most ``parts`` runs of about equal sum (cut indices).

    >>> split_points([1, 1, 1, 1], 2)
    [2]
    >>> split_points([5, 1, 1, 1, 1, 1], 2)
    [1]
    """
    total = sum(weights)
    prefix = list(itertools.accumulate(weights))[:-1]  # prefix[i - 1]: the sum before cut i
    cuts: list[int] = []
    for k in range(1, parts):
        target = total * k / parts
        candidates = range(cuts[-1] + 1 if cuts else 1, len(weights))
        if not candidates:
            break
        best = min(candidates, key=lambda i: abs(prefix[i - 1] - target))
        if best not in cuts:
            cuts.append(best)
    return cuts


def render_plan_pdf_parts(content: PlanContent, *, parts: int) -> list[str]:
    """The PDF's source as up to ``parts`` complete documents, each about equally long to lay out.

    The first holds the sections before the recovery sequence, the last the sections after it;
    the steps are shared out in order. A plan too short to gain from it is one document.
    """
    base = context(content, medium="pdf")
    steps = base["steps"]
    front = _front_lines(content) + (CHART_COST if steps else 0)
    weights = [front, *(_step_lines(s) for s in steps), _tail_lines(content)]
    if parts <= 1 or sum(weights) < SPLIT_ABOVE:
        return [render_to_string(TEMPLATE, base)]
    bounds = [0, *split_points(weights, parts), len(weights)]
    documents: list[str] = []
    for start, end in itertools.pairwise(bounds):
        # Unit 0 is the front, units 1…n the steps, unit n + 1 the tail.
        part = {
            "front": start == 0,
            "intro": start <= 1 < end or (start == 0 and not steps),
            "tail": end == len(weights),
        }
        chunk = steps[max(start - 1, 0) : min(end - 1, len(steps))]
        documents.append(render_to_string(TEMPLATE, {**base, "part": part, "steps": chunk}))
    return documents
