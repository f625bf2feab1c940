"""Template filters of the BIA pages."""

from __future__ import annotations

from django import template

from standby.common.templatetags.durations import hours

register = template.Library()
# The one duration filter (``72.0`` → ``3 d``, ``36.0`` → ``36 h``), under its old name here.
register.filter("hours", hours)


@register.filter
def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, key)
