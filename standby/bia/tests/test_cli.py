"""``standby analyze bia|objectives --json`` on a model file and on the database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from standby.bia.tests.helpers import answered, process, table
from standby.inventory import services as inventory

MODEL = """
standby: 1
services:
  - id: portal
    name: Student portal
    requires: [srv]
    rto: 8h
    rpo: 30m
processes:
  - id: exams
    name: Run exams
    requires: [portal]
    rto: 2h
    rpo: 1h
    impact:
      customer: [2, 4, 5, 5, 5, 5, 5]
  - id: pay
    name: Pay staff
    rto: 4d
    impact:
      financial: [0, 1, 2, 4, 5, 5, 5]
    rto_override: The bureau pays by hand within 4 d.
  - {id: library, name: Library}
assets:
  - {id: srv, name: Server, type: hardware, recovery_time: 2h}
"""


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("analyze", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "college.yaml"
    path.write_text(MODEL)
    return path


def test_bia_on_a_model_file(model_file):
    result = run("bia", "--model", str(model_file))
    assert result == {
        "exams": {"mtpd": 4.0, "rto": 2.0, "rpo": 1.0, "rto_within_mtpd": True, "priority": 1},
        "pay": {"mtpd": 72.0, "rto": 96.0, "rpo": None, "rto_within_mtpd": False, "priority": 2},
        "portal": {"mtpd": None, "rto": 8.0, "rpo": 0.5, "rto_within_mtpd": None, "priority": 3},
    }


def test_objectives_on_a_model_file(model_file):
    result = run("objectives", "--model", str(model_file))
    assert result["srv"] == {"required_rto": 2.0, "required_rpo": 0.5}
    assert result["portal"] == {"required_rto": 2.0, "required_rpo": 0.5}
    assert result["library"] == {"required_rto": None, "required_rpo": None}
    assert set(result) == {"exams", "pay", "library", "portal", "srv"}


@pytest.mark.django_db
def test_bia_and_objectives_on_the_database(manager):
    exams = process(manager, "exams")
    portal = process(manager, "portal", kind="service")
    inventory.requirement_add(actor=manager, owner=exams, members=[portal])
    answered(manager, exams, impacts=table(customer=[2, 4, 5, 5, 5, 5, 5]), rto=2, rpo=1)
    answered(manager, portal, rto=8)
    assert run("bia") == {
        "exams": {"mtpd": 4.0, "rto": 2.0, "rpo": 1.0, "rto_within_mtpd": True, "priority": 1},
        "portal": {"mtpd": None, "rto": 8.0, "rpo": None, "rto_within_mtpd": None, "priority": 2},
    }
    assert run("objectives") == {
        "exams": {"required_rto": 2.0, "required_rpo": 1.0},
        "portal": {"required_rto": 2.0, "required_rpo": 1.0},
    }
    text = io.StringIO()
    call_command("analyze", "bia", stdout=text)
    assert "exams" in text.getvalue()
