"""Gap analysis verdicts, RPA and contract checks."""

import datetime as dt

from standby.analysis.bia import format_hours
from standby.analysis.gaps import (
    Backup,
    ContractTerm,
    Objectives,
    backup_findings,
    contract_gaps,
    gap_analysis,
)
from standby.analysis.graph import compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.scenarios import Scenario, generated_scenarios


def _model():
    return compile_graph(
        [
            NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("hr"),)),
            NodeSpec(
                "hr", NodeKind.SERVICE, (Requirement.single("db"), Requirement(1, ("w1", "w2")))
            ),
            NodeSpec("mail", NodeKind.SERVICE, (Requirement(1, ("w1", "w2")),)),
            NodeSpec("wiki", NodeKind.SERVICE, (Requirement.single("x"),)),
            NodeSpec("db", NodeKind.ASSET, (Requirement.single("dc"),), 4.0),
            NodeSpec("w1", NodeKind.ASSET, (Requirement.single("dc"),), 1.0),
            NodeSpec("w2", NodeKind.ASSET, (), 2.0),
            NodeSpec("x", NodeKind.ASSET, (), None),
            NodeSpec("dc", NodeKind.LOCATION, (), 24.0),
        ]
    )


def test_verdicts_and_reasons():
    g = _model()
    scenarios = [
        *generated_scenarios(g, ["w1", "w2", "x"]),
        Scenario("user:web", "Both web", "user", ("w1", "w2")),
    ]
    gaps = gap_analysis(
        g,
        {
            "pay": Objectives(mtpd=20, rto=8, rpo=12),
            "hr": Objectives(rto=48, required_rto=30),
            "mail": Objectives(rto=10),
            "wiki": Objectives(rto=4),
        },
        scenarios,
        backups={"db": Backup(interval=24, replication_lag=1)},
    )
    by = {gap.node: gap for gap in gaps}
    pay = by["pay"]
    assert (pay.worst_rta, pay.worst_scenario, pay.verdict) == (24.0, "site:dc", "breach")
    assert pay.rpa == 25.0
    assert pay.rpa_source == "db"
    assert pay.reasons[:3] == (
        f"worst RTA {format_hours(24)} (Loss of site dc) is longer than the RTO 8 h",
        f"worst RTA {format_hours(24)} (Loss of site dc) is longer than the MTPD 20 h",
        "recovery point achievable 25 h (db) is longer than the RPO 12 h",
    )
    assert pay.single_points_of_failure == ("db", "dc")
    assert by["hr"].rto_checked == 30
    assert by["hr"].verdict == "at_risk"  # 24 h is 80 % of 30 h, and two SPOFs
    assert by["mail"].worst_rta == 1.0  # both web servers: the first back is enough
    assert by["mail"].verdict == "meets"
    assert by["wiki"].worst_rta is None
    assert by["wiki"].verdict == "at_risk"
    assert "RTA unknown in scenario Loss of asset x" in by["wiki"].reasons[0]


def test_no_backup_makes_rpa_unknown():
    g = _model()
    (gap,) = gap_analysis(g, {"hr": Objectives(rto=100, rpo=4)}, [], backups={"db": None}, spofs={})
    assert gap.rpa is None
    assert gap.worst_rta == 0.0
    assert gap.verdict == "at_risk"
    assert gap.reasons == ("no backup recorded for db: recovery point unknown",)


def test_contract_gaps_and_backup_findings():
    gaps = contract_gaps(
        [
            ContractTerm("c-slow", "acme", 48.0),
            ContractTerm("c-none", "isp", None),
            ContractTerm("c-ok", "acme", 4.0),
            ContractTerm("c-free", "other", 99.0),
        ],
        {"acme": 24.0, "isp": 8.0},
    )
    assert [(c.contract, c.shortfall) for c in gaps] == [("c-none", None), ("c-slow", 24.0)]
    assert "guarantees no recovery time" in gaps[0].reason
    found = backup_findings(
        {
            "a": None,
            "b": Backup(4, offsite=True),
            "c": Backup(4, offsite=True, last_restore_test=dt.date(2024, 1, 1)),
        },
        today=dt.date(2025, 6, 1),
    )
    assert [(f.node, f.kind) for f in found] == [
        ("a", "no_backup"),
        ("b", "restore_test_missing"),
        ("c", "restore_test_old"),
    ]


def test_reasons_name_nodes_and_scenarios_when_names_are_given():
    g = _model()
    names = {"db": "Student records", "dc": "Main campus"}
    (gap,) = gap_analysis(
        g,
        {"pay": Objectives(rto=8, rpo=12)},
        generated_scenarios(g, names=names),
        backups={"db": Backup(interval=24, replication_lag=1)},
        names=names,
    )
    assert gap.worst_scenario == "site:dc"  # the id stays for links and exports
    h = format_hours
    assert gap.reasons == (
        f"worst RTA {h(24)} (Loss of Main campus) is longer than the RTO {h(8)}",
        f"recovery point achievable {h(25)} (Student records) is longer than the RPO {h(12)}",
        "2 single point(s) of failure: Student records, Main campus",
    )
