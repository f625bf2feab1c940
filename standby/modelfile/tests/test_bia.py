"""The ``bia`` section and the per-node BIA fields: reading, errors, writing back."""
# ruff: noqa: E501  (the error tables read best with one expected message per line)

from __future__ import annotations

import copy
import re

import pytest
import yaml

from standby.analysis.bia import BiaScale
from standby.modelfile.bia import (
    DEFAULT_BIA,
    BiaCategory,
    BiaReasons,
    BiaSettings,
    NodeBia,
    bia_settings,
    model_objectives,
    node_bia,
    node_mtpd,
)
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate
from standby.modelfile.tests.conftest import DOC

HIGH = [0, 1, 2, 4, 5, 5, 5]  # intolerable from 3 d


def _base() -> dict:
    return {
        "standby": 1,
        "processes": [
            {
                "id": "pay",
                "name": "Pay staff",
                "requires": ["payroll"],
                "rto": "2d",
                "rpo": "4h",
                "wrt": "8h",
                "mbco": 50,
                "reasons": {"rto": "Payday is the 28th."},
                "impact": {"financial": HIGH, "legal": [0, 0, 0, 1, 2, 3, 4]},
                "loss": [0, 1000, None, 50000.5, 1e6, 2e6, 4e6],
            }
        ],
        "services": [{"id": "payroll", "name": "Payroll", "rto": "1d"}],
    }


def _problems(data: object) -> list[str]:
    with pytest.raises(ModelFileError) as info:
        validate(data)
    return [str(p) for p in info.value.problems]


def _round_trip(text: str) -> str:
    return dump(validate(load_bytes(text.encode(), filename="m.yaml")))


def test_defaults_without_a_bia_section():
    model = validate(_base())
    assert bia_settings(model) == DEFAULT_BIA
    assert DEFAULT_BIA.scale() == BiaScale(category_names=DEFAULT_BIA.scale().category_names)
    assert [c.id for c in DEFAULT_BIA.categories] == [
        "financial",
        "operational",
        "customer",
        "reputational",
        "legal",
        "health_safety",
    ]
    assert DEFAULT_BIA.horizons == (1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 672.0)
    assert (DEFAULT_BIA.intolerable, DEFAULT_BIA.currency) == (4, "GBP")


def test_node_fields_are_read():
    model = validate(_base())
    pay = node_bia(model.processes[0])
    assert pay == NodeBia(
        rto=48.0,
        rpo=4.0,
        wrt=8.0,
        mbco=50,
        reasons=BiaReasons(rto="Payday is the 28th."),
        impact={"financial": tuple(HIGH), "legal": (0, 0, 0, 1, 2, 3, 4)},
        loss=(0, 1000, None, 50000.5, 1e6, 2e6, 4e6),
    )
    assert node_mtpd(model.processes[0]) == 72.0
    assert node_mtpd(model.services[0]) is None
    assert model_objectives(model) == {"pay": (48.0, 4.0), "payroll": (24.0, None)}


def test_a_node_without_bia_fields_has_no_extension():
    model = validate({"standby": 1, "processes": [{"id": "p", "name": "P", "reasons": {}}]})
    assert model.processes[0].extensions == {}
    assert node_bia(model.processes[0]) is None


def test_bia_section_is_read():
    data = _base()
    data["bia"] = {
        "categories": [
            {"id": "money", "name": "Money", "levels": ["0", "1", "2", "3", "4", "5"]},
            {"id": "people", "name": "People"},
        ],
        "horizons": ["4h", "1d", 72],
        "intolerable": 3,
        "currency": "EUR",
    }
    for node in (*data["processes"], *data["services"]):
        node.pop("impact", None)
        node.pop("loss", None)
    data["processes"][0]["impact"] = {"money": [1, 3, 5]}
    data["processes"][0]["rto"] = "4h"
    model = validate(data)
    assert bia_settings(model) == BiaSettings(
        (BiaCategory("money", "Money", ("0", "1", "2", "3", "4", "5")), BiaCategory("people", "People")),
        (4.0, 24.0, 72.0),
        3,
        "EUR",
    )  # fmt: skip
    assert node_mtpd(model.processes[0], bia_settings(model)) == 24.0


