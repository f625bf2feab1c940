"""Durations in the model file: hours as a number, or a string with a unit.

Units: ``m`` (minutes), ``h`` (hours), ``d`` (24 h), ``w`` (168 h).
"""

from __future__ import annotations

import math
import re

_UNIT_HOURS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")


class DurationError(ValueError):
    """A value that is not a duration; the message says why."""


def parse_duration(value: object) -> float:
    """Return ``value`` in hours.

    >>> parse_duration("90m"), parse_duration("4h"), parse_duration("2d"), parse_duration(1.5)
    (1.5, 4.0, 48.0, 1.5)
    """
    if isinstance(value, bool):
        raise DurationError(f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        hours = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise DurationError(
                f"expected a duration such as 90m, 4h, 2d or 1w, got {value[:40]!r}"
            )
        count, unit = float(match.group(1)), match.group(2)
        # Minutes divide by 60 rather than multiply by 1/60: "18m" is then exactly 0.3 h.
        hours = count / 60 if unit == "m" else count * _UNIT_HOURS[unit]
    else:
        raise DurationError(f"expected a duration, got {type(value).__name__}")
    if not math.isfinite(hours) or hours < 0:
        raise DurationError(f"a duration must be a finite number of hours >= 0, got {value!r}")
    return hours


def format_duration(hours: float) -> str | float:
    """Return the shortest exact spelling of ``hours`` for a file that round-trips.

    >>> format_duration(48.0), format_duration(1.5), format_duration(4.0), format_duration(0.3)
    ('2d', '90m', '4h', '18m')
    >>> format_duration(0.123), format_duration(0.0)
    (0.123, 0.0)
    """
    for unit in ("w", "d", "h", "m"):
        count = hours / _UNIT_HOURS[unit]
        if count >= 1 and abs(count - round(count)) < 1e-9:
            return f"{round(count)}{unit}"
    return hours
