"""Pending uploads: private, reachable only from the session that made them, swept after a day."""

from __future__ import annotations

import os
import time

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from standby.common.uploads import STALE_SECONDS, PendingUploads, upload_dir

UPLOADS = PendingUploads(session_key="test_upload", suffix=".test")


def _request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_an_upload_is_private_and_only_its_session_reaches_it():
    mine, other = _request(), _request()
    token = UPLOADS.keep(mine, b"bytes", filename="a.csv")
    assert UPLOADS.path(token).stat().st_mode & 0o777 == 0o600
    assert UPLOADS.load(mine, token) == ({"token": token, "filename": "a.csv"}, b"bytes")
    assert UPLOADS.load(other, token) is None
    assert UPLOADS.load(mine, "x" * 43) is None


def test_the_next_upload_replaces_the_first_and_forget_deletes_it():
    request = _request()
    first = UPLOADS.keep(request, b"one")
    second = UPLOADS.keep(request, b"two")
    assert not UPLOADS.path(first).exists()
    assert UPLOADS.load(request, first) is None
    UPLOADS.forget(request)
    assert not UPLOADS.path(second).exists()
    assert UPLOADS.load(request, second) is None


def test_uploads_older_than_a_day_are_swept_and_other_kinds_are_left():
    old = UPLOADS.keep(_request(), b"old")
    other_kind = upload_dir() / ("y" * 43 + ".other")
    other_kind.write_bytes(b"x")
    day_ago = time.time() - STALE_SECONDS - 60
    for path in (UPLOADS.path(old), other_kind):
        os.utime(path, (day_ago, day_ago))
    fresh = UPLOADS.keep(_request(), b"fresh")  # keeping sweeps
    assert not UPLOADS.path(old).exists()
    assert UPLOADS.path(fresh).exists()
    assert other_kind.exists()
