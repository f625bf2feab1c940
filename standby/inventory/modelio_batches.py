"""Batches for the model file's database writes, shared by :mod:`modelio` and its section hooks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final, TypeVar

from django.db import models

CHUNK: Final = 5000  # ids per ``IN (...)``: under SQLite's limit on query parameters

T = TypeVar("T")


def chunks(values: list[T]) -> Iterator[list[T]]:
    """``values`` in slices of at most :data:`CHUNK`."""
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def pks_by_key(model: type[models.Model], keys: Iterable[str | None]) -> dict[str, int]:
    """Primary key of each row of ``model`` whose ``key`` is among ``keys`` (None ignored)."""
    wanted = sorted({k for k in keys if k is not None})
    out: dict[str, int] = {}
    for chunk in chunks(wanted):
        rows: Any = model._default_manager.filter(key__in=chunk).values_list("key", "pk")
        out.update(rows)
    return out
