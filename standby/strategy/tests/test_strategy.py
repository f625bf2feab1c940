"""Recovery options, chosen strategies, backups (RPA and findings), scenarios and schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from standby.common.models import AuditEntry
from standby.inventory import services as inventory
from standby.inventory.models import Node, Team
from standby.strategy import services
from standby.strategy.catalogue import CatalogueError, library, parse_catalogue
from standby.strategy.choices import BackupFindingKind
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    Scenario,
    StrategyAlternative,
)
from standby.strategy.selectors_options import backup_findings


def node(actor, key, kind, **extra):
    return inventory.node_save(
        actor=actor, node=Node(key=key, kind=kind, name=key.title(), **extra)
    )


@pytest.fixture
def catalogue(manager):
    services.catalogue_load(actor=manager)
    return {o.key: o for o in RecoveryOption.objects.all()}


def test_the_shipped_catalogue_has_the_seven_itil_options_and_four_tiers():
    data = library()
    assert [o.key for o in data.options] == [
        "do-nothing",
        "manual-workaround",
        "reciprocal-arrangement",
        "gradual-recovery",
        "intermediate-recovery",
        "fast-recovery",
        "immediate-recovery",
    ]
    first = data.tiers[0]
    assert (first.number, first.rto, first.rpo) == (1, 1.0, 0.25)


def test_a_bad_catalogue_names_every_problem():
    text = (
        "version: 1\noptions:\n"
        "  - {id: a, name: A, recovery_time: {min: 5h, max: 1h}}\n"
        "  - {id: a}\n"
    )
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(text)
    assert error.value.problems == [
        "option 'a': recovery_time.min is above recovery_time.max",
        "option 'a': this id appears twice",
        "option 'a': give a name",
    ]


def test_a_catalogue_id_starts_with_a_letter_or_digit():
    text = "version: 1\noptions:\n  - {id: '..', name: Dots, recovery_time: {typical: 1h}}\n"
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(text)
    assert error.value.problems == [
        "option '..': the id uses 1–100 letters, digits, dots, dashes, underscores, "
        "starting with a letter or digit"
    ]


@pytest.mark.django_db
def test_loading_the_catalogue_twice_keeps_options_edited_by_hand(manager, catalogue):
    warm = catalogue["intermediate-recovery"]
    warm.annual_cost = 1234
    services.option_save(actor=manager, option=warm)
    result = services.catalogue_load(actor=manager)
    assert (result.added, result.updated, result.kept) == (0, 0, 7)
    warm.refresh_from_db()
    assert warm.annual_cost == 1234


@pytest.mark.django_db
def test_choosing_an_option_sets_the_nodes_recovery_time_and_is_audited(manager, catalogue):
    server = node(manager, "srv", "asset", asset_type="hardware")
    before = AuditEntry.objects.count()
    services.strategy_save(
        actor=manager, strategy=NodeStrategy(node=server, option=catalogue["fast-recovery"])
    )
    server.refresh_from_db()
    assert server.recovery_time == 8
    # the strategy's creation and the node's new recovery time
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.django_db
def test_do_nothing_leaves_the_recovery_time_unknown(manager, catalogue):
    server = node(manager, "srv", "asset", asset_type="hardware", recovery_time=4)
    services.strategy_save(
        actor=manager, strategy=NodeStrategy(node=server, option=catalogue["do-nothing"])
    )
    server.refresh_from_db()
    assert server.recovery_time is None


@pytest.mark.django_db
def test_a_process_gets_no_recovery_option(manager, catalogue):
    process = node(manager, "pay", "process")
    with pytest.raises(ValidationError):
        services.strategy_save(
            actor=manager, strategy=NodeStrategy(node=process, option=catalogue["fast-recovery"])
        )


@pytest.mark.django_db
def test_a_viewer_cannot_choose_an_option(make_user, manager, catalogue):
    server = node(manager, "srv", "asset", asset_type="hardware")
    with pytest.raises(PermissionDenied):
        services.strategy_save(
            actor=make_user("viewer"),
            strategy=NodeStrategy(node=server, option=catalogue["fast-recovery"]),
        )


@pytest.mark.django_db
def test_applying_a_recommendation_takes_the_alternatives_time_and_cost(manager, catalogue):
    server = node(manager, "srv", "asset", asset_type="hardware")
    services.strategy_save(
        actor=manager,
        strategy=NodeStrategy(node=server, option=catalogue["gradual-recovery"], annual_cost=10),
    )
    services.alternative_save(
        actor=manager,
        alternative=StrategyAlternative(
            node=server, option=catalogue["fast-recovery"], recovery_time=6, annual_cost=900
        ),
    )
    services.recommendation_apply(actor=manager, changes=[services.Change("srv", "fast-recovery")])
    strategy = NodeStrategy.objects.get(node=server)
    server.refresh_from_db()
    assert (strategy.option.key, strategy.annual_cost, server.recovery_time) == (
        "fast-recovery",
        900,
        6,
    )


@pytest.mark.django_db
def test_an_option_never_considered_is_not_applied(manager, catalogue):
    node(manager, "srv", "asset", asset_type="hardware")
    with pytest.raises(ValidationError):
        services.recommendation_apply(
            actor=manager, changes=[services.Change("srv", "immediate-recovery")]
        )


# -- backups ----------------------------------------------------------------------------------


def test_recovery_point_achievable_is_the_interval_plus_the_replication_lag():
    assert Backup(interval=4, replication_lag=0.5).recovery_point == 4.5


TODAY = dt.date(2025, 6, 30)


def kinds(found):
    return [f.kind for f in found]


def test_no_backup_is_a_finding():
    assert kinds(backup_findings(None, required_rpo=None, today=TODAY, months=12)) == [
        BackupFindingKind.NO_BACKUP
    ]


def test_a_backup_without_an_offsite_copy_or_a_restore_test_has_two_findings():
    backup = Backup(interval=24, offsite_copies=0)
    assert kinds(backup_findings(backup, required_rpo=None, today=TODAY, months=12)) == [
        BackupFindingKind.NO_OFFSITE,
        BackupFindingKind.NO_RESTORE_TEST,
    ]


def test_a_restore_test_older_than_n_months_is_a_finding():
    old = Backup(interval=24, offsite_copies=1, last_restore_test_on=dt.date(2025, 3, 29))
    assert kinds(backup_findings(old, required_rpo=None, today=TODAY, months=3)) == [
        BackupFindingKind.STALE_RESTORE_TEST
    ]
    assert backup_findings(old, required_rpo=None, today=TODAY, months=4) == []


def test_an_rpa_beyond_the_required_rpo_is_a_finding():
    backup = Backup(interval=24, replication_lag=1, offsite_copies=1, last_restore_test_on=TODAY)
    assert kinds(backup_findings(backup, required_rpo=24, today=TODAY, months=12)) == [
        BackupFindingKind.RPO_MISSED
    ]
    assert backup_findings(backup, required_rpo=25, today=TODAY, months=12) == []


@pytest.mark.django_db
def test_the_backup_page_shows_rpa_and_findings_in_constant_queries(
    client, manager, django_assert_max_num_queries
):
    for i in range(3):
        data = node(manager, f"data-{i}", "asset", asset_type="data")
        services.backup_save(actor=manager, backup=Backup(node=data, interval=4, replication_lag=1))
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("strategy:backup_list"))
    for i in range(3, 8):
        node(manager, f"data-{i}", "asset", asset_type="data")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("strategy:backup_list"))
    assert first.status_code == response.status_code == 200
    body = response.content.decode()
    assert "No backup recorded" in body
    assert "5 h" in body


@pytest.mark.django_db
def test_backups_are_only_for_data_assets(manager):
    server = node(manager, "srv", "asset", asset_type="hardware")
    with pytest.raises(ValidationError):
        services.backup_save(actor=manager, backup=Backup(node=server, interval=4))


@pytest.mark.django_db
def test_the_chosen_options_page_is_constant_in_queries(
    client, manager, catalogue, django_assert_max_num_queries
):
    def add(n0, n1):
        for i in range(n0, n1):
            server = node(manager, f"srv-{i}", "asset", asset_type="hardware")
            services.strategy_save(
                actor=manager, strategy=NodeStrategy(node=server, option=catalogue["fast-recovery"])
            )

    client.force_login(manager)
    add(0, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("strategy:node_strategy_list"))
    add(2, 9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("strategy:node_strategy_list"))
    assert response.content.decode().count("Fast recovery") == 9


# -- scenarios and the staff-limited schedule -------------------------------------------------


@pytest.mark.django_db
def test_a_scenario_page_shows_rta_and_a_gantt_chart_limited_by_staff(client, manager, catalogue):
    """Two servers, one person of "ops": the second recovery waits for the first (3 h + 2 h)."""
    ops = inventory.team_save(actor=manager, team=Team(key="ops", name="Ops"))
    web = node(manager, "web", "service")
    servers = []
    for key, hours in (("a", 2.0), ("b", 3.0)):
        server = node(manager, key, "asset", asset_type="hardware")
        services.strategy_save(
            actor=manager,
            strategy=NodeStrategy(
                node=server, option=catalogue["fast-recovery"], recovery_time=hours, team=ops
            ),
        )
        inventory.requirement_add(actor=manager, owner=web, members=[server])
        servers.append(server)
    services.team_capacity_set(actor=manager, team=ops, capacity=1)
    scenario = services.scenario_save(
        actor=manager, scenario=Scenario(key="both", name="Both servers"), failed=servers
    )
    client.force_login(manager)
    response = client.get(scenario.get_absolute_url())
    assert response.status_code == 200
    rta = {d.node.key: d.rta for d in response.context["down"]}
    assert rta == {"web": 3.0, "a": 2.0, "b": 3.0}  # unlimited staff: the engine's RTA
    finish = {t["node"]: t["finish"] for t in response.context["tasks"]}
    assert sorted(finish.values()) == [2.0, 5.0]  # one person: one after the other
    assert "<svg" in response.content.decode()


@pytest.mark.django_db
def test_generated_scenarios_include_each_site_and_supplier(client, manager):
    site = node(manager, "campus", "location", recovery_time=24)
    vendor = node(manager, "vendor", "supplier", recovery_time=48)
    node(manager, "srv", "asset", asset_type="hardware", location=site, supplier=vendor)
    client.force_login(manager)
    response = client.get(reverse("strategy:scenario_list"))
    ids = [s.id for s in response.context["scenarios"]]
    assert ids == ["site:campus", "supplier:vendor"]
