"""``{{ text|markdown }}``: Markdown rendered and sanitised (see :mod:`standby.common.markdown`)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from standby.common.markdown import render_markdown

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
