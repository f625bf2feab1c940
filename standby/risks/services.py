"""Writes of the risk register. Every write checks the actor (EDIT) and is audited.

Rules enforced here (PRODUCT.md "Risks and threats"):

* likelihood and impact are levels of the matrix in force; the residual rating defaults to the
  inherent one and is never above it; scores and bands are derived from the matrix;
* a treatment always has a reason;
* a measure's factor is between 0 and 1; the nodes it protects are nodes its risk hits;
* changes to a risk's threats and nodes, and to a measure's nodes, are in the audit log too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.models import Node
from standby.risks.library import library_version, load_matrix, load_threats
from standby.risks.models import Measure, Risk, Threat


def _record_links(
    actor: User | None,
    instance: models.Model,
    field: str,
    before: list[str],
    after: list[str],
) -> None:
    """Audit a change of a many-to-many field (``audited_save`` sees only concrete fields)."""
    if sorted(before) != sorted(after):
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            object_repr=str(instance),
            changes={field: [sorted(before), sorted(after)]},
        )


def _set_links(
    actor: User | None, instance: Any, field: str, targets: Iterable[Any] | None
) -> None:
    if targets is None:
        return
    manager = getattr(instance, field)
    targets = list(targets)
    before = [t.key for t in manager.all()]
    manager.set(targets)
    _record_links(actor, instance, field, before, [t.key for t in targets])


# -- threats ----------------------------------------------------------------------------------


@transaction.atomic
def threat_save(*, actor: User, threat: Threat) -> Threat:
    """Create or change a threat (a library threat stays marked as from the library)."""
    require(actor, Capability.EDIT)
    return audit.audited_save(actor=actor, instance=threat)


@transaction.atomic
def threat_delete(*, actor: User, threat: Threat) -> None:
    """Delete a threat of the user's own; library threats and threats in use are kept."""
    require(actor, Capability.EDIT)
    if threat.from_library:
        raise ValidationError("Library threats are kept; change their frequency instead.")
    if threat.risks.exists():
        raise ValidationError("Risks name this threat; take it off them first.")
    audit.audited_delete(actor=actor, instance=threat)


@transaction.atomic
def threats_load_library(*, actor: User | None = None) -> int:
    """Add the library's threats that are not in the database yet; return how many.

    Threats already there (by id) are left as they are: their frequency may have been set
    from the organisation's own records.
    """
    present = set(Threat.objects.values_list("key", flat=True))
    version = library_version()
    added = 0
    for item in load_threats():
        if item.id in present:
            continue
        threat = Threat(
            key=item.id,
            name=item.name,
            category=item.category,
            description=item.description,
            frequency=item.frequency,
            duration=item.duration,
            risk_categories=list(item.risks),
            from_library=True,
            library_version=version,
        )
        audit.audited_save(actor=actor, instance=threat)
        added += 1
    return added


def ensure_library() -> None:
    """Load the threat library on first use (a cheap check once it is there)."""
    if not Threat.objects.filter(from_library=True).exists():
        threats_load_library(actor=None)


# -- risks ------------------------------------------------------------------------------------


def _rate(risk: Risk) -> None:
    matrix = load_matrix()
    rows, columns = matrix.size
    if risk.residual_likelihood is None:
        risk.residual_likelihood = risk.inherent_likelihood
    if risk.residual_impact is None:
        risk.residual_impact = risk.inherent_impact
    problems: dict[str, str] = {}
    for field in ("inherent_likelihood", "residual_likelihood"):
        value = getattr(risk, field)
        if value is not None and not 1 <= value <= rows:
            problems[field] = f"Likelihood is a level from 1 to {rows}."
    for field in ("inherent_impact", "residual_impact"):
        value = getattr(risk, field)
        if value is not None and not 1 <= value <= columns:
            problems[field] = f"Impact is a level from 1 to {columns}."
    if problems:
        raise ValidationError(problems)
    if risk.inherent_likelihood is None or risk.inherent_impact is None:
        return  # full_clean names the missing field
    inherent = matrix.rate(risk.inherent_likelihood, risk.inherent_impact)
    residual = matrix.rate(risk.residual_likelihood, risk.residual_impact)
    risk.inherent_score, risk.inherent_band = inherent.score, inherent.band.id
    risk.residual_score, risk.residual_band = residual.score, residual.band.id


def _refuse_unprotected(risk: Risk, kept: set[int]) -> None:
    """A node a measure of the risk protects stays on the risk."""
    stray = (
        Measure.protects.through.objects.filter(measure__risk=risk)
        .exclude(node_id__in=kept)
        .select_related("node")
    )
    names = sorted({link.node.name for link in stray})
    if names:
        raise ValidationError(
            {
                "nodes": f"Measures of this risk protect {', '.join(names)}: keep them or edit "
                "the measures first."
            }
        )


@transaction.atomic
def risk_save(
    *,
    actor: User,
    risk: Risk,
    threats: Iterable[Threat] | None = None,
    nodes: Iterable[Node] | None = None,
) -> Risk:
    """Create or change a risk; ``threats``/``nodes`` (when given) replace its links."""
    require(actor, Capability.EDIT)
    if not (risk.treatment_reason or "").strip():
        raise ValidationError({"treatment_reason": "Say why this treatment was chosen."})
    _rate(risk)
    if nodes is not None:
        nodes = list(nodes)
        if risk.pk is not None:
            _refuse_unprotected(risk, {n.pk for n in nodes})
    saved = audit.audited_save(actor=actor, instance=risk)
    _set_links(actor, saved, "threats", threats)
    _set_links(actor, saved, "nodes", nodes)
    return saved


@transaction.atomic
def risk_delete(*, actor: User, risk: Risk) -> None:
    """Delete a risk and its measures (each in the audit log)."""
    require(actor, Capability.EDIT)
    for measure in list(risk.measures.all()):
        audit.audited_delete(actor=actor, instance=measure)
    audit.audited_delete(actor=actor, instance=risk)


# -- measures ---------------------------------------------------------------------------------


@transaction.atomic
def measure_save(
    *, actor: User, measure: Measure, protects: Iterable[Node] | None = None
) -> Measure:
    """Create or change a proactive measure; ``protects`` (when given) replaces its nodes."""
    require(actor, Capability.EDIT)
    if protects is not None:
        protects = list(protects)
        hit = set(measure.risk.nodes.values_list("pk", flat=True))
        outside = sorted(n.name for n in protects if n.pk not in hit)
        if outside:
            raise ValidationError(
                {"protects": f"The risk does not hit {', '.join(outside)}: add them to it first."}
            )
    saved = audit.audited_save(actor=actor, instance=measure)
    _set_links(actor, saved, "protects", protects)
    return saved


@transaction.atomic
def measure_delete(*, actor: User, measure: Measure) -> None:
    """Remove a proactive measure."""
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=measure)
