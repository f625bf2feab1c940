"""Writes of the strategy area. Every write checks the actor and is audited.

The recovery time a node gets from its chosen option is written to the node itself (through
:func:`standby.inventory.services.node_save`, audited there too): the analysis engine reads
``Node.recovery_time``, so the chosen strategy and the engine never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory import services as inventory
from standby.inventory.choices import AssetType, NodeKind
from standby.inventory.models import Node, Team
from standby.strategy.catalogue import Catalogue, library
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    RecoveryTier,
    Scenario,
    StrategyAlternative,
    TeamCapacity,
)

# -- catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    added: int
    updated: int
    kept: int  # edited by hand since: left alone


@transaction.atomic
def catalogue_load(*, actor: User, catalogue: Catalogue | None = None) -> LoadResult:
    """Add the catalogue's options and tiers missing from the database; update the options
    still at an older catalogue version. Options edited by hand (version 0) are kept."""
    require(actor, Capability.EDIT)
    data = catalogue or library()
    existing = {o.key: o for o in RecoveryOption.objects.all()}
    added = updated = kept = 0
    for position, item in enumerate(data.options):
        option = existing.get(item.key)
        if option is None:
            option, added = RecoveryOption(key=item.key), added + 1
        elif option.catalogue_version == 0 or option.catalogue_version >= data.version:
            kept += 1
            continue
        else:
            updated += 1
        for field in (
            "name",
            "also_called",
            "description",
            "min_hours",
            "max_hours",
            "typical_hours",
            "one_off_cost",
            "annual_cost",
        ):
            setattr(option, field, getattr(item, field))
        option.position = position
        option.catalogue_version = data.version
        audit.audited_save(actor=actor, instance=option)
    known = set(RecoveryTier.objects.values_list("number", flat=True))
    for tier in data.tiers:
        if tier.number not in known:
            audit.audited_save(
                actor=actor,
                instance=RecoveryTier(
                    number=tier.number, name=tier.name, rto=tier.rto, rpo=tier.rpo
                ),
            )
            added += 1
    return LoadResult(added, updated, kept)


@transaction.atomic
def option_save(*, actor: User, option: RecoveryOption) -> RecoveryOption:
    """Create or change a recovery option; a changed option is no longer the catalogue's."""
    require(actor, Capability.EDIT)
    option.catalogue_version = 0
    return audit.audited_save(actor=actor, instance=option)


@transaction.atomic
def tier_save(*, actor: User, tier: RecoveryTier) -> RecoveryTier:
    """Create or change a recovery tier."""
    require(actor, Capability.EDIT)
    return audit.audited_save(actor=actor, instance=tier)


# -- chosen strategy per node ------------------------------------------------------------------


def _check_failable(node: Node) -> None:
    if node.kind not in Node.FAILABLE:
        raise ValidationError(
            f"{node.name} is a {NodeKind(node.kind).label.lower()}: only assets, sites and "
            "suppliers have a recovery option (a process or service recovers with what it "
            "requires)."
        )


@transaction.atomic
def strategy_save(*, actor: User, strategy: NodeStrategy) -> NodeStrategy:
    """Choose (or change) a node's recovery option; the node's recovery time follows.

    An empty recovery time takes the option's typical one. The node's ``recovery_time`` is set
    to the strategy's (an empty one for "do nothing": no known recovery time).
    """
    require(actor, Capability.EDIT)
    node = strategy.node
    _check_failable(node)
    site = strategy.alternate_site
    if site is not None and site.kind != NodeKind.LOCATION:
        raise ValidationError({"alternate_site": "The alternate site must be a location."})
    if site is not None and site.pk == node.pk:
        raise ValidationError({"alternate_site": "A site cannot be its own alternate site."})
    if strategy.recovery_time is None:
        strategy.recovery_time = strategy.option.typical_hours
    saved = audit.audited_save(actor=actor, instance=strategy)
    if node.recovery_time != saved.recovery_time:
        node.recovery_time = saved.recovery_time
        inventory.node_save(actor=actor, node=node)
    return saved


@transaction.atomic
def strategy_delete(*, actor: User, strategy: NodeStrategy) -> None:
    """Remove a node's chosen option. The node keeps its recovery time (edit it there)."""
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=strategy)


