"""Export a node's dependency cone as an Open-PSA MEF fault tree, and read SCRAM's cut sets back.

The fault tree states when the target is *down*, by the semantics of :mod:`.model`:

* a failable node (asset, location, supplier) has a basic event, its own failure;
* a node is down when its basic event occurs or one of its requirements fails, so its gate is the
  OR of those (processes and services have no basic event);
* a requirement "at least ``k`` of ``n``" fails once ``r = n - k + 1`` members are down: an
  ``atleast`` gate with ``min = r`` over the members (``or`` when ``r = 1``, ``and`` when
  ``r = n``); a single requirement is just the member's event.

Every node gets one gate that every requirement on it references, so shared sub-cones stay
shared (the tree is a DAG; MEF allows a gate to be referenced many times). Members that can never
go down (no failable node below them) are left out, and a requirement that then cannot fail is
dropped. Names are derived from node and group indices (``e<i>`` basic events, ``n<i>`` node
gates, ``r<g>`` requirement gates), so any node id is safe; each carries the id as its label.

The minimal cut sets of order 1 of the top gate are exactly the target's single points of
failure (:func:`standby.analysis.cuts.single_points_of_failure`), which lets the independent
fault-tree analyser SCRAM (Debian package ``scram``) check them: see :func:`scram_cut_sets`.

SCRAM 0.16.2 (Debian 12) gets ``atleast`` wrong when its preprocessing finds two arguments
equivalent: for ``atleast 2 of (a, g, h)`` with ``g`` and ``h`` both ``OR(b, c)`` it reports the
single cut set ``{a}`` instead of ``{b}``, ``{c}``. Such arguments arise whenever two members of
a group have the same requirements. The export therefore writes an "r of n" group as the OR of
its r-member ANDs while there are few of them (``expand_atleast``), which SCRAM handles
correctly; the ``atleast`` form is exact MEF for other tools.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from math import comb
from pathlib import Path

import numpy as np

from standby.analysis.cuts import cone_mask
from standby.analysis.graph import CompiledGraph


class ScramError(RuntimeError):
    """SCRAM is missing or rejected the input."""


@dataclass(frozen=True, slots=True)
class FaultTree:
    """An exported cone: the MEF document, the target of each top gate, each basic event's node."""

    xml: str
    tops: dict[str, str]
    events: dict[str, str]
    n_gates: int

    def ids(self, event_names: list[str] | frozenset[str]) -> list[str]:
        """Sorted node ids of basic events named ``event_names``."""
        return sorted(self.events[name] for name in event_names)


