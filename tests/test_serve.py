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


def _start(data_dir) -> tuple[str, subprocess.Popen[str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["STANDBY_DATA_DIR"] = str(data_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "standby.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                pytest.fail(f"serve exited: {process.stdout.read()}")
            time.sleep(0.2)
    return base, process


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=10)
    return output


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(data_dir):
    """One server for the module: its first start collects the static files (about a minute)."""
    base, process = _start(data_dir)
    yield base
    _stop(process)


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


def test_static_files_are_collected_once(server, data_dir):
    """The first start (the fixture's) collected and compressed the static files; the next one,
    with nothing changed, skips that and still serves them all."""
    assert (data_dir / "static.collected").is_file()
    assert (data_dir / "static" / "standby" / "standby.css.gz").is_file()
    base, process = _start(data_dir)  # the same data dir
    try:
        for path in (
            "standby/standby.css",
            "standby/favicon.svg",
            "vendor/htmx/htmx.min.js",
            "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        ):
            with urllib.request.urlopen(f"{base}/static/{path}", timeout=5) as response:
                assert response.status == 200, path
        with urllib.request.urlopen(f"{base}/favicon.ico", timeout=5) as icon:
            assert icon.headers["Content-Type"] == "image/svg+xml"
        # Collected files are served as collected: compressed, not the finders' originals.
        gzip = urllib.request.Request(
            f"{base}/static/standby/standby.css", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(gzip, timeout=5) as css:
            assert css.headers["Content-Encoding"] == "gzip"
    finally:
        second = _stop(process)
    assert "Collecting" not in second
    assert "Standby is serving" in second
