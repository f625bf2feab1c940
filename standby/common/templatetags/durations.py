"""``{% load durations %}``, then ``{{ value|hours }}``: a duration in hours as people read it.

The same spelling as every page, export and chart (:func:`standby.common.durations.format_hours`):
``4 h``, ``36 h``, ``2 d``, ``14 d 8 h``; an em dash when unknown.
"""

from __future__ import annotations

from django import template

from standby.common.durations import format_hours

register = template.Library()


@register.filter
def hours(value: float | None) -> str:
    """``72.0`` → ``3 d``, ``36.0`` → ``36 h``; None → an em dash."""
    return "—" if value is None else format_hours(float(value))
