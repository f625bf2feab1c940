"""Durations for people: the one spelling of "so many hours" on every page, export and chart.

This module imports no Django (the analysis core and the model file import it, and the
import-linter contract on those packages also covers what they import). The model *file* keeps
its own compact spelling (``"2w"``, ``"90m"``, see :mod:`standby.modelfile.durations`): that
is a file format that has to read back exactly, not text for a reader.
"""

from __future__ import annotations

import math

DAYS_FROM = 48.0
"""Hours from which a duration is written in days (and hours)."""


def format_hours(hours: float) -> str:
    """Spell a duration given in hours the way every Standby page, export and chart does.

    The rule:

    * **under 48 h: hours**, up to two decimals — ``0.25 h``, ``4 h``, ``24 h``, ``47.5 h``.
      A day and a half is ``36 h``, never ``1 d 12 h``: below two days hours are what
      people plan shifts in.
    * **from 48 h: whole days, then the hours left over** — ``2 d``, ``3 d``, ``14 d 8 h``,
      ``21 d 8.5 h``. A day is 24 hours of elapsed time, not a working day.
    * **never weeks or minutes**: ``336 h`` is ``14 d``, not ``2 w`` (is a week five days or
      seven?), and half an hour is ``0.5 h``. So two values in one table are always in
      comparable units.

    Values are rounded to 0.01 h; a positive value that rounds to zero says ``< 0.01 h``.
    A negative value (a margin, a change) gets a minus sign in front of the same spelling.

    >>> [format_hours(h) for h in (0, 0.25, 0.5, 1, 4, 24, 36, 47.5)]
    ['0 h', '0.25 h', '0.5 h', '1 h', '4 h', '24 h', '36 h', '47.5 h']
    >>> [format_hours(h) for h in (48, 72, 168, 336, 344, 512.5, 8760)]
    ['2 d', '3 d', '7 d', '14 d', '14 d 8 h', '21 d 8.5 h', '365 d']
    >>> format_hours(1 / 3), format_hours(0.001), format_hours(-6), format_hours(47.999)
    ('0.33 h', '< 0.01 h', '-6 h', '2 d')
    """
    if not math.isfinite(hours):
        raise ValueError(f"a duration must be a finite number of hours, got {hours!r}")
    if hours < 0:
        return f"-{format_hours(-hours)}"
    rounded = round(hours, 2)
    if rounded == 0 and hours > 0:
        return "< 0.01 h"
    if rounded < DAYS_FROM:
        return f"{rounded:g} h"
    days, rest = divmod(rounded, 24)
    rest = round(rest, 2)
    if rest == 0:
        return f"{days:.0f} d"
    return f"{days:.0f} d {rest:g} h"
