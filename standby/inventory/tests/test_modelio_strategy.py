"""The strategy parts of the model file in and out of the database (:mod:`.modelio_strategy`)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from standby.common.demo import load_demo
from standby.common.models import AuditEntry
from standby.inventory import modelio
from standby.inventory.models import Node
from standby.inventory.tests.test_modelio import wipe
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    StrategyAlternative,
    TeamCapacity,
)

DEMO = Path(__file__).resolve().parents[2] / "library" / "demo-college.yaml"

FILE: dict[str, Any] = {
    "standby": 1,
    "people": [{"id": "ann", "name": "Ann Lee"}],
    "teams": [
        {
            "id": "ops",
            "name": "Operations",
            "members": [{"person": "ann", "role": "leader"}],
            "capacity": 2,
        },
    ],
    "locations": [{"id": "dr", "name": "DR site"}],
    "suppliers": [
        {
            "id": "acme",
            "name": "Acme",
            "contracts": [{"id": "acme-dr", "guarantees": "DR in 4h", "recovery_time": "4h"}],
        }
    ],
    "assets": [
        {
            "id": "db",
            "name": "Orders database",
            "type": "data",
            "recovery_time": "8h",
            "strategy": {
                "option": "Hot standby",  # the catalogue's "also called" of fast-recovery
                "annual_cost": 12000,
                "team": "ops",
                "delivered_by": "acme-dr",
                "last_tested": "2025-03-01",
            },
            "options": [
                {"option": "intermediate-recovery", "recovery_time": "2d", "annual_cost": 1000},
                {"option": "Hot standby", "recovery_time": "8h", "annual_cost": 12000},
            ],
            "backup": {"interval": "1d", "offsite": True, "replication_lag": "15m"},
        },
        {"id": "web", "name": "Web server", "type": "hardware", "recovery_time": 4},
    ],
}


def counts() -> dict[str, int]:
    tables = (Node, NodeStrategy, StrategyAlternative, Backup, TeamCapacity, RecoveryOption)
    return {model.__name__: model.objects.count() for model in tables} | {
        "audit": AuditEntry.objects.count()
    }


def export() -> str:
    return dump(modelio.model_export())


def reimport(manager: Any, text: str) -> modelio.ImportReport:
    return modelio.model_import(actor=manager, model=load_bytes(text.encode(), filename="m.yaml"))


def empty_database() -> None:
    NodeStrategy.objects.all().delete()
    StrategyAlternative.objects.all().delete()
    Backup.objects.all().delete()
    TeamCapacity.objects.all().delete()
    wipe()
    RecoveryOption.objects.all().delete()


@pytest.mark.django_db
def test_the_demo_college_round_trips_with_its_strategy(manager):
    report = modelio.model_import_bytes(actor=manager, data=DEMO.read_bytes(), filename=DEMO.name)
    assert len(report.sections["strategies"].created) == 6
    assert report.sections["backups"].created == ("mis-data", "storage", "vle-data")
    assert report.sections["capacities"].created == ("team-it-recovery", "team-student-services")
    assert "fast-recovery" in report.sections["recovery_options"].created
    assert StrategyAlternative.objects.count() == 5  # today's choice listed makes no row
    first = export()
    assert first.count("strategy:") == 6
    assert first.count("backup:") == 3

    again = reimport(manager, first)  # the same file again: nothing to do
    for section in ("recovery_options", "strategies", "backups", "capacities"):
        assert again.sections[section].created == again.sections[section].changed == ()
    assert again.audit_entries == 0

    empty_database()
    reimport(manager, first)
    assert export() == first


@pytest.mark.django_db
def test_the_demo_still_loads_with_strategies_for_the_pages():
    result = load_demo()
    assert result.loaded
    assert NodeStrategy.objects.count() == 6
    assert Backup.objects.count() == 3
    assert TeamCapacity.objects.get(team__key="team-it-recovery").capacity == 3

    from standby.strategy.selectors_gaps import gap_rows
    from standby.strategy.selectors_options import backup_rows

    assert gap_rows()
    rows = {r.node.key: r for r in backup_rows()}
    assert rows["vle-data"].status != "ok"  # no off-site copy


@pytest.mark.django_db
def test_fields_map_to_the_rows(manager):
    report = modelio.model_import(actor=manager, model=FILE)
    assert report.sections["strategies"].created == ("db",)
    chosen = NodeStrategy.objects.select_related("option", "contract", "team").get(node__key="db")
    assert chosen.option.key == "fast-recovery"
    assert chosen.recovery_time == 8.0  # the node's
    assert chosen.annual_cost == Decimal("12000.00")
    assert chosen.one_off_cost == Decimal(0)
    assert (chosen.contract.key, chosen.alternate_site, chosen.team.key) == ("acme-dr", None, "ops")
    assert str(chosen.last_tested_on) == "2025-03-01"
    alternatives = StrategyAlternative.objects.filter(node__key="db")
    assert [a.option.key for a in alternatives] == ["intermediate-recovery"]  # + today's
    backup = Backup.objects.get(node__key="db")
    assert (backup.interval, backup.replication_lag, backup.offsite_copies) == (24.0, 0.25, 1)
    assert TeamCapacity.objects.get(team__key="ops").capacity == 2
    out = export()
    assert "option: fast-recovery" in out
    assert "delivered_by: acme-dr" in out
    assert "capacity: 2" in out
    assert "replication_lag: 15m" in out


@pytest.mark.django_db
def test_a_changed_strategy_is_updated_audited_and_others_unchanged(manager):
    modelio.model_import(actor=manager, model=FILE)
    site = Node.objects.get(key="dr")
    NodeStrategy.objects.filter(node__key="db").update(notes="kept", alternate_site=site)
    before = AuditEntry.objects.count()
    data = copy.deepcopy(FILE)
    asset = data["assets"][0]
    asset["strategy"]["annual_cost"] = 12500.5
    asset["options"] = [
        {"option": "gradual-recovery", "recovery_time": "5d"},
        {"option": "Hot standby", "recovery_time": "8h", "annual_cost": 12500.5},
    ]
    asset["backup"]["offsite"] = False
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["strategies"].changed == ("db",)
    assert report.sections["backups"].changed == ("db",)
    assert report.sections["capacities"].unchanged == ("ops",)
    assert report.sections["assets"].unchanged == ("db", "web")
    chosen = NodeStrategy.objects.get(node__key="db")
    assert chosen.annual_cost == Decimal("12500.50")
    assert chosen.notes == "kept"
    assert chosen.alternate_site == site  # a contract keeps the stored alternate site
    keys = list(StrategyAlternative.objects.values_list("option__key", flat=True))
    assert keys == ["gradual-recovery"]
    assert Backup.objects.get(node__key="db").offsite_copies == 0
    entries = AuditEntry.objects.filter(pk__gt=0).order_by("pk")[before:]
    actions = sorted((e.object_type, e.action) for e in entries)
    assert actions == [
        ("strategy.backup", "update"),
        ("strategy.nodestrategy", "update"),
        ("strategy.strategyalternative", "create"),
        ("strategy.strategyalternative", "delete"),
    ]
    assert report.audit_entries == 4


@pytest.mark.django_db
def test_a_node_without_the_parts_keeps_its_rows(manager):
    modelio.model_import(actor=manager, model=FILE)
    data = copy.deepcopy(FILE)
    asset = data["assets"][0]
    del asset["strategy"], asset["options"], asset["backup"]
    del data["teams"][0]["capacity"]
    report = modelio.model_import(actor=manager, model=data)
    assert report.audit_entries == 0
    assert (
        NodeStrategy.objects.count() == Backup.objects.count() == TeamCapacity.objects.count() == 1
    )
    data["assets"][0]["options"] = []  # an empty list clears the alternatives
    modelio.model_import(actor=manager, model=data)
    assert not StrategyAlternative.objects.exists()


@pytest.mark.django_db
def test_export_costs_no_query_without_strategy_and_four_with(manager):
    modelio.model_import(
        actor=manager, model={"standby": 1, "locations": [{"id": "a", "name": "A"}]}
    )
    with CaptureQueriesContext(connection) as plain:
        modelio.model_export()
    modelio.model_import(actor=manager, model=FILE)
    with CaptureQueriesContext(connection) as full:
        modelio.model_export()
    assert len(full) == len(plain) + 4


@pytest.mark.django_db
def test_unknown_option_names_and_bad_values_are_errors_with_paths(manager):
    modelio.model_import(actor=manager, model=FILE)
    before = counts()
    data = copy.deepcopy(FILE)
    asset = data["assets"][0]
    asset["strategy"]["option"] = "teleportation"
    asset["strategy"]["annual_cost"] = 10.005
    asset["options"][1]["option"] = "teleportation"
    asset["options"][0]["one_off_cost"] = 10**13
    data["locations"][0]["strategy"] = {"option": "gradual-recovery", "delivered_by": "dr"}
    data["teams"][0]["capacity"] = 2**40
    with pytest.raises(ModelFileError) as error:
        modelio.model_import(actor=manager, model=data)
    paths = sorted(p.path for p in error.value.problems)
    assert paths == [
        "assets[0].options[0].one_off_cost",
        "assets[0].options[1].option",
        "assets[0].strategy.annual_cost",
        "assets[0].strategy.option",
        "locations[0].strategy.delivered_by",
        "teams[0].capacity",
    ]
    message = next(p.message for p in error.value.problems if p.path.endswith("strategy.option"))
    assert "unknown recovery option 'teleportation'" in message
    assert "fast-recovery" in message
    assert counts() == before


@pytest.mark.django_db
def test_options_come_from_the_database_before_the_catalogue(manager):
    RecoveryOption.objects.create(key="mirror", name="Storage mirror", typical_hours=1)
    data = copy.deepcopy(FILE)
    data["assets"][0]["strategy"] = {"option": "storage MIRROR"}
    del data["assets"][0]["options"]
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["recovery_options"].created == ()  # the catalogue is not needed
    assert NodeStrategy.objects.get().option.key == "mirror"
    assert RecoveryOption.objects.count() == 1
