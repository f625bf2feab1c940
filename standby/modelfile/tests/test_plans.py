"""The ``plans`` section: reading, every error with its path, writing back, the step-order rule."""
# ruff: noqa: E501  (the error tables read best with one expected message per line)

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import TEXT_PATHS, load_bytes
from standby.modelfile.plans import (
    CallTreeEntry,
    Communication,
    DistributionEntry,
    PlanStep,
    misplaced_steps,
    model_plans,
    model_requires,
    step_order_problems,
)
from standby.modelfile.schema import validate
from standby.modelfile.tests.conftest import DOC

TEXT = """\
standby: 1

people:
- id: ann
  name: Ann Lee
- id: bob
  name: Bob Roy

teams:
- id: ops
  name: Operations
  members:
  - person: ann
    role: leader

locations:
- id: dc
  name: Data centre

processes:
- id: pay
  name: Pay staff
  requires:
  - payroll-app

services:
- id: payroll-app
  name: Payroll application
  requires:
  - srv

assets:
- id: srv
  name: Server
  type: hardware
  location: dc
  recovery_time: 4h

plans:
- id: payroll
  title: Payroll recovery
  template: nist
  scope: [pay, payroll-app]
  teams: [ops]
  review_by: 2026-03-31
  purpose: "Pay staff on time after a disaster.\\n\\nCovers the payroll run."
  invocation_triggers: "- The server room is lost\\n- Payroll is down for more than 4 h"
  invocation_authority: The finance director
  invocation_procedure: Declare, then start the call tree.
  return_to_normal: Move back to the primary server.
  steps:
  - title: Make the data centre available
    node: dc
  - title: Rebuild the server
    node: srv
    procedure: "1. Rack the spare\\n2. Restore the image"
    team: ops
    owner: ann
    expected_duration: 4h
    verification: It boots.
  - title: Tell the bank
  - title: Restore Payroll application
    node: payroll-app
    expected_duration: 90m
  - title: Resume Pay staff
    node: pay
  call_tree:
  - callee: ann
    fallback: bob
  - caller: ann
    callee: bob
  communications:
  - audience: All staff
    channel: E-mail and text
    timing: Within 1 hour
    message: "Pay is delayed; we expect it by {date}."
  - audience: The bank
    channel: Phone
    timing: At invocation
  distribution:
  - person: ann
    role: recovery_team
  - person: bob
    role: key_staff
"""


def _read(text: str, filename: str = "m.yaml"):
    return validate(load_bytes(text.encode(), filename=filename))


def _base() -> dict:
    return load_bytes(TEXT.encode(), filename="m.yaml")  # type: ignore[return-value]


def _problems(data: object) -> list[str]:
    with pytest.raises(ModelFileError) as info:
        validate(data)
    return [str(p) for p in info.value.problems]


def test_a_valid_plan_is_read():
    (plan,) = model_plans(_read(TEXT))
    assert (plan.id, plan.title, plan.template) == ("payroll", "Payroll recovery", "nist")
    assert plan.scope == ("pay", "payroll-app")
    assert plan.teams == ("ops",)
    assert plan.review_by == dt.date(2026, 3, 31)
    assert plan.purpose == "Pay staff on time after a disaster.\n\nCovers the payroll run."
    assert plan.invocation_authority == "The finance director"
    assert [s.node for s in plan.steps] == ["dc", "srv", None, "payroll-app", "pay"]
    assert plan.steps[1] == PlanStep(
        title="Rebuild the server",
        node="srv",
        procedure="1. Rack the spare\n2. Restore the image",
        team="ops",
        owner="ann",
        expected_duration=4.0,
        verification="It boots.",
    )
    assert plan.steps[3].expected_duration == 1.5
    assert plan.call_tree == (
        CallTreeEntry(callee="ann", fallback="bob"),
        CallTreeEntry(caller="ann", callee="bob"),
    )
    assert plan.communications[1] == Communication(
        audience="The bank", channel="Phone", timing="At invocation"
    )
    assert plan.distribution == (
        DistributionEntry(person="ann", role="recovery_team"),
        DistributionEntry(person="bob", role="key_staff"),
    )


def test_a_model_without_plans_has_none():
    data = _base()
    del data["plans"]
    assert model_plans(validate(data)) == ()


def test_the_canonical_text_is_a_fixpoint_in_yaml_and_json():
    model = _read(TEXT)
    assert dump(model) == TEXT
    json_text = dump(model, fmt="json")
    assert _read(json_text, "m.json") == model
    assert dump(_read(json_text, "m.json")) == TEXT