def test_round_trip_with_bia_is_a_fixpoint():
    data = _base()
    data["bia"] = {
        "categories": [{"id": "z", "name": "Zed"}, {"id": "a", "name": "Ay"}],
        "horizons": [1, "90m", "1d"],
        "currency": "USD",
    }
    data["processes"][0]["impact"] = {"z": [0, 4, 5], "a": [1, 1, 1]}
    data["processes"][0]["loss"] = [0, 10.5, None]
    data["processes"][0]["rto"] = "3h"
    data["processes"][0]["rto_override"] = "Accepted by the board, 2025-03-01."
    text = dump(validate(data))
    assert _round_trip(text) == text
    assert "  impact:\n    z: [0, 4, 5]\n    a: [1, 1, 1]\n" in text
    assert "  loss: [0, 10.5, null]\n" in text
    assert "  horizons: [1h, 90m, 1d]\n" in text
    # Categories keep the order written (they are columns, not a sorted list).
    assert text.index("id: z") < text.index("id: a")
    assert validate(load_bytes(dump(validate(data), fmt="json").encode(), filename="m.json")) == (
        validate(data)
    )


def test_default_bia_section_is_written_as_an_empty_mapping_and_reads_back():
    text = "standby: 1\n\nbia: {}\n"
    assert _round_trip(text) == text
    assert _round_trip("standby: 1\nbia:\n") == text


def test_node_keys_are_written_after_the_core_keys():
    text = dump(validate(_base()))
    assert text.splitlines()[3:16] == [
        "- id: pay",
        "  name: Pay staff",
        "  requires:",
        "  - payroll",
        "  rto: 2d",
        "  rpo: 4h",
        "  wrt: 8h",
        "  mbco: 50",
        "  reasons:",
        "    rto: Payday is the 28th.",
        "  impact:",
        "    financial: [0, 1, 2, 4, 5, 5, 5]",
        "    legal: [0, 0, 0, 1, 2, 3, 4]",
    ]


def _with(**changes) -> dict:
    data = copy.deepcopy(_base())
    data["processes"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"impact": {"financial": [0, 1, 2, 4, 7, 5, 5]}},
            ["processes[0].impact.financial[4]: level 7 is not between 0 and 5"],
        ),
        (
            {"impact": {"financial": [0, 1, "high", 4, 5, 5, True]}},
            [
                "processes[0].impact.financial[2]: expected a level (an integer 0 to 5), "
                "got a string",
                "processes[0].impact.financial[6]: expected a level (an integer 0 to 5), "
                "got true/false",
            ],
        ),
        (
            {"impact": {"financial": [0, 1, 2]}},
            [
                "processes[0].impact.financial: has 3 levels, expected 7 "
                "(one per horizon: 1h, 4h, 1d, 3d, 1w, 2w, 4w)"
            ],
        ),
        (
            {"impact": {"money": HIGH}},
            [
                "processes[0].impact.money: unknown impact category 'money' (expected "
                "financial, operational, customer, reputational, legal, health_safety)"
            ],
        ),
        (
            {"impact": [1, 2]},
            ["processes[0].impact: expected a mapping of category to a list of levels, got a list"],
        ),
        (
            {"loss": [0, -1, "x", 0, 0, 0, 0]},
            [
                "processes[0].loss[1]: a loss cannot be negative, got -1",
                "processes[0].loss[2]: expected an amount of money (a number) or null, "
                "got a string",
            ],
        ),
        (
            {"loss": [0, 1]},
            [
                "processes[0].loss: has 2 amounts, expected 7 "
                "(one per horizon: 1h, 4h, 1d, 3d, 1w, 2w, 4w)"
            ],
        ),
        (
            {"rto": "4d"},
            [
                "processes[0].rto: RTO 4 d is longer than the MTPD 3 d (the first horizon with "
                "an intolerable impact); shorten it or give the reason in rto_override"
            ],
        ),
        ({"rpo": "soon"}, ["processes[0].rpo: expected a duration such as 90m, 4h, 2d or 1w, got 'soon'"]),
        ({"mbco": 150}, ["processes[0].mbco: must be a percentage between 0 and 100, got 150"]),
        ({"mbco": "half"}, ["processes[0].mbco: expected a percentage (a number 0 to 100), got a string"]),
        (
            {"reasons": {"rto": "x", "why": "y"}},
            ["processes[0].reasons.why: unknown key 'why' (expected rto, rpo, mbco, wrt)"],
        ),
        ({"rto_override": 3}, ["processes[0].rto_override: expected a string, got an integer (quote it to make it text)"]),
    ],
)  # fmt: skip
def test_node_field_errors(changes, expected):
    assert _problems(_with(**changes)) == expected


