"""``{{ text|markdown }}``: Markdown rendered and sanitised (see :mod:`standby.common.markdown`);
``{{ value|hours }}``: a duration; ``{{ iso|when }}``: a date-time as the exports write it."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from standby.common.markdown import render_markdown
from standby.plans.exports.render import when

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text)


@register.filter(name="hours")
def hours_filter(value: float | None) -> str:
    """Hours for people: ``4 h``, ``2 d``; an em dash when unknown."""
    if value is None:
        return "—"
    from standby.analysis.bia import format_hours

    return format_hours(float(value))


@register.filter(name="when")
def when_filter(value: str | None, arg: str = "") -> str:
    """An ISO date-time from a plan's content as the exports show it (``2026-11-29 10:00
    UTC``); ``|when:"date"`` shows the date only. An em dash when empty."""
    return when(value, date_only=arg == "date")