@transaction.atomic
def alternative_save(*, actor: User, alternative: StrategyAlternative) -> StrategyAlternative:
    """Record an option considered for a node (the optimiser picks among these)."""
    require(actor, Capability.EDIT)
    _check_failable(alternative.node)
    if alternative.recovery_time is None:
        alternative.recovery_time = alternative.option.typical_hours
    return audit.audited_save(actor=actor, instance=alternative)


@transaction.atomic
def alternative_delete(*, actor: User, alternative: StrategyAlternative) -> None:
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=alternative)


@dataclass(frozen=True)
class Change:
    """One change the optimiser recommends: give ``node`` the option ``option``."""

    node: str
    option: str


@transaction.atomic
def recommendation_apply(*, actor: User, changes: Sequence[Change]) -> list[NodeStrategy]:
    """Set each node's option to the recommended one, with the alternative's time and costs.

    Each change is audited (the strategy and the node's recovery time). A change naming an
    option that is neither today's nor an alternative of the node is refused.
    """
    require(actor, Capability.EDIT)
    keys = [c.node for c in changes]
    nodes = {n.key: n for n in Node.objects.filter(key__in=keys)}
    current = {
        s.node.key: s
        for s in NodeStrategy.objects.select_related("node", "option").filter(node__key__in=keys)
    }
    alternatives = {
        (a.node.key, a.option.key): a
        for a in StrategyAlternative.objects.select_related("node", "option").filter(
            node__key__in=keys
        )
    }
    saved = []
    for change in changes:
        node = nodes.get(change.node)
        if node is None:
            raise ValidationError(f"No node with the id {change.node!r}.")
        strategy = current.get(change.node)
        if strategy is not None and strategy.option.key == change.option:
            continue
        alternative = alternatives.get((change.node, change.option))
        if alternative is None:
            raise ValidationError(
                f"{change.option!r} was not considered for {node.name}: add it as an alternative."
            )
        if strategy is None:
            strategy = NodeStrategy(node=node)
        strategy.node = node
        strategy.option = alternative.option
        strategy.recovery_time = alternative.recovery_time
        strategy.one_off_cost = alternative.one_off_cost
        strategy.annual_cost = alternative.annual_cost
        saved.append(strategy_save(actor=actor, strategy=strategy))
    return saved


# -- backups ----------------------------------------------------------------------------------


@transaction.atomic
def backup_save(*, actor: User, backup: Backup) -> Backup:
    """Record how a data asset is backed up."""
    require(actor, Capability.EDIT)
    node = backup.node
    if node.kind != NodeKind.ASSET or node.asset_type != AssetType.DATA:
        raise ValidationError(f"{node.name} is not a data asset: only data assets have backups.")
    return audit.audited_save(actor=actor, instance=backup)


@transaction.atomic
def backup_delete(*, actor: User, backup: Backup) -> None:
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=backup)


# -- scenarios and teams ----------------------------------------------------------------------


@transaction.atomic
def scenario_save(*, actor: User, scenario: Scenario, failed: Sequence[Node]) -> Scenario:
    """Create or change a user-defined scenario: a name and the nodes that fail together."""
    require(actor, Capability.EDIT)
    if not failed:
        raise ValidationError({"failed": "Choose at least one asset, site or supplier that fails."})
    wrong = [n.name for n in failed if n.kind not in Node.FAILABLE]
    if wrong:
        raise ValidationError(
            {"failed": "Only assets, sites and suppliers fail directly: " + ", ".join(wrong)}
        )
    before = sorted(scenario.failed.values_list("key", flat=True)) if scenario.pk else []
    saved = audit.audited_save(actor=actor, instance=scenario)
    saved.failed.set(failed)
    after = sorted(n.key for n in failed)
    if before != after:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=saved._meta.label_lower,
            object_id=str(saved.pk),
            object_repr=str(saved),
            changes={"failed": [before, after]},
        )
    return saved


@transaction.atomic
def scenario_delete(*, actor: User, scenario: Scenario) -> None:
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=scenario)


@transaction.atomic
def team_capacity_set(*, actor: User, team: Team, capacity: int) -> TeamCapacity:
    """How many people of ``team`` recover things in parallel."""
    require(actor, Capability.EDIT)
    row = TeamCapacity.objects.filter(team=team).first() or TeamCapacity(team=team)
    row.capacity = capacity
    return audit.audited_save(actor=actor, instance=row)


def money(value: Decimal | float | int | None) -> Decimal:
    """An amount as a Decimal with cents."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