def test_sets_are_written_sorted_and_ordered_lists_keep_their_order():
    data = _base()
    plan = data["plans"][0]
    plan["scope"] = ["payroll-app", "pay"]
    plan["distribution"].reverse()
    plan["call_tree"].reverse()
    plan["purpose"] = ""  # empty text is no text
    text = dump(validate(data))
    assert "scope: [pay, payroll-app]" in text
    assert text.index("role: recovery_team") < text.index("role: key_staff")
    assert text.index("- caller: ann") < text.index("- callee: ann")
    assert "purpose:" not in text


def _markdown(length: int) -> str:
    line = "1. Restore the volume from the nightly snapshot, then check `fsck` is clean.\n"
    return (line * (length // len(line) + 1))[:length]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_long_markdown_is_written_and_read_back(fmt):
    """Text fields are TextFields in the database: far longer than the 10,000-character limit of
    other strings."""
    data = _base()
    plan = data["plans"][0]
    plan["steps"][1]["procedure"] = _markdown(50_000)
    plan["purpose"] = _markdown(99_999) + "."
    plan["communications"][0]["message"] = _markdown(60_000)
    model = validate(data)
    text = dump(model, fmt=fmt)
    again = _read(text, f"m.{fmt}")
    assert again == model
    assert model_plans(again)[0].steps[1].procedure == _markdown(50_000)
    assert dump(again, fmt=fmt) == text


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_text_over_100000_characters_is_refused_with_its_path(fmt):
    data = _base()
    data["plans"][0]["steps"][1]["procedure"] = _markdown(200_000)
    data["plans"][0]["title"] = "x" * 10_001  # not a text field: the 10,000 limit holds
    text = json.dumps(data, default=str) if fmt == "json" else yaml.safe_dump(data)
    with pytest.raises(ModelFileError) as info:
        load_bytes(text.encode(), filename=f"m.{fmt}")
    problems = sorted(str(p).split(" (line")[0] for p in info.value.problems)
    assert problems == [
        "plans[0].steps[1].procedure: a string of 200000 characters is longer than the limit of "
        "100000",
        "plans[0].title: a string of 10001 characters is longer than the limit of 10000",
    ]


def _set(data: dict, pattern: tuple[str, ...], value: str) -> None:
    """Put ``value`` at ``pattern`` ("*" is the first item), making the mappings on the way."""
    target: object = data
    for part in pattern[:-1]:
        if part == "*":
            assert isinstance(target, list)
            assert target, pattern
            target = target[0]
        else:
            assert isinstance(target, dict)
            target = target.setdefault(part, {})
    assert isinstance(target, dict)
    target[pattern[-1]] = value


def test_every_text_path_is_a_text_field_that_round_trips():
    data = _base()
    data["suppliers"] = [
        {"id": "vendor", "name": "Vendor", "contracts": [{"id": "sla", "guarantees": "4 h"}]}
    ]
    data["processes"][0]["rto"] = "4h"
    long = {pattern: f"{'.'.join(pattern)}: " + _markdown(30_000) for pattern in TEXT_PATHS}
    for pattern, value in long.items():
        _set(data, pattern, value)
    text = dump(validate(data))
    again = load_bytes(text.encode(), filename="m.yaml")
    assert isinstance(again, dict)
    for pattern, value in long.items():
        found: object = again
        for part in pattern:
            found = found[0] if part == "*" else found[part]  # type: ignore[index]
        assert found == value, pattern
    assert dump(validate(again)) == text


def test_minimal_plan_and_empty_scope():
    data = _base()
    data["plans"] = [{"id": "p", "title": "Draft", "template": "itscm", "scope": []}]
    text = dump(validate(data))
    assert text.endswith("plans:\n- id: p\n  title: Draft\n  template: itscm\n  scope: []\n")
    assert dump(_read(text)) == text


def test_plan_ids_are_their_own_namespace():
    data = _base()
    data["plans"][0]["id"] = "pay"  # also a process: allowed
    assert model_plans(validate(data))[0].id == "pay"


def _with(**changes) -> dict:
    data = copy.deepcopy(_base())
    plan = data["plans"][0]
    for key, value in changes.items():
        if value is ...:
            del plan[key]
        else:
            plan[key] = value
    return data


def _step(index: int, **changes) -> dict:
    data = copy.deepcopy(_base())
    data["plans"][0]["steps"][index].update(changes)
    return data


def _entry(part: str, index: int, **changes) -> dict:
    data = copy.deepcopy(_base())
    entry = data["plans"][0][part][index]
    for key, value in changes.items():
        if value is ...:
            del entry[key]
        else:
            entry[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _with(colour="red"),
            [
                "plans[0].colour: unknown key 'colour' (expected id, title, template, scope, teams, review_by, purpose, invocation_triggers, invocation_authority, invocation_procedure, return_to_normal, steps, call_tree, communications, distribution)"
            ],
        ),
        (
            _with(id="no spaces"),
            [
                "plans[0].id: invalid id 'no spaces': use 1 to 100 letters, digits, '-', '_' or '.', starting with a letter or digit"
            ],
        ),
        (
            _with(id=".."),
            [
                "plans[0].id: invalid id '..': use 1 to 100 letters, digits, '-', '_' or '.', starting with a letter or digit"
            ],
        ),
        (
            _with(id="new"),
            [
                "plans[0].id: 'new' is a page under /plans/: a plan id cannot be ack, new, offsite or stale"
            ],
        ),
        (_with(title=...), ["plans[0]: missing required key 'title'"]),
        (_with(title=" "), ["plans[0].title: must not be empty"]),
        (_with(template="iso"), ["plans[0].template: expected one of itscm, nist; got 'iso'"]),
        (_with(scope=...), ["plans[0]: missing required key 'scope'"]),
        (_with(scope="pay"), ["plans[0].scope: expected a list, got a string"]),
        (_with(scope=["pay", "x"]), ["plans[0].scope[1]: unknown id 'x'"]),
        (
            _with(scope=["srv"]),
            ["plans[0].scope[0]: 'srv' is an asset, expected a process or a service"],
        ),
        (_with(scope=["pay", "pay"]), ["plans[0].scope[1]: 'pay' is listed twice"]),
        (_with(teams=["ann"]), ["plans[0].teams[0]: 'ann' is a person, expected a team"]),
        (
            _with(review_by="31/03/2026"),
            ["plans[0].review_by: expected a date (YYYY-MM-DD), got a string"],
        ),
        (
            _with(purpose=12),
            ["plans[0].purpose: expected a string, got an integer (quote it to make it text)"],
        ),
        (_with(steps={}), ["plans[0].steps: expected a list, got a mapping"]),
        (_step(0, node="x"), ["plans[0].steps[0].node: unknown id 'x'"]),
        (
            _step(0, node="ann"),
            [
                "plans[0].steps[0].node: 'ann' is a person, expected an asset, a location, a process, a service or a supplier"
            ],
        ),
        (
            _step(2, node="srv"),
            [
                "plans[0].steps[2].node: 'srv' already has a step (plans[0].steps[1]): one step per node"
            ],
        ),
        (_step(1, owner="ops"), ["plans[0].steps[1].owner: 'ops' is a team, expected a person"]),
        (_step(1, team="ann"), ["plans[0].steps[1].team: 'ann' is a person, expected a team"]),
        (
            _step(1, expected_duration="4 hours"),
            [
                "plans[0].steps[1].expected_duration: expected a duration such as 90m, 4h, 2d or 1w, got '4 hours'"
            ],
        ),
        (
            _step(1, when="now"),
            [
                "plans[0].steps[1].when: unknown key 'when' (expected title, node, procedure, team, owner, expected_duration, verification)"
            ],
        ),
        (_entry("steps", 2, title=...), ["plans[0].steps[2]: missing required key 'title'"]),
        (
            _entry("call_tree", 0, callee=...),
            ["plans[0].call_tree[0]: missing required key 'callee'"],
        ),
        (
            _entry("call_tree", 1, caller="nobody"),
            ["plans[0].call_tree[1].caller: unknown id 'nobody'"],
        ),
        (
            _entry("call_tree", 0, fallback="ops"),
            ["plans[0].call_tree[0].fallback: 'ops' is a team, expected a person"],
        ),
        (
            _entry("communications", 1, channel=""),
            ["plans[0].communications[1].channel: must not be empty"],
        ),
        (
            _entry("communications", 1, timing=...),
            ["plans[0].communications[1]: missing required key 'timing'"],
        ),
        (
            _entry("communications", 0, tone="calm"),
            [
                "plans[0].communications[0].tone: unknown key 'tone' (expected audience, channel, timing, message)"
            ],
        ),
        (
            _entry("distribution", 1, role="boss"),
            [
                "plans[0].distribution[1].role: expected one of key_staff, recovery_team, offsite_holder; got 'boss'"
            ],
        ),
        (
            _entry("distribution", 1, person="ann"),
            [
                "plans[0].distribution[1].person: 'ann' is already on the distribution list (plans[0].distribution[0]): one role each"
            ],
        ),
        (
            _entry("distribution", 0, person="srv"),
            ["plans[0].distribution[0].person: 'srv' is an asset, expected a person"],
        ),
    ],
)
def test_each_error_has_its_path(data, expected):
    assert _problems(data) == expected


