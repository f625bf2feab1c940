"""A plan version as one HTML document: on screen, as the offline file, and as the PDF's source.

One template (``plans/export_plan.html``) renders :class:`~standby.plans.content.PlanContent`.
The result references nothing outside itself: CSS is inlined, the chart is inline SVG, text
people wrote is sanitised Markdown whose web links are shown as text (a link would be dead on a
USB stick with no network, and a reference of any kind is something a reader's browser could
fetch). ``#…`` anchors, ``mailto:`` and ``tel:`` links are kept: they fetch nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from html import escape
from html.parser import HTMLParser
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from standby.common.charts import Bar, timeline_svg
from standby.plans.content import PlanContent

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
    """Re-serialise sanitised HTML, turning web links into text: ``label (https://…)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.pending: list[str | None] = []  # per open <a>: the URL to print after it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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


def offline_markdown(text: str | None) -> SafeString:
    """``text`` (Markdown) as sanitised HTML with no reference to anything outside the page."""
    html = str(_markdown_renderer()(text or ""))
    parser = _OfflineLinks()
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
    if value is None:
        return "—"
    if value >= 48 and value % 24 == 0:
        return f"{value / 24:g} d"
    return f"{value:g} h"


def tel(number: str) -> str:
    """A ``tel:`` URL for a phone number as written ("+44 20 7946 0000" → "tel:+442079460000")."""
    digits = re.sub(r"[^0-9+]", "", number or "")
    return f"tel:{digits}" if digits else ""


def step_finish_times(content: PlanContent) -> dict[int, float | None]:
    """Expected finish of each step (hours after invocation), each after what it waits for.

    Unknown (None) when the step's duration or anything before it is unknown.
    """
    finish: dict[int, float | None] = {}
    for step in sorted(content["steps"], key=lambda s: s["position"]):
        before = [finish.get(p) for p in step["after"]]
        duration = step["expected_duration"]
        if duration is None or any(b is None for b in before):
            finish[step["position"]] = None
        else:
            start = max((b for b in before if b is not None), default=0.0)
            finish[step["position"]] = start + duration
    return finish


def _chart(content: PlanContent, finish: Mapping[int, float | None]) -> SafeString:
    steps = content["steps"][:CHART_ROWS]
    if not steps:
        return mark_safe("")
    bars = [
        Bar(
            f"{s['position']}. {s['title'][:40]}",
            finish.get(s["position"]),
            "unknown" if finish.get(s["position"]) is None else "ok",
        )
        for s in steps
    ]
    svg = timeline_svg(bars, title="When each recovery step is expected to be done")
    # The RDF block names web vocabularies (URLs): not needed, and not something to carry.
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    return mark_safe(svg)  # noqa: S308 - generated by matplotlib from escaped labels


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
    finish = step_finish_times(content)
    titles = {s["position"]: s["title"] for s in content["steps"]}
    steps = [
        {
            **step,
            "anchor": f"step-{step['position']}",
            "procedure_html": offline_markdown(step["procedure"]),
            "verification_html": offline_markdown(step["verification"]),
            "duration": hours(step["expected_duration"]),
            "done_by": hours(finish.get(step["position"])),
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
        {**row, "message_html": offline_markdown(row["message"])}
        for row in content["communications"]
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
        "purpose_html": offline_markdown(plan["purpose"]),
        "triggers_html": offline_markdown(plan["invocation_triggers"]),
        "authority_html": offline_markdown(plan["invocation_authority"]),
        "procedure_html": offline_markdown(plan["invocation_procedure"]),
        "return_html": offline_markdown(plan["return_to_normal"]),
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
        "chart": _chart(content, finish),
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
