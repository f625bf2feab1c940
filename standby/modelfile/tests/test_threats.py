"""The ``threats`` section: reading, errors with paths, writing back, the analysis input."""
# ruff: noqa: E501  (the error tables read best with one expected message per line)

from __future__ import annotations

import copy

import pytest

from standby.analysis import montecarlo
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate
from standby.modelfile.tests.conftest import DOC
from standby.modelfile.threats import (
    FrequencyRange,
    Threat,
    model_loss_curves,
    model_threats,
)


def _base() -> dict:
    return {
        "standby": 1,
        "locations": [{"id": "dc", "name": "DC", "recovery_time": "3d"}],
        "suppliers": [{"id": "acme", "name": "Acme"}],
        "assets": [
            {
                "id": "srv",
                "name": "Server",
                "type": "hardware",
                "location": "dc",
                "recovery_time": "8h",
            }
        ],
        "services": [{"id": "web", "name": "Web", "requires": ["srv"]}],
        "processes": [
            {
                "id": "pay",
                "name": "Pay",
                "requires": ["web"],
                "loss": [100, 1000, None, 9000, 10000, 10000, 10000],
            }
        ],
        "threats": [
            {
                "id": "fire",
                "name": "Fire",
                "frequency": {"min": 0.01, "likely": 0.02, "max": 0.1},
                "fails": ["dc"],
                "spread": 0.5,
            },
            {
                "id": "disk",
                "name": "Disk failure",
                "frequency": 0.5,
                "fails": ["srv", "acme"],
                "duration": "4h",
            },
        ],
    }


def _problems(data: object) -> list[str]:
    with pytest.raises(ModelFileError) as info:
        validate(data)
    return [str(p) for p in info.value.problems]


def test_threats_are_read_sorted_by_id():
    threats = model_threats(validate(_base()))
    assert threats == (
        Threat("disk", "Disk failure", 0.5, ("srv", "acme"), 4.0, None),
        Threat("fire", "Fire", FrequencyRange(0.01, 0.02, 0.1), ("dc",), None, 0.5),
    )


def test_a_model_without_threats_has_none():
    data = _base()
    del data["threats"]
    assert model_threats(validate(data)) == ()


def test_round_trip_is_a_fixpoint():
    text = dump(validate(_base()))
    assert "threats:\n- id: disk" in text
    assert "fails: [srv, acme]" in text
    assert "duration: 4h" in text
    again = dump(validate(load_bytes(text.encode(), filename="m.yaml")))
    assert again == text
    assert (
        dump(validate(load_bytes(dump(validate(_base()), fmt="json").encode(), filename="m.json")))
        == text
    )


def _with(index: int, **changes) -> dict:
    data = copy.deepcopy(_base())
    for key, value in changes.items():
        if value is ...:
            del data["threats"][index][key]
        else:
            data["threats"][index][key] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _with(1, colour="red"),
            [
                "threats[1].colour: unknown key 'colour' (expected id, name, frequency, fails, duration, spread)"
            ],
        ),
        (_with(1, frequency=...), ["threats[1]: missing required key 'frequency'"]),
        (_with(1, fails=...), ["threats[1]: missing required key 'fails'"]),
        (_with(1, frequency=-1), ["threats[1].frequency: a frequency cannot be negative, got -1"]),
        (
            _with(1, frequency="often"),
            [
                "threats[1].frequency: expected events a year (a number) or {min, likely, max}, got a string"
            ],
        ),
        (
            _with(1, frequency=True),
            [
                "threats[1].frequency: expected events a year (a number) or {min, likely, max}, got true/false"
            ],
        ),
        (
            _with(0, frequency={"min": 2, "likely": 1, "max": 3}),
            ["threats[0].frequency: expected min <= likely <= max, got 2, 1, 3"],
        ),
        (
            _with(0, frequency={"min": 0, "max": "a"}),
            [
                "threats[0].frequency: missing required key 'likely'",
                "threats[0].frequency.max: expected events a year (a number), got a string",
            ],
        ),
        (
            _with(0, frequency={"min": 0, "likely": 1, "max": 2, "mode": 1}),
            ["threats[0].frequency.mode: unknown key 'mode' (expected min, likely, max)"],
        ),
        (
            _with(1, fails=[]),
            ["threats[1].fails: must name at least one asset, location or supplier"],
        ),
        (_with(1, fails="srv"), ["threats[1].fails: expected a list, got a string"]),
        (_with(1, fails=["srv", "srv"]), ["threats[1].fails[1]: 'srv' is listed twice"]),
        (_with(1, fails=["nope"]), ["threats[1].fails[0]: unknown id 'nope'"]),
        (
            _with(1, fails=["srv", "pay"]),
            [
                "threats[1].fails[1]: 'pay' is a process: only assets, locations and suppliers fail directly; a process goes down only through what it requires"
            ],
        ),
        (
            _with(1, fails=["web"]),
            [
                "threats[1].fails[0]: 'web' is a service: only assets, locations and suppliers fail directly; a service goes down only through what it requires"
            ],
        ),
        (
            _with(1, fails=["fire"]),
            ["threats[1].fails[0]: 'fire' is a threat, expected an asset, location or supplier"],
        ),
        (
            _with(1, duration="soon"),
            ["threats[1].duration: expected a duration such as 90m, 4h, 2d or 1w, got 'soon'"],
        ),
        (_with(1, spread=-0.5), ["threats[1].spread: a spread cannot be negative, got -0.5"]),
        (
            _with(1, spread="wide"),
            ["threats[1].spread: expected a lognormal sigma (a number >= 0), got a string"],
        ),
        (_with(1, id="srv"), ["threats[1].id: duplicate id 'srv' (already used at assets[0])"]),
    ],
)
def test_threat_errors_have_paths(data, expected):
    assert _problems(data) == expected


def test_a_threat_cannot_be_required():
    data = _base()
    data["services"][0]["requires"] = ["srv", "fire"]
    assert _problems(data) == [
        "services[0].requires[1]: 'fire' is a threat, expected an asset, a location, a process, a service or a supplier"
    ]


def test_analysis_input():
    model = validate(_base())
    threats = [t.to_analysis() for t in model_threats(model)]
    assert threats[1].frequency == montecarlo.Pert(0.01, 0.02, 0.1)
    assert threats[0] == montecarlo.Threat("disk", 0.5, ("srv", "acme"), 4.0, None)
    curves = model_loss_curves(model)
    assert list(curves) == ["pay"]
    assert curves["pay"].horizons == (1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 672.0)
    assert curves["pay"].money[:3] == (100, 1000, None)


def test_reference_threats_snippet_is_valid():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### `threats`", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    model = validate(load_bytes(("standby: 1\n" + block).encode(), filename="threats.yaml"))
    assert [t.id for t in model_threats(model)] == ["fire-dc", "power-cut"]
