"""Template filters of the BIA pages."""

from __future__ import annotations

from django import template

from standby.analysis.bia import format_hours

register = template.Library()


@register.filter
def hours(value: float | None) -> str:
    """``72.0`` → ``3 d``; None → an em dash."""
    return "—" if value is None else format_hours(float(value))


@register.filter
def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, key)
