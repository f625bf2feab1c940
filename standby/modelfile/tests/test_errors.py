"""Every kind of validation problem, with its exact path and message."""

from __future__ import annotations

import copy

import pytest

from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate


def _base() -> dict:
    return {
        "standby": 1,
        "people": [{"id": "alice", "name": "Alice"}],
        "teams": [
            {"id": "team", "name": "Team", "members": [{"person": "alice", "role": "leader"}]}
        ],
        "locations": [{"id": "hq", "name": "HQ"}],
        "suppliers": [
            {"id": "isp", "name": "ISP", "contracts": [{"id": "sla", "guarantees": "8h"}]}
        ],
        "processes": [{"id": "teach", "name": "Teach", "requires": ["web"]}],
        "services": [{"id": "web", "name": "Web", "owner": "alice", "requires": ["lan-1"]}],
        "assets": [
            {"id": "lan-1", "name": "LAN", "type": "network", "location": "hq", "supplier": "isp"},
            {"id": "srv", "name": "Server", "type": "hardware"},
        ],
    }


def _problems(data: object) -> list[str]:
    with pytest.raises(ModelFileError) as info:
        validate(data)
    return [str(p) for p in info.value.problems]


def test_base_is_valid():
    assert validate(_base()).assets[0].id == "lan-1"


def test_unknown_id():
    data = _base()
    data["assets"][1]["requires"] = ["lan-1", "lan-2"]
    assert _problems(data) == ["assets[1].requires[1]: unknown id 'lan-2'"]


def test_unknown_id_inside_a_group():
    data = _base()
    data["services"][0]["requires"] = [{"at_least": 1, "of": ["srv", "nope"]}]
    assert _problems(data) == ["services[0].requires[0].of[1]: unknown id 'nope'"]


def test_reference_to_the_wrong_kind():
    data = _base()
    data["services"][0]["owner"] = "srv"
    data["assets"][1]["requires"] = ["alice"]
    data["assets"][1]["location"] = "isp"
    assert _problems(data) == [
        "services[0].owner: 'srv' is an asset, expected a person",
        "assets[1].location: 'isp' is a supplier, expected a location",
        "assets[1].requires[0]: 'alice' is a person, expected an asset, a location, a process, "
        "a service or a supplier",
    ]


def test_duplicate_id_across_sections():
    data = _base()
    data["assets"][1]["id"] = "hq"
    data["suppliers"][0]["contracts"][0]["id"] = "alice"
    assert _problems(data) == [
        "suppliers[0].contracts[0].id: duplicate id 'alice' (already used at people[0])",
        "assets[1].id: duplicate id 'hq' (already used at locations[0])",
    ]


def test_unknown_keys_at_every_level():
    data = _base()
    data["colour"] = "red"
    data["assets"][0]["colour"] = "red"
    data["teams"][0]["members"][0]["since"] = 2020
    data["services"][0]["requires"] = [{"any_of": ["srv"], "at_least": 1}]
    problems = _problems(data)
    assert problems[0].startswith("colour: unknown section 'colour' (expected standby, people")
    assert problems[1:] == [
        "teams[0].members[0].since: unknown key 'since' (expected person, role)",
        "services[0].requires[0].at_least: unknown key 'at_least' (expected any_of)",
        "assets[0].colour: unknown key 'colour' (expected id, name, type, description, location, "
        "supplier, requires, recovery_time, strategy, options, backup)",
    ]


def test_missing_required_keys():
    data = _base()
    del data["assets"][1]["type"]
    del data["people"][0]["name"]
    assert _problems(data) == [
        "people[0]: missing required key 'name'",
        "assets[1]: missing required key 'type'",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4 hours", "expected a duration such as 90m, 4h, 2d or 1w, got '4 hours'"),
        (-1, "a duration must be a finite number of hours >= 0, got -1"),
        (True, "expected a duration, got True"),
        ("1:30", "expected a duration such as 90m, 4h, 2d or 1w, got '1:30'"),
        (2_000_000, "2000000 is longer than 1,000,000 hours"),
    ],
)
def test_bad_duration(value, message):
    data = _base()
    data["assets"][1]["recovery_time"] = value
    assert _problems(data) == [f"assets[1].recovery_time: {message}"]


def test_sexagesimal_yaml_is_not_a_duration():
    text = b"standby: 1\nlocations:\n- id: hq\n  name: HQ\n  recovery_time: 1:30\n"
    assert _problems(load_bytes(text, filename="m.yaml")) == [
        "locations[0].recovery_time: expected a duration such as 90m, 4h, 2d or 1w, got '1:30'"
    ]


@pytest.mark.parametrize("k", [0, 3, -1])
def test_k_out_of_range(k):
    data = _base()
    data["services"][0]["requires"] = [{"at_least": k, "of": ["srv", "lan-1"]}]
    assert _problems(data) == [
        f"services[0].requires[0].at_least: must be between 1 and 2 (the number of ids in "
        f"'of'), got {k}"
    ]


