"""Test helpers: a throwaway PostgreSQL cluster and Debian's Chromium.

Both are real parts, never mocks. Outside CI a missing binary skips the tests that need it, with
the reason; under ``CI=true`` it is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # sessions and CI run as root
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class MissingToolError(RuntimeError):
    """A binary the tests need is not installed."""


def find_pg_binary(name: str) -> str:
    """``initdb``/``pg_ctl`` from PATH or Debian's versioned directory."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise MissingToolError(
        f"{name} not found: install PostgreSQL (Debian: apt-get install postgresql)"
    )


def find_chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise MissingToolError("chromium not found: install Debian's chromium package")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PgCluster:
    host: str
    port: int
    user: str

    def database_settings(self, name: str = "standby") -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": self.user,
            "PASSWORD": "",
            "HOST": self.host,
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
            "OPTIONS": {},
            "TEST": {"NAME": f"test_{name}"},
        }


@contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    """Start a throwaway PostgreSQL cluster on 127.0.0.1 and a free port; remove it after.

    PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` user in
    a folder it owns.
    """
    initdb, pg_ctl = find_pg_binary("initdb"), find_pg_binary("pg_ctl")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    base = Path(tempfile.mkdtemp(prefix="standby-pg-"))
    data = base / "data"
    if as_root:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            **quiet,  # type: ignore[call-overload]
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off"
        subprocess.run(
            [
                *prefix,
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(base / "log"),
                "start",
            ],
            **quiet,  # type: ignore[call-overload]
        )
        _wait_for_port(port)
        yield PgCluster(host="127.0.0.1", port=port, user="postgres")
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not open port {port} within {timeout} s")


@dataclass
class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); ``messages`` holds what it received."""

    host: str
    port: int
    messages: list[EmailMessage]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to ``address`` (envelope recipient, case-insensitive)."""
        wanted = address.lower()
        return [m for m in self.messages if wanted in m.get("X-Envelope-To", "").lower()]


class _Collect:
    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """Run a loopback SMTP server on a free port for the duration of the block."""
    from aiosmtpd.controller import Controller

    messages: list[EmailMessage] = []
    port = free_port()
    controller = Controller(_Collect(messages), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=port, messages=messages)
    finally:
        controller.stop()


TEST_PASSWORD = "correct-horse-battery"  # noqa: S105 - every test user's (conftest.make_user)


def sign_in(
    page: Any, base_url: str, username: str = "manager", password: str = TEST_PASSWORD
) -> None:
    """Sign ``username`` in through the real form (Playwright ``page``), starting afresh."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/", timeout=30_000)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
