"""The offline plan HTML in Chromium with no network at all (a network namespace with no
interfaces, ``unshare -n``): every step, every contact name and number is there to read, on a
phone-sized screen. The screenshot is kept under ``artifacts/`` (a CI artefact)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from standby.common.testing import in_ci
from standby.plans.exports.render import render_plan_html
from standby.plans.exports.sample import synthetic_content
from standby.plans.tests.offline_refs import external_references

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SCRIPT = Path(__file__).with_name("offline_browser.py")


def _no_network_namespace() -> None:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        reason = f"`unshare -n` is not permitted here: {probe.stderr.strip()}"
        if in_ci():
            pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
        pytest.skip(reason)


def test_offline_html_shows_every_step_and_contact_with_no_network(chromium_path, tmp_path):
    _no_network_namespace()
    content = synthetic_content(steps=25, contacts=15)
    html = render_plan_html(content, medium="offline")
    assert external_references(html) == []
    plan = tmp_path / "plan.html"
    plan.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "offline-plan-phone.png"
    run = subprocess.run(
        ["unshare", "-n", sys.executable, str(SCRIPT), str(plan), str(screenshot), "390"],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    text = " ".join(seen["text"].split())
    assert seen["requests"] == []
    for step in content["steps"]:
        assert f"Step {step['position']}. {step['title']}" in text
    for person in content["appendices"]["contacts"]:
        assert person["name"] in text
        assert person["phone"] in text
        assert person["out_of_hours_phone"] in text
    assert "Version 1" in text
    assert seen["scroll_width"] <= 390, "the page scrolls sideways on a phone"
    assert screenshot.stat().st_size > 10_000


def test_the_namespace_really_has_no_network():
    """Control: inside ``unshare -n`` not even loopback answers."""
    _no_network_namespace()
    probe = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
        "except OSError as e:\n"
        "    print('unreachable', e.errno)\n"
    )
    run = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "unreachable 101" in run.stdout, run.stdout + run.stderr  # ENETUNREACH
