"""`standby analyze impact|spof|recovery` on a model file and on the database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

MODEL = """
standby: 1
locations:
  - {id: campus, name: Main campus, recovery_time: 72h}
suppliers:
  - {id: isp-co, name: ISP Co, recovery_time: 1d}
services:
  - id: web
    name: Web
    requires: [{any_of: [isp-a, isp-b]}, srv]
  - id: mis
    name: Student records
    requires: [{at_least: 2, of: [vm-1, vm-2, vm-3]}]
processes:
  - {id: enrol, name: Enrol students, requires: [web, mis]}
assets:
  - {id: isp-a, name: ISP link A, type: network, supplier: isp-co, recovery_time: 4h}
  - {id: isp-b, name: ISP link B, type: network, recovery_time: 8h}
  - {id: srv, name: Web server, type: hardware, location: campus, recovery_time: 2h}
  - {id: vm-1, name: VM 1, type: hardware, recovery_time: 1h}
  - {id: vm-2, name: VM 2, type: hardware, recovery_time: 3h}
  - {id: vm-3, name: VM 3, type: hardware, recovery_time: 5h}
"""


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "college.yaml"
    path.write_text(MODEL)
    return path


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("analyze", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_impact_lists_failed_and_down_sorted(model_file):
    result = run("impact", "--model", str(model_file), "--fail", "isp-a")
    assert result == {"failed": ["isp-a"], "down": ["isp-a"]}  # isp-b carries the web
    both = run("impact", "--model", str(model_file), "--fail", "isp-b,isp-a")
    assert both == {"failed": ["isp-a", "isp-b"], "down": ["enrol", "isp-a", "isp-b", "web"]}


def test_a_site_takes_down_what_is_at_it(model_file):
    result = run("impact", "--model", str(model_file), "--fail", "campus")
    assert result["down"] == ["campus", "enrol", "srv", "web"]


def test_spof_with_pairs(model_file):
    result = run("spof", "--model", str(model_file), "--order", "2")
    assert result["web"] == {
        "single": ["campus", "srv"],
        "pairs": [["isp-a", "isp-b"], ["isp-b", "isp-co"]],
    }
    assert result["mis"] == {
        "single": [],
        "pairs": [["vm-1", "vm-2"], ["vm-1", "vm-3"], ["vm-2", "vm-3"]],
    }
    assert result["enrol"]["single"] == ["campus", "srv"]
    order_one = run("spof", "--model", str(model_file))
    assert "pairs" not in order_one["web"]


def test_recovery_time_achievable_with_a_k_of_n_group(model_file):
    # mis needs 2 of 3 VMs: back when the 2nd earliest VM is back (3 h). web needs any of the
    # ISP links (isp-a at 4 h; its supplier isp-co did not fail) and srv (2 h) → 4 h.
    # enrol waits for both services → max(4, 3) = 4 h.
    result = run("recovery", "--model", str(model_file), "--fail", "vm-1,vm-2,vm-3,isp-a,isp-b,srv")
    assert result["rta"] == {
        "enrol": 4.0,
        "isp-a": 4.0,
        "isp-b": 8.0,
        "mis": 3.0,
        "srv": 2.0,
        "vm-1": 1.0,
        "vm-2": 3.0,
        "vm-3": 5.0,
        "web": 4.0,
    }


def test_failing_a_service_is_refused_with_the_reason(model_file):
    with pytest.raises(CommandError, match="'web' is a service: only assets, locations"):
        run("impact", "--model", str(model_file), "--fail", "web")


def test_unknown_id_is_refused_naming_it(model_file):
    with pytest.raises(CommandError, match="lan-2"):
        run("recovery", "--model", str(model_file), "--fail", "lan-2")


def test_bad_model_file_names_the_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("standby: 1\nservices:\n  - {id: web, name: Web, requires: [lan-2]}\n")
    with pytest.raises(CommandError, match=r"services\[0\]\.requires\[0\]: unknown id 'lan-2'"):
        run("impact", "--model", str(path), "--fail", "x")


def test_readable_table_without_json(model_file):
    out = io.StringIO()
    call_command("analyze", "recovery", "--model", str(model_file), "--fail", "srv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["node", "RTA", "(hours)"]
    assert [line.split() for line in lines[1:]] == [["enrol", "2"], ["srv", "2"], ["web", "2"]]


@pytest.mark.django_db
def test_analyze_reads_the_database_by_default(manager):
    from standby.inventory import services
    from standby.inventory.models import Node

    srv = services.node_save(
        actor=manager,
        node=Node(key="srv", kind="asset", name="Server", asset_type="hardware", recovery_time=2),
    )
    web = services.node_save(actor=manager, node=Node(key="web", kind="service", name="Web"))
    services.requirement_add(actor=manager, owner=web, members=[srv])
    assert run("impact", "--fail", "srv") == {"failed": ["srv"], "down": ["srv", "web"]}
    assert run("recovery", "--fail", "srv") == {"rta": {"srv": 2.0, "web": 2.0}}
