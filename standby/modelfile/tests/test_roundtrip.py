"""The reference example and the dump → load → validate → dump fixpoint."""

from __future__ import annotations

import json

from standby.modelfile.dump import dump, to_data
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import Requirement, validate


def _read(text: str, filename: str = "model.yaml"):
    return validate(load_bytes(text.encode("utf-8"), filename=filename))


def test_doc_example_is_exactly_what_dump_writes(example_text):
    model = _read(example_text)
    assert dump(model) == example_text


def test_doc_example_has_the_advertised_shapes(example_text):
    model = _read(example_text)
    assets = {a.id: a for a in model.assets}
    services = {s.id: s for s in model.services}
    assert Requirement(1, ("isp-a", "isp-b"), "any_of") in services["internet"].requires
    assert Requirement(2, ("vm-1", "vm-2", "vm-3"), "at_least") in assets["records-app"].requires
    assert assets["isp-b"].recovery_time == 1.5
    assert model.locations[1].recovery_time == 336.0
    assert model.suppliers[0].contracts[0].id == "netcom-sla-2025"
    assert [m.role for m in model.teams[0].members] == [
        "leader",
        "technical",
        "department_representative",
    ]
    assert len(model.processes) == 1
    assert len(model.services) == 2


def test_json_round_trip_gives_the_same_model(example_text):
    model = _read(example_text)
    text = dump(model, fmt="json")
    again = _read(text, "model.json")
    assert again == model
    assert dump(again, fmt="json") == text
    assert json.loads(text)["people"][1]["leaves_on"] == "2026-07-31"


def test_yaml_and_json_carry_the_same_data(example_text):
    model = _read(example_text)
    from_yaml = load_bytes(dump(model).encode(), filename="m.yaml")
    from_json = load_bytes(dump(model, fmt="json").encode(), filename="m.json")
    assert validate(from_yaml) == validate(from_json)


def test_dump_sorts_items_and_omits_empty_optionals():
    data = {
        "standby": 1,
        "assets": [
            {"id": "b", "name": "B", "type": "data", "requires": [], "description": ""},
            {"id": "a", "name": "A", "type": "data", "recovery_time": 48},
        ],
    }
    text = dump(_read(json.dumps(data), "m.json"))
    assert text == (
        "standby: 1\n\nassets:\n"
        "- id: a\n  name: A\n  type: data\n  recovery_time: 2d\n"
        "- id: b\n  name: B\n  type: data\n"
    )


def test_requirement_spelling_is_kept():
    data = {
        "standby": 1,
        "assets": [{"id": x, "name": x, "type": "data"} for x in ("a", "b")]
        + [
            {
                "id": "c",
                "name": "C",
                "type": "data",
                "requires": ["a", {"any_of": ["a", "b"]}, {"at_least": 1, "of": ["b", "a"]}],
            }
        ],
    }
    model = _read(json.dumps(data), "m.json")
    assert to_data(model)["assets"][2]["requires"] == [  # type: ignore[index]
        "a",
        {"any_of": ["a", "b"]},
        {"at_least": 1, "of": ["b", "a"]},
    ]


def test_null_sections_are_empty():
    model = _read("standby: 1\npeople:\nassets: []\n")
    assert model.people == ()
    assert dump(model) == "standby: 1\n"