def export_fault_tree(
    graph: CompiledGraph, target_ids: Iterable[str] | str, expand_atleast: int = 20
) -> FaultTree:
    """The fault trees "target is down" over the targets' dependency cone, as one MEF document.

    Parameters
    ----------
    graph
        The compiled model.
    target_ids
        The nodes (or one node) whose unavailability are the top events. Their cones share
        gates.
    expand_atleast
        Write an "r of n" requirement as the OR of its ``C(n, r)`` r-member ANDs when there are
        at most this many, else as an ``atleast`` gate (0: always ``atleast``).

    Returns
    -------
    FaultTree
        The document (``<opsa-mef>`` with one fault tree and the basic events in
        ``<model-data>``), the top gate of each target (``t<i>``, a gate nothing references),
        and the node id of each basic event.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(2, ("s1", "s2", "s3")),)),
    ...     NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("s2", NodeKind.ASSET), NodeSpec("s3", NodeKind.ASSET),
    ...     NodeSpec("dc", NodeKind.LOCATION)])
    >>> tree = export_fault_tree(g, "web", expand_atleast=0)
    >>> tree.tops, sorted(tree.events.values())
    ({'t0': 'web'}, ['dc', 's1', 's2', 's3'])
    >>> root = ET.fromstring(tree.xml)
    >>> [(d.get("name"), d[-1].tag, d[-1].get("min")) for d in root.iter("define-gate")]
    [('n1', 'or', None), ('r1', 'atleast', '2'), ('n0', 'gate', None), ('t0', 'gate', None)]
    >>> [e.get("name") for e in root.find(".//define-gate[@name='r1']/atleast")]
    ['n1', 'e2', 'e3']
    >>> expanded = ET.fromstring(export_fault_tree(g, "web").xml)
    >>> [[e.get("name") for e in a] for a in expanded.find(".//define-gate[@name='r1']/or")]
    [['n1', 'e2'], ['n1', 'e3'], ['e2', 'e3']]
    """
    if isinstance(target_ids, str):
        target_ids = [target_ids]
    targets = list(dict.fromkeys(graph.indices(target_ids).tolist()))
    cone = cone_mask(graph, np.array(targets, dtype=np.int64))
    nodes = np.flatnonzero(cone)
    nodes = nodes[np.argsort(graph.level[nodes], kind="stable")].tolist()
    gptr, members, gk, owners = (
        graph.group_ptr,
        graph.group_members,
        graph.group_k,
        graph.group_owner,
    )
    groups_of: dict[int, list[int]] = {}
    for g in np.flatnonzero(cone[owners]).tolist():
        groups_of.setdefault(int(owners[g]), []).append(g)

    root = ET.Element("opsa-mef")
    tree = ET.SubElement(root, "define-fault-tree", name="cone")
    data = ET.SubElement(root, "model-data")
    # ref[v]: ("basic-event" | "gate", name) of the event "v is down"; absent when v never is.
    ref: dict[int, tuple[str, str]] = {}
    events: dict[str, str] = {}
    n_gates = 0

    def gate(name: str, label: str | None) -> ET.Element:
        nonlocal n_gates
        n_gates += 1
        element = ET.SubElement(tree, "define-gate", name=name)
        if label is not None:
            ET.SubElement(element, "label").text = label
        return element

    def formula(parent: ET.Element, op: str, args: list[tuple[str, str]], r: int = 0) -> None:
        if len(args) == 1:
            ET.SubElement(parent, args[0][0], name=args[0][1])
            return
        if op == "atleast" and comb(len(args), r) <= expand_atleast:
            # OR over the r-subsets: SCRAM 0.16.2 miscounts an atleast gate once its
            # preprocessing merges two equivalent arguments (see the module docstring).
            box = ET.SubElement(parent, "or")
            for subset in combinations(args, r):
                conj = ET.SubElement(box, "and")
                for kind, name in subset:
                    ET.SubElement(conj, kind, name=name)
            return
        box = ET.SubElement(parent, op, {"min": str(r)} if op == "atleast" else {})
        for kind, name in args:
            ET.SubElement(box, kind, name=name)

    for v in nodes:
        args: list[tuple[str, str]] = []
        if graph.failable[v]:
            name = f"e{v}"
            events[name] = graph.ids[v]
            ET.SubElement(
                ET.SubElement(data, "define-basic-event", name=name), "label"
            ).text = graph.ids[v]
            args.append(("basic-event", name))
        for g in groups_of.get(v, ()):
            ms = members[gptr[g] : gptr[g + 1]].tolist()
            r = len(ms) - int(gk[g]) + 1
            live = [ref[m] for m in ms if m in ref]
            if len(live) < r:
                continue  # cannot fail: too few members can go down
            if r == 1:
                args.extend(live)
            elif r == len(live):
                formula(gate(f"r{g}", None), "and", live)
                args.append(("gate", f"r{g}"))
            else:
                formula(gate(f"r{g}", None), "atleast", live, r)
                args.append(("gate", f"r{g}"))
        args = list(dict.fromkeys(args))  # MEF forbids repeated arguments; OR is idempotent
        if args == [("basic-event", f"e{v}")]:
            ref[v] = args[0]
        elif args:
            formula(gate(f"n{v}", graph.ids[v]), "or", args)
            ref[v] = ("gate", f"n{v}")
    # One unreferenced gate per target, so each is a top event even when another target needs it.
    tops: dict[str, str] = {}
    for v in targets:
        top = gate(f"t{v}", graph.ids[v])
        if v in ref:
            ET.SubElement(top, ref[v][0], name=ref[v][1])
        else:
            ET.SubElement(top, "constant", value="false")
        tops[f"t{v}"] = graph.ids[v]
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return FaultTree(xml=text, tops=tops, events=events, n_gates=n_gates)


def read_scram_report(report: str) -> dict[str, list[frozenset[str]]]:
    """Products (cut sets, as basic-event names) of every top gate in a SCRAM report.

    >>> read_scram_report('''<report><results>
    ...   <sum-of-products name="n0"><product order="1"><basic-event name="e4"/></product>
    ...   </sum-of-products></results></report>''')
    {'n0': [frozenset({'e4'})]}
    """
    root = ET.fromstring(report)  # noqa: S314 - a report scram just wrote for our own input
    out: dict[str, list[frozenset[str]]] = {}
    for sop in root.iter("sum-of-products"):
        out[sop.attrib["name"]] = [
            frozenset(be.attrib["name"] for be in product.iter("basic-event"))
            for product in sop.iter("product")
        ]
    return out


def find_scram() -> str | None:
    """Path of the ``scram`` executable, or None when it is not installed."""
    return shutil.which("scram")


def scram_cut_sets(
    tree: FaultTree, max_order: int = 1, scram: str | None = None, timeout: float = 600
) -> dict[str, list[frozenset[str]]]:
    """Minimal cut sets of every target of ``tree`` up to ``max_order``, by SCRAM's MOCUS.

    Runs ``scram --mocus --limit-order <max_order>`` on the document in a temporary directory.

    Returns
    -------
    dict
        Target id to its minimal cut sets, each as a set of node ids.

    Raises
    ------
    ScramError
        When SCRAM is not installed, fails, or does not report on a target.
    """
    exe = scram or find_scram()
    if exe is None:
        raise ScramError("scram not found: install Debian's scram package")
    with tempfile.TemporaryDirectory(prefix="standby-scram-") as tmp:
        source = Path(tmp) / "cone.xml"
        report = Path(tmp) / "report.xml"
        source.write_text(tree.xml, encoding="utf-8")
        command = [exe, "--mocus", "--limit-order", str(max_order), str(source), "-o", str(report)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0 or not report.exists():
            raise ScramError(f"scram failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        products = read_scram_report(report.read_text(encoding="utf-8"))
    # Gates of nodes whose failure cannot reach a target are unreferenced, so SCRAM reports on
    # them as extra top events; only the targets' own tops matter.
    missing = sorted(set(tree.tops) - set(products))
    if missing:
        raise ScramError(f"scram did not report on {missing}")
    return {
        target: [frozenset(tree.events[name] for name in p) for p in products[gate]]
        for gate, target in tree.tops.items()
    }
