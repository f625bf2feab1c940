"""Property test: for random valid models, dump → load → validate → dump is a fixpoint."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standby.modelfile.dump import dump
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import ASSET_TYPES, LOCATION_KINDS, TEAM_ROLES, validate

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=15,
).filter(lambda s: s.strip() != "")
_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)
_durations = st.one_of(
    st.none(),
    st.integers(0, 10_000),
    st.floats(0, 1_000_000, allow_nan=False, allow_infinity=False),
    st.builds(
        lambda n, unit: f"{n}{unit}", st.integers(0, 500), st.sampled_from(["m", "h", "d", "w"])
    ),
    st.sampled_from(["2.5h", "0.5d", "1.25w", "7.5m"]),
)


def _optional(draw, item: dict, key: str, strategy) -> None:
    value = draw(st.one_of(st.none(), strategy))
    if value is not None:
        item[key] = value


@st.composite
def models(draw) -> dict:
    counts = {
        name: draw(st.integers(0, high))
        for name, high in [
            ("people", 3),
            ("teams", 2),
            ("locations", 2),
            ("suppliers", 2),
            ("contracts", 2),
            ("processes", 3),
            ("services", 3),
            ("assets", 6),
        ]
    }
    if counts["suppliers"] == 0:
        counts["contracts"] = 0
    ids = draw(
        st.lists(_ids, min_size=sum(counts.values()), max_size=sum(counts.values()), unique=True)
    )
    pools: dict[str, list[str]] = {}
    for name, n in counts.items():
        pools[name], ids = ids[:n], ids[n:]
    people = pools["people"]
    # A node may only require nodes after it in this order: acyclic by construction.
    order = draw(st.permutations(pools["processes"] + pools["services"] + pools["assets"]))
    order += pools["locations"] + pools["suppliers"]

    def requires(node: str) -> list:
        later = order[order.index(node) + 1 :]
        out: list = []
        for _ in range(draw(st.integers(0, 3)) if later else 0):
            form = draw(st.sampled_from(["id", "any_of", "at_least"]))
            if form == "id":
                out.append(draw(st.sampled_from(later)))
                continue
            group = draw(st.lists(st.sampled_from(later), min_size=1, max_size=4, unique=True))
            if form == "any_of":
                out.append({"any_of": group})
            else:
                out.append({"at_least": draw(st.integers(1, len(group))), "of": group})
        return out

    def base(node_id: str) -> dict:
        item = {"id": node_id, "name": draw(_text)}
        _optional(draw, item, "description", _text)
        return item

    data: dict = {"standby": 1}
    data["people"] = []
    for pid in people:
        person = {"id": pid, "name": draw(_text)}
        _optional(
            draw, person, "email", st.from_regex(r"[a-z]{1,5}@[a-z]{1,5}\.org", fullmatch=True)
        )
        _optional(draw, person, "phone", _text)
        _optional(draw, person, "out_of_hours_phone", _text)
        _optional(draw, person, "leaves_on", st.dates())
        data["people"].append(person)
    data["teams"] = [
        {
            "id": tid,
            "name": draw(_text),
            "members": [
                {"person": p, "role": r}
                for p, r in draw(
                    st.lists(
                        st.tuples(st.sampled_from(people), st.sampled_from(TEAM_ROLES)),
                        max_size=3,
                        unique_by=lambda member: member[0],  # one role per person and team
                    )
                    if people
                    else st.just([])
                )
            ],
        }
        for tid in pools["teams"]
    ]
    data["locations"] = []
    for lid in pools["locations"]:
        location = base(lid)
        _optional(draw, location, "kind", st.sampled_from(LOCATION_KINDS))
        _optional(draw, location, "recovery_time", _durations)
        data["locations"].append(location)
    data["suppliers"] = []
    for index, sid in enumerate(pools["suppliers"]):
        supplier = base(sid)
        _optional(draw, supplier, "recovery_time", _durations)
        contracts = []
        for cid in pools["contracts"][index :: len(pools["suppliers"])]:
            contract = {"id": cid, "guarantees": draw(_text)}
            _optional(draw, contract, "name", _text)
            _optional(draw, contract, "recovery_time", _durations)
            _optional(draw, contract, "expires_on", st.dates())
            contracts.append(contract)
        if contracts:
            supplier["contracts"] = contracts
        data["suppliers"].append(supplier)
    for section in ("processes", "services"):
        data[section] = []
        for nid in pools[section]:
            node = base(nid)
            if people:
                _optional(draw, node, "owner", st.sampled_from(people))
            node["requires"] = requires(nid)
            data[section].append(node)
    data["assets"] = []
    for aid in pools["assets"]:
        asset = base(aid)
        asset["type"] = draw(st.sampled_from(ASSET_TYPES))
        if pools["locations"]:
            _optional(draw, asset, "location", st.sampled_from(pools["locations"]))
        if pools["suppliers"]:
            _optional(draw, asset, "supplier", st.sampled_from(pools["suppliers"]))
        asset["requires"] = requires(aid)
        _optional(draw, asset, "recovery_time", _durations)
        data["assets"].append(asset)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_dump_load_validate_dump_is_a_fixpoint(data):
    model = validate(data)
    for fmt, filename in (("yaml", "m.yaml"), ("json", "m.json")):
        text = dump(model, fmt=fmt)
        again = validate(load_bytes(text.encode("utf-8"), filename=filename))
        assert dump(again, fmt=fmt) == text
        # After one trip the model itself is stable too (durations take their written spelling).
        assert validate(load_bytes(dump(again, fmt=fmt).encode(), filename=filename)) == again


@settings(max_examples=50, deadline=None)
@given(models())
def test_yaml_and_json_agree(data):
    model = validate(data)
    from_yaml = validate(load_bytes(dump(model).encode(), filename="m.yaml"))
    from_json = validate(load_bytes(dump(model, fmt="json").encode(), filename="m.json"))
    assert from_yaml == from_json
    assert json.loads(dump(model, fmt="json"))["standby"] == 1
