"""Where an analysis gets its graph: a model file, or the database."""

from __future__ import annotations

from pathlib import Path

from standby.analysis.graph import CompiledGraph, compile_graph
from standby.analysis.model import NodeSpec
from standby.inventory.selectors import analysis_nodes
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate


def nodes_from_file(path: Path) -> list[NodeSpec]:
    """Nodes of a model file, validated first (raises ``ModelFileError`` with every problem)."""
    data = load_bytes(path.read_bytes(), filename=path.name)
    validate(data)
    assert isinstance(data, dict)
    return model_to_nodes(data)


def load_graph(model_file: Path | None = None) -> CompiledGraph:
    """The compiled graph of ``model_file``, or of the database when None."""
    nodes = nodes_from_file(model_file) if model_file is not None else analysis_nodes()
    return compile_graph(nodes)