def test_group_errors():
    data = _base()
    data["services"][0]["requires"] = [
        {"at_least": "2", "of": ["srv", "lan-1"]},
        {"any_of": []},
        {"any_of": ["srv", "srv"]},
        {"of": ["srv"]},
        42,
    ]
    assert _problems(data) == [
        "services[0].requires[0].at_least: expected an integer, got a string",
        "services[0].requires[1].any_of: must name at least one id",
        "services[0].requires[2].any_of[1]: 'srv' is listed twice",
        "services[0].requires[3]: missing required key 'at_least'",
        "services[0].requires[4]: expected an id, {any_of: [ids]} or {at_least: k, of: [ids]}, "
        "got an integer",
    ]


def test_cycle_names_the_nodes_in_order():
    data = _base()
    data["assets"][1]["requires"] = ["teach"]
    data["assets"][0]["requires"] = ["srv"]
    # teach -> web -> lan-1 -> srv -> teach
    assert _problems(data) == [
        "assets[0].requires[0]: dependency cycle: lan-1 → srv → teach → web → lan-1"
    ]


def test_cycle_through_an_asset_location_is_found():
    # A location cannot require anything, so close the loop through a supplier-free self edge:
    # an asset requiring itself, and a group containing its own node.
    data = _base()
    data["assets"][1]["requires"] = [{"any_of": ["lan-1", "srv"]}]
    assert _problems(data) == ["assets[1].requires[0].any_of[1]: dependency cycle: srv → srv"]


def test_two_cycles_are_both_reported():
    data = _base()
    data["assets"].append({"id": "x", "name": "X", "type": "data", "requires": ["y"]})
    data["assets"].append({"id": "y", "name": "Y", "type": "data", "requires": ["x"]})
    data["assets"][1]["requires"] = ["srv"]
    assert _problems(data) == [
        "assets[1].requires[0]: dependency cycle: srv → srv",
        "assets[2].requires[0]: dependency cycle: x → y → x",
    ]


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            ("people", 0, "name"),
            7,
            "people[0].name: expected a string, got an integer (quote it to make it text)",
        ),
        (
            ("people", 0, "phone"),
            441632960001,
            "people[0].phone: expected a string, got an integer (quote it to make it text)",
        ),
        (
            ("people", 0, "email"),
            "not-an-email",
            "people[0].email: 'not-an-email' does not look like an email address",
        ),
        (
            ("people", 0, "leaves_on"),
            "31/07/2026",
            "people[0].leaves_on: expected a date (YYYY-MM-DD), got a string",
        ),
        (
            ("people", 0, "leaves_on"),
            "2026-02-30",
            "people[0].leaves_on: invalid date '2026-02-30': day is out of range for month",
        ),
        (
            ("assets", 0, "type"),
            "printer",
            "assets[0].type: expected one of hardware, software, "
            "network, facility, data, procedure, staff, external_service; got 'printer'",
        ),
        (
            ("teams", 0, "members", 0, "role"),
            "boss",
            "teams[0].members[0].role: expected one of "
            "leader, technical, user, department_representative; got 'boss'",
        ),
        (
            ("locations", 0, "kind"),
            "backup",
            "locations[0].kind: expected one of primary, alternate; got 'backup'",
        ),
        (
            ("assets", 0, "id"),
            "lan 1",
            "assets[0].id: invalid id 'lan 1': use 1 to 100 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        ),
        (
            ("assets", 0, "id"),
            "..",
            "assets[0].id: invalid id '..': use 1 to 100 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        ),
        (
            ("people", 0, "id"),
            "-rf",
            "people[0].id: invalid id '-rf': use 1 to 100 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        ),
        (("assets", 0, "id"), 12, "assets[0].id: expected an id (a string), got an integer"),
        (
            ("services", 0, "requires"),
            "lan-1",
            "services[0].requires: expected a list, got a string",
        ),
        (("assets",), {"id": "x"}, "assets: expected a list, got a mapping"),
        (("assets", 1), "srv", "assets[1]: expected a mapping, got a string"),
    ],
)
def test_wrong_types(where, value, message):
    data = _base()
    target = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert message in _problems(data)


def test_all_problems_are_collected_not_just_the_first():
    data = _base()
    data["people"][0]["name"] = 1
    data["assets"][0]["type"] = "printer"
    data["assets"][1]["requires"] = ["missing"]
    assert len(_problems(data)) == 3


def test_version():
    data = _base()
    assert validate(copy.deepcopy(data)).version == 1
    for bad in (2, "1", True):
        data["standby"] = bad
        assert _problems(data) == [
            f"standby: unsupported format version {bad!r}: this Standby reads version 1"
        ]
    del data["standby"]
    assert _problems(data) == ["missing 'standby: 1' (the format version) at the top of the file"]
    assert _problems([1]) == ["a model file is a mapping starting with 'standby: 1', got a list"]


def test_a_person_has_one_role_per_team():
    from standby.modelfile.errors import ModelFileError
    from standby.modelfile.schema import validate

    data = {
        "standby": 1,
        "people": [{"id": "ann", "name": "Ann"}],
        "teams": [
            {
                "id": "t",
                "name": "T",
                "members": [
                    {"person": "ann", "role": "leader"},
                    {"person": "ann", "role": "technical"},
                ],
            }
        ],
    }
    with pytest.raises(ModelFileError) as error:
        validate(data)
    assert [str(p) for p in error.value.problems] == [
        "teams[0].members[1]: 'ann' is already on this team (one role each)"
    ]
