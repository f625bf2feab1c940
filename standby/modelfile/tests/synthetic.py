"""A large synthetic model file (plain data), for performance tests and measurements."""

from __future__ import annotations

import random


def synthetic_model(
    *, processes: int, services: int, assets: int, edges_per_node: int, seed: int = 0
) -> dict:
    """Plain model data, acyclic by construction: a node only requires nodes listed after it.

    About ``edges_per_node`` requirement edges per process, service and asset, in a mix of single
    ids, ``any_of`` pairs and 2-of-3 groups; an asset also has a location and a supplier.
    """
    rng = random.Random(seed)
    n_locations = max(1, assets // 1000)
    n_suppliers = max(1, assets // 1000)
    people = [{"id": f"p{i}", "name": f"Person {i}"} for i in range(max(1, processes // 10))]
    locations = [
        {"id": f"l{i}", "name": f"Site {i}", "recovery_time": "2d"} for i in range(n_locations)
    ]
    suppliers = [{"id": f"s{i}", "name": f"Supplier {i}"} for i in range(n_suppliers)]
    order = [f"pr{i}" for i in range(processes)] + [f"sv{i}" for i in range(services)]
    order += [f"a{i}" for i in range(assets)]
    position = {node: i for i, node in enumerate(order)}

    def requires(node: str) -> list:
        start = position[node] + 1
        if len(order) - start < 3 * edges_per_node:
            return []
        out: list = []
        edges = 0
        # Distinct targets, all later in ``order``: no cycles, no id twice in one group.
        chosen = rng.sample(range(start, len(order)), 3 * edges_per_node)
        while edges < edges_per_node:
            targets = [order[chosen.pop()] for _ in range(3)]
            form = rng.random()
            if form < 0.5:
                out.append(targets[0])
                edges += 1
            elif form < 0.8:
                out.append({"any_of": targets[:2]})
                edges += 2
            else:
                out.append({"at_least": 2, "of": targets})
                edges += 3
        return out

    model = {
        "standby": 1,
        "people": people,
        "locations": locations,
        "suppliers": suppliers,
        "processes": [
            {"id": n, "name": n.upper(), "owner": "p0", "requires": requires(n)}
            for n in order[:processes]
        ],
        "services": [
            {"id": n, "name": n.upper(), "requires": requires(n)}
            for n in order[processes : processes + services]
        ],
        "assets": [
            {
                "id": n,
                "name": n.upper(),
                "type": "hardware",
                "location": f"l{rng.randrange(n_locations)}",
                "supplier": f"s{rng.randrange(n_suppliers)}",
                "requires": requires(n),
                "recovery_time": rng.choice(["4h", "90m", 2.5, "1d"]),
            }
            for n in order[processes + services :]
        ],
    }
    return model
