"""``standby analyze risk --model FILE --json``: the JSON shape, in a subprocess (the analysis
tests never import Django)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "concepts" / "risk-simulation.md"


def _standby(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from standby.cli import main; sys.argv[0] = 'standby'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    text = DOC.read_text(encoding="utf-8").split("<!-- risk-example: model -->", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block
    path = tmp_path_factory.mktemp("risk") / "example.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def test_json_shape(model_file):
    """One run (each start of the command costs seconds); seeds are tested on the engine."""
    args = ("analyze", "risk", "--model", str(model_file), "--trials", "20000", "--seed", "3")
    result = _standby(*args, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"ale", "p50", "p90", "p99", "threats"}
    assert set(out["threats"]) == {"disk-fault", "dc-fire", "power-cut"}
    assert set(out["threats"]["dc-fire"]) == {"ale"}
    assert out["ale"] == pytest.approx(5583.33, rel=0.05)
    assert out["ale"] == pytest.approx(sum(t["ale"] for t in out["threats"].values()))
    assert out["p50"] <= out["p90"] <= out["p99"]