def test_a_plan_id_used_twice_is_an_error():
    data = _base()
    data["plans"].append({"id": "payroll", "title": "Again", "template": "itscm", "scope": []})
    assert _problems(data) == [
        "plans[1].id: duplicate plan id 'payroll' (already used at plans[0])"
    ]


def test_several_errors_are_collected_at_once():
    data = _base()
    plan = data["plans"][0]
    plan["template"] = "iso"
    plan["scope"] = ["srv", "nope"]
    plan["steps"][0]["node"] = "x"
    plan["steps"][1]["expected_duration"] = "soon"
    plan["call_tree"][0] = {"caller": "ann"}
    plan["communications"][0]["audience"] = 3
    plan["distribution"][0]["role"] = "boss"
    data["plans"].append("a plan")
    assert _problems(data) == [
        "plans[0].template: expected one of itscm, nist; got 'iso'",
        "plans[0].steps[1].expected_duration: expected a duration such as 90m, 4h, 2d or 1w, got 'soon'",
        "plans[0].call_tree[0]: missing required key 'callee'",
        "plans[0].communications[0].audience: expected a string, got an integer (quote it to make it text)",
        "plans[0].distribution[0].role: expected one of key_staff, recovery_team, offsite_holder; got 'boss'",
        "plans[1]: expected a mapping, got a string",
        "plans[0].scope[0]: 'srv' is an asset, expected a process or a service",
        "plans[0].scope[1]: unknown id 'nope'",
        "plans[0].steps[0].node: unknown id 'x'",
    ]


