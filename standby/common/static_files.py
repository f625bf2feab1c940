"""Collect the static files only when they changed: ``standby serve`` calls :func:`collect`.

``collectstatic`` with WhiteNoise's compressing storage gzips and brotli-compresses every file
again on each run (about 50 seconds, mostly drf-spectacular-sidecar's bundles and source maps),
even when nothing changed. So after a successful run a stamp next to ``STATIC_ROOT``
(``<STATIC_ROOT>.collected``, outside the folder WhiteNoise serves) records a fingerprint of
what was collected: every file the static finders list (its destination path, size and
modification time, which an upgrade of a package or a changed file in the project alters), the
storage backend and ``STATIC_ROOT`` itself. The next start compares: the same fingerprint, and
every file still in ``STATIC_ROOT``, means there is nothing to do (a few milliseconds).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command


def stamp_path() -> Path:
    """Where the fingerprint of the last collection is kept: beside ``STATIC_ROOT``."""
    root = Path(settings.STATIC_ROOT)
    return root.with_name(f"{root.name}.collected")


def _sources() -> list[tuple[str, int, int]]:
    """(destination path, size, mtime in ns) of every file collectstatic would collect, in the
    finders' order; the first file found for a destination wins, as in collectstatic."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    found: dict[str, tuple[str, int, int]] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            destination = os.path.join(prefix, path) if prefix else path
            if destination in found:
                continue
            stat = os.stat(storage.path(path))
            found[destination] = (destination, stat.st_size, stat.st_mtime_ns)
    return list(found.values())


def fingerprint(sources: list[tuple[str, int, int]] | None = None) -> str:
    """A SHA-256 of what a collection would produce (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"{settings.STORAGES['staticfiles']['BACKEND']}\n".encode())
    digest.update(f"{Path(settings.STATIC_ROOT).resolve()}\n".encode())
    for destination, size, mtime in sources if sources is not None else _sources():
        digest.update(f"{destination}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def up_to_date() -> bool:
    """Whether ``STATIC_ROOT`` holds what a collection now would put there."""
    stamp = stamp_path()
    if not stamp.is_file():
        return False
    sources = _sources()
    if stamp.read_text().strip() != fingerprint(sources):
        return False
    root = Path(settings.STATIC_ROOT)
    return all((root / destination).is_file() for destination, _, _ in sources)


def collect(*, force: bool = False) -> bool:
    """Run collectstatic unless ``STATIC_ROOT`` is up to date (or ``force``); then stamp it.

    Returns whether it ran. The fingerprint is taken before collecting: a file changed during
    the run makes the next start collect again rather than miss it.
    """
    if not force and up_to_date():
        return False
    stamp = stamp_path()
    stamp.unlink(missing_ok=True)  # a run that fails half-way leaves no stamp
    expected = fingerprint()
    call_command("collectstatic", interactive=False, verbosity=0)
    partial = stamp.with_name(f"{stamp.name}.tmp")
    partial.write_text(f"{expected}\n")
    partial.replace(stamp)
    return True
