"""`standby serve` answers with waitress and serves static files through WhiteNoise."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from standby.common.testing import free_port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["STANDBY_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "standby.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                pytest.fail(f"serve exited: {process.stdout.read()}")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_serve_redirects_anonymous_to_sign_in_and_serves_static(server):
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{server}/", timeout=5)
    assert redirect.value.code == 302
    assert redirect.value.headers["Location"].startswith("/accounts/login/")
    assert redirect.value.headers["Server"] == "Standby"
    with urllib.request.urlopen(f"{server}/static/standby/standby.css", timeout=5) as css:
        assert css.status == 200
        assert b"status-breach" in css.read()