def test_rto_over_mtpd_is_accepted_with_an_override():
    model = validate(_with(rto="4d", rto_override="Manual payroll covers a week."))
    assert node_bia(model.processes[0]).rto_override == "Manual payroll covers a week."


def test_unknown_node_key_is_still_an_error():
    problems = _problems(_with(rto_reason="x"))
    assert problems == [
        "processes[0].rto_reason: unknown key 'rto_reason' (expected id, name, description, "
        "owner, requires, rto, rpo, wrt, mbco, rto_override, reasons, impact, loss)"
    ]


def test_assets_do_not_take_bia_fields():
    data = {"standby": 1, "assets": [{"id": "a", "name": "A", "type": "data", "rto": "4h"}]}
    assert _problems(data)[0].startswith("assets[0].rto: unknown key 'rto'")


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"horizons": ["4h", "1h"]}, ["bia.horizons[1]: horizons must be in ascending order: 1h is not after 4h"]),
        ({"horizons": [0, "1h"]}, ["bia.horizons[0]: a horizon must be longer than 0"]),
        ({"horizons": []}, ["bia.horizons: must list at least one horizon"]),
        ({"horizons": "1h"}, ["bia.horizons: expected a list of durations, got a string"]),
        ({"intolerable": 6}, ["bia.intolerable: must be between 1 and 5, got 6"]),
        ({"intolerable": "4"}, ["bia.intolerable: expected an integer level, got a string"]),
        ({"currency": "pounds"}, ["bia.currency: expected an ISO 4217 code such as GBP, got 'pounds'"]),
        ({"categories": []}, ["bia.categories: must name at least one category"]),
        (
            {"categories": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
            ["bia.categories[1].id: category 'a' is listed twice"],
        ),
        (
            {"categories": [{"id": "a", "name": "A", "levels": ["x"]}]},
            ["bia.categories[0].levels: describe all 6 levels 0..5 (got 1)"],
        ),
        ({"colour": "red"}, ["bia.colour: unknown key 'colour' (expected categories, horizons, intolerable, currency)"]),
        ("yes", ["bia: expected a mapping, got a string"]),
    ],
)  # fmt: skip
def test_section_errors_do_not_cascade_into_node_errors(section, expected):
    data = _base()
    data["bia"] = section
    assert _problems(data) == expected


def test_node_checks_follow_the_section_even_when_it_comes_later():
    data = _base()
    data["bia"] = {"horizons": ["1h", "1d"]}
    data["processes"][0]["loss"] = None
    problems = _problems(data)
    assert problems == [
        "processes[0].impact.financial: has 7 levels, expected 2 (one per horizon: 1h, 1d)",
        "processes[0].impact.legal: has 7 levels, expected 2 (one per horizon: 1h, 1d)",
    ]


def test_reference_example_carries_a_bia(example_text):
    model = validate(load_bytes(example_text.encode(), filename="m.yaml"))
    enrolment = model.processes[0]
    assert node_bia(enrolment).rto == 24.0
    assert node_mtpd(enrolment) == 72.0
    assert model_objectives(model) == {"enrolment": (24.0, 4.0)}


def test_reference_bia_snippets_are_valid():
    text = DOC.read_text(encoding="utf-8").split("### `bia`", 1)[1].split("## Requirements")[0]
    section, processes = (yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S))
    assert bia_settings(validate({"standby": 1, **section})).horizons == (4.0, 24.0, 72.0, 168.0)
    assert node_mtpd(validate({"standby": 1, **processes}).processes[0]) == 72.0
