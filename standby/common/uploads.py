"""Uploads waiting between their preview and the confirmed import.

An upload waits in a private file (mode 0600) under ``DATA_DIR/imports``, named by a random token
kept in the session: one pending upload of each kind per session, replaced by the next, deleted
after the import, swept after a day. The confirmed import re-reads exactly those bytes, and only
the session that uploaded them can reach them.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class PendingUploads:
    """One kind of pending upload: its session key and file suffix (e.g. ``.modelfile``)."""

    session_key: str
    suffix: str

    def path(self, token: str) -> Path:
        if not _TOKEN.match(token):
            raise ValueError("not an upload token")
        return upload_dir() / f"{token}{self.suffix}"

    def keep(self, request: Any, data: bytes, **info: str) -> str:
        """Store ``data`` for this session (replacing its earlier upload); returns the token."""
        self.forget(request)
        self.sweep()
        token = secrets.token_urlsafe(32)
        path = self.path(token)
        path.write_bytes(data)
        path.chmod(0o600)
        request.session[self.session_key] = {"token": token, **info}
        return token

    def load(self, request: Any, token: str) -> tuple[dict[str, str], bytes] | None:
        """The session's upload called ``token`` (its info and bytes), or None."""
        pending = request.session.get(self.session_key)
        if (
            not pending
            or not _TOKEN.match(token)
            or not secrets.compare_digest(pending["token"], token)
        ):
            return None
        try:
            return pending, self.path(token).read_bytes()
        except FileNotFoundError:
            return None

    def forget(self, request: Any) -> None:
        """Drop the session's pending upload, file and all."""
        pending = request.session.pop(self.session_key, None)
        if pending:
            self.path(pending["token"]).unlink(missing_ok=True)

    def sweep(self) -> None:
        """Remove uploads of this kind left pending for more than a day (abandoned previews)."""
        cutoff = time.time() - STALE_SECONDS
        for stale in upload_dir().glob(f"*{self.suffix}"):
            if stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
