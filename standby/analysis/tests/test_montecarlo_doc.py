"""The worked example of docs/concepts/risk-simulation.md, computed and simulated."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from standby.analysis.graph import compile_graph
from standby.analysis.montecarlo import Measure, compile_risk, simulate
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate
from standby.modelfile.threats import model_loss_curves, model_threats

DOC = Path(__file__).resolve().parents[3] / "docs" / "concepts" / "risk-simulation.md"


def _after(marker: str) -> str:
    return DOC.read_text(encoding="utf-8").split(f"<!-- risk-example: {marker} -->", 1)[1]


def _tables() -> list[list[list[str]]]:
    """The markdown tables after the ``expected`` marker, as rows of cells (header dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in _after("expected").splitlines():
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip("|").split("|")])
        elif current:
            tables.append(current[2:])
            current = []
            if len(tables) == 2:
                break
    return tables


def _factors(text: str) -> dict[str, float]:
    pairs = (item.split(":") for item in text.split(",") if item.strip())
    return {key.strip(): float(value) for key, value in pairs}


@pytest.fixture(scope="module")
def example():
    block = re.search(r"```yaml\n(.*?)```", _after("model"), re.DOTALL)
    assert block
    data = load_bytes(block.group(1).encode(), filename="example.yaml")
    model = validate(data)
    assert isinstance(data, dict)
    threats_table, measures_table = _tables()
    measures = [
        Measure(row[0], float(row[1]), _factors(row[2]), _factors(row[3])) for row in measures_table
    ]
    risk = compile_risk(
        compile_graph(model_to_nodes(data)),
        [t.to_analysis() for t in model_threats(model)],
        model_loss_curves(model),
        measures,
    )
    return risk, threats_table, measures_table


def test_event_losses_are_the_hand_computed_ones(example):
    risk, threats_table, _ = example
    rows = {row[0]: row for row in threats_table}
    for t, threat_id in enumerate(risk.threat_ids):
        assert risk.event_loss[0, t] == pytest.approx(float(rows[threat_id][1]), abs=0.01)


def test_simulation_agrees_with_the_page(example):
    risk, threats_table, measures_table = example
    result = simulate(risk, 400_000, np.random.default_rng(1))
    rows = {row[0]: row for row in threats_table}
    assert result.ale == pytest.approx(float(rows["total"][2]), rel=0.01)
    for threat_id, ale in result.threat_ale.items():
        assert ale == pytest.approx(float(rows[threat_id][2]), rel=0.03)
    for row in measures_table:
        measure = result.measures[row[0]]
        assert measure.loss_avoided == pytest.approx(float(row[4]), rel=0.03)
        assert measure.economical == (row[5] == "yes")
