"""Strategy, options, backups and team capacity in the model file."""

import datetime as dt

import pytest

from standby.analysis.gaps import Backup
from standby.analysis.optimise import Option
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate
from standby.modelfile.strategy import (
    model_backups,
    model_capacity,
    model_options,
    model_team_of,
    node_backup,
    node_strategy,
    team_capacity,
)

TEXT = """\
standby: 1
people:
  - {id: ada, name: Ada}
teams:
  - {id: infra, name: Infrastructure, members: [{person: ada, role: technical}], capacity: 2}
locations:
  - id: dc-b
    name: DC B
    recovery_time: 3d
    strategy: {option: warm, annual_cost: 50000, delivered_by: c-1}
suppliers:
  - id: acme
    name: Acme
    contracts:
      - {id: c-1, guarantees: warm site within 3 days, recovery_time: 3d}
assets:
  - id: db
    name: Database
    type: data
    location: dc-b
    recovery_time: 4h
    strategy: {option: hot, recovery_time: 4h, annual_cost: 12000, one_off_cost: 3000,
               team: infra, delivered_by: dc-b, last_tested: 2025-03-01}
    options:
      - {option: cold, recovery_time: 3d, annual_cost: 1000}
      - {option: hot, recovery_time: 4h, annual_cost: 12000, one_off_cost: 3000}
    backup: {interval: 1d, offsite: true, replication_lag: 15m, last_restore_test: 2025-01-10,
             restore_duration: 2h}
"""


def _load(text):
    return validate(load_bytes(text.encode(), filename="model.yaml"))


def test_reads_everything_and_converts_for_the_analysis():
    m = _load(TEXT)
    db = m.assets[0]
    s = node_strategy(db)
    assert (s.option, s.recovery_time, s.annual_cost, s.team, s.delivered_by) == (
        "hot",
        4.0,
        12000,
        "infra",
        "dc-b",
    )
    assert s.last_tested == dt.date(2025, 3, 1)
    assert node_backup(db).replication_lag == 0.25
    assert team_capacity(m.teams[0]) == 2
    assert model_options(m) == {
        "db": [Option("cold", 72.0, 1000.0), Option("hot", 4.0, 12000.0, 3000.0)]
    }
    assert model_backups(m) == {"db": Backup(24.0, 0.25, True, dt.date(2025, 1, 10), 2.0)}
    assert model_team_of(m) == {"db": "infra"}
    assert model_capacity(m) == {"infra": 2}
    assert node_strategy(m.locations[0]).delivered_by == "c-1"


def test_round_trip():
    m = _load(TEXT)
    text = dump(m)
    assert dump(_load(text)) == text
    assert _load(text) == m
    assert "capacity: 2" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("recovery_time: 4h, annual_cost: 12000,", "recovery_time: 8h, annual_cost: 12000,"),
            "strategy.recovery_time: 8h does not agree with the node's recovery_time (4h)",
        ),
        (
            ("{option: cold,", "{option: cold, colour: blue,"),
            "assets[0].options[0].colour: unknown key 'colour'",
        ),
        (
            (
                "{option: hot, recovery_time: 4h, annual_cost: 12000,",
                "{option: cold, recovery_time: 4h, annual_cost: 12000,",
            ),
            "assets[0].options[1].option: option 'cold' is listed twice",
        ),
        (("team: infra,", "team: nobody,"), "assets[0].strategy.team: unknown id 'nobody'"),
        (
            ("delivered_by: dc-b,", "delivered_by: ada,"),
            "assets[0].strategy.delivered_by: 'ada' is a person, expected a contract or a location",
        ),
        (
            ("annual_cost: 1000}", "annual_cost: -1}"),
            "assets[0].options[0].annual_cost: a cost cannot be negative",
        ),
        (("capacity: 2", "capacity: 0"), "teams[0].capacity: expected a whole number of people"),
        (
            ("type: data", "type: software"),
            "assets[0].backup: only data assets (type: data) have a backup",
        ),
        (
            ("offsite: true", "offsite: yes please"),
            "assets[0].backup.offsite: expected true or false",
        ),
        (
            ("strategy: {option: hot,", "strategy: {option: mirrored,"),
            "assets[0].strategy.option: 'mirrored' is not among the options listed (cold, hot)",
        ),
    ],
)
def test_errors_name_the_path(change, message):
    old, new = change
    assert old in TEXT
    with pytest.raises(ModelFileError) as info:
        _load(TEXT.replace(old, new))
    assert message in str(info.value)