def test_validation_does_not_reorder_or_refuse_steps_out_of_order():
    # The rule is the database import's (it needs the stored order); validation keeps the file's.
    data = _base()
    steps = data["plans"][0]["steps"]
    steps[0], steps[4] = steps[4], steps[0]
    plan = model_plans(validate(data))[0]
    assert [s.node for s in plan.steps] == ["pay", "srv", None, "payroll-app", "dc"]


def test_the_step_order_rule_names_every_misplaced_step():
    data = _base()
    steps = data["plans"][0]["steps"]
    steps[0], steps[4] = steps[4], steps[0]  # pay first, dc last
    model = validate(data)
    requires = model_requires(model)
    assert requires == {"pay": ("payroll-app",), "payroll-app": ("srv",), "srv": ("dc",)}
    assert [str(p) for p in step_order_problems(requires, model_plans(model)[0], "plans[0]")] == [
        "plans[0].steps[0].node: 'pay' cannot come before steps[4] ('dc'), which brings back something it requires: move the step after it",
        "plans[0].steps[1].node: 'srv' cannot come before steps[4] ('dc'), which brings back something it requires: move the step after it",
        "plans[0].steps[3].node: 'payroll-app' cannot come before steps[4] ('dc'), which brings back something it requires: move the step after it",
    ]
    assert step_order_problems(requires, model_plans(_read(TEXT))[0], "plans[0]") == []


_NODES = ["a", "b", "c", "d", "e"]


@given(
    edges=st.dictionaries(
        st.sampled_from(_NODES), st.lists(st.sampled_from(_NODES), max_size=3), max_size=5
    ),
    order=st.permutations([*_NODES, None]),
)
def test_the_rule_is_the_plan_builders(edges, order):
    """The first misplaced step is the one :func:`standby.plans.sequence.check_order` refuses
    (a pure module of the plans app: no Django)."""
    from standby.plans.sequence import check_order

    found = misplaced_steps(edges, order)
    violation = check_order(edges, order)
    if violation is None:
        assert found == []
    else:
        assert found[0] == (violation.step, violation.must_follow)


def test_the_reference_page_example_is_valid_and_written_back_the_same():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Recovery plans (`plans`)", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    model = _read(block)
    assert [p.id for p in model_plans(model)] == ["payroll"]
    assert dump(model) == block
