"""A synthetic organisation in the model-file format, for benchmarks, demos and tests.

The organisation is layered, top to bottom:

* business **processes** (each needs 2-6 services and one of two staff assets);
* IT **services** (each needs 3-8 applications, a staffed support rota, sometimes an external
  service); the last 5 % are *platform services* (identity, DNS, backup, ...) that most other
  services need;
* **applications** (an at-least-k pool of VMs, a database, sometimes another application);
* **databases** (any of 2-3 VMs, a storage volume) and **data** sets (one database);
* **VMs** (at least ``n - 1`` or ``n - 2`` of the ``n`` hosts of their cluster - capacity - and a
  storage volume);
* **hosts** and **storage arrays** (any of two PDUs, any of two top-of-rack switches, their site,
  their vendor); **volumes** (one storage array);
* **network**: top-of-rack switches need any of their data centre's distribution switches, which
  need the one core network fabric (``net-core``, which needs any of two core routers) - the
  single asset whose failure takes almost everything down;
* **power and facility**: PDUs need any of the two UPSs of their data centre;
* **locations** (data centres and offices) and **suppliers**.

Which services are *critical* is the BIA's business; for benchmarks take the first 200
services (``svc-0001`` ... ``svc-0200``): they are ordinary services, not platform ones.
Everything is drawn from one :class:`numpy.random.Generator` seeded with ``seed``, so one seed
always gives the same dictionary.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Model = dict[str, Any]

_FIRST = ("Ada", "Ben", "Chloe", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea")
_LAST = ("Okafor", "Novak", "Silva", "Khan", "Berg", "Moreau", "Tanaka", "Evans", "Rossi", "Ng")


def _ids(prefix: str, count: int) -> list[str]:
    width = max(4, len(str(count)))
    return [f"{prefix}-{i:0{width}d}" for i in range(1, count + 1)]


def _hours(rng: np.random.Generator, choices: list[str], count: int, unknown: float) -> list[Any]:
    """Recovery times drawn from ``choices``; a share ``unknown`` is left out (None)."""
    picked = rng.choice(np.asarray(choices), size=count).tolist()
    missing = rng.random(count) < unknown
    return [None if m else h for h, m in zip(picked, missing.tolist(), strict=True)]


def _pair(pool: list[str], rng: np.random.Generator) -> list[str]:
    """Two distinct members of ``pool`` (in pool order)."""
    a, b = sorted(rng.choice(len(pool), size=2, replace=False).tolist())
    return [pool[a], pool[b]]


def _asset(
    asset_id: str,
    name: str,
    kind: str,
    *,
    location: str | None = None,
    supplier: str | None = None,
    requires: list[Any] | None = None,
    recovery_time: Any = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": asset_id, "name": name, "type": kind}
    if location is not None:
        out["location"] = location
    if supplier is not None:
        out["supplier"] = supplier
    if requires:
        out["requires"] = requires
    if recovery_time is not None:
        out["recovery_time"] = recovery_time
    return out


def generate_model(*, processes: int, services: int, assets: int, seed: int) -> Model:
    """Return a synthetic organisation as a model-file dictionary.

    Parameters
    ----------
    processes, services, assets
        How many of each (``assets`` exactly; at least 200 assets).
    seed
        Seed of the :class:`numpy.random.Generator` every choice comes from.

    Examples
    --------
    >>> m = generate_model(processes=5, services=20, assets=400, seed=1)
    >>> len(m["processes"]), len(m["services"]), len(m["assets"])
    (5, 20, 400)
    >>> m == generate_model(processes=5, services=20, assets=400, seed=1)
    True
    """
    if assets < 200 or services < 2 or processes < 1:
        raise ValueError("need at least 1 process, 2 services and 200 assets")
    rng = np.random.default_rng(seed)
    people = _people(rng, max(12, services // 20))
    person_ids = [p["id"] for p in people]
    teams = _teams(rng, person_ids)

    n_dc = 2 + assets // 50_000
    n_office = 1 + assets // 20_000
    dcs = _ids("dc", n_dc)
    offices = _ids("office", n_office)
    locations: list[dict[str, Any]] = [
        {"id": d, "name": f"Data centre {i + 1}", "kind": "primary" if i else "alternate"}
        for i, d in enumerate(dcs)
    ]
    locations[0]["kind"] = "primary"
    locations += [
        {"id": o, "name": f"Office {i + 1}", "kind": "primary"} for i, o in enumerate(offices)
    ]
    for loc, rt in zip(
        locations, _hours(rng, ["3d", "1w", "2w"], len(locations), 0.0), strict=True
    ):
        loc["recovery_time"] = rt
    n_sup = max(5, assets // 2000)
    suppliers = [
        {"id": s, "name": f"Supplier {i + 1}", "recovery_time": rt}
        for i, (s, rt) in enumerate(
            zip(_ids("sup", n_sup), _hours(rng, ["8h", "1d", "2d", "1w"], n_sup, 0.0), strict=True)
        )
    ]
    sup_ids = [s["id"] for s in suppliers]
    hw_vendors, net_vendors, saas_vendors = sup_ids[:2], sup_ids[2:4], sup_ids[4:]
    out: list[dict[str, Any]] = []

    # Facility, power and network core: a fixed handful per data centre.
    ups: dict[str, list[str]] = {}
    dist: dict[str, list[str]] = {}
    out.append(_asset("net-rtr-1", "Core router 1", "network", location=dcs[0], recovery_time="8h"))
    out.append(_asset("net-rtr-2", "Core router 2", "network", location=dcs[1], recovery_time="8h"))
    out.append(
        _asset(
            "net-core",
            "Core network fabric",
            "network",
            requires=[{"any_of": ["net-rtr-1", "net-rtr-2"]}],
            recovery_time="4h",
        )
    )
    out.append(_asset("inet", "Internet access", "external_service", supplier=net_vendors[0]))
    for d in dcs:
        out.append(
            _asset(f"{d}-feed", f"{d} utility feed", "facility", location=d, recovery_time="1d")
        )
        out.append(_asset(f"{d}-gen", f"{d} generator", "facility", location=d, recovery_time="2d"))
        ups[d] = [f"{d}-ups-a", f"{d}-ups-b"]
        for u in ups[d]:
            out.append(
                _asset(
                    u,
                    f"{u} UPS",
                    "facility",
                    location=d,
                    recovery_time="12h",
                    requires=[{"any_of": [f"{d}-feed", f"{d}-gen"]}],
                )
            )
        dist[d] = [f"{d}-dist-{j}" for j in range(1, 5)]
        for s in dist[d]:
            out.append(
                _asset(
                    s,
                    f"{s} distribution switch",
                    "network",
                    location=d,
                    supplier=net_vendors[1],
                    requires=["net-core"],
                    recovery_time="6h",
                )
            )
    budget = assets - len(out)
    share = {
        "tor": 0.025,
        "pdu": 0.025,
        "host": 0.08,
        "array": 0.002,
        "volume": 0.08,
        "db": 0.05,
        "app": 0.10,
        "data": 0.05,
        "staff": 0.03,
        "proc": 0.02,
        "ext": 0.008,
    }
    count = {k: max(2 * n_dc, int(v * budget)) for k, v in share.items()}
    count["vm"] = budget - sum(count.values())
    if count["vm"] < 2 * n_dc:
        raise ValueError("too few assets for the tiers")

    def site_of(n: int) -> list[str]:
        return [dcs[i % n_dc] for i in range(n)]

    tors = _by_site("tor", count["tor"], site_of)
    for d, ids in tors.items():
        for t in ids:
            out.append(
                _asset(
                    t,
                    f"{t} rack switch",
                    "network",
                    location=d,
                    supplier=net_vendors[1],
                    requires=[{"any_of": _pair(dist[d], rng)}],
                    recovery_time="4h",
                )
            )
    pdus = _by_site("pdu", count["pdu"], site_of)
    for d, ids in pdus.items():
        for p in ids:
            out.append(
                _asset(
                    p,
                    f"{p} PDU",
                    "facility",
                    location=d,
                    requires=[{"any_of": ups[d]}],
                    recovery_time="8h",
                )
            )

    def racked(prefix: str, n: int, label: str, rt: list[str]) -> dict[str, list[str]]:
        made = _by_site(prefix, n, site_of)
        for d, ids in made.items():
            times = _hours(rng, rt, len(ids), 0.01)
            vendors = rng.choice(len(hw_vendors), size=len(ids)).tolist()
            for a, t, v in zip(ids, times, vendors, strict=True):
                out.append(
                    _asset(
                        a,
                        f"{a} {label}",
                        "hardware",
                        location=d,
                        supplier=hw_vendors[v],
                        requires=[{"any_of": _pair(pdus[d], rng)}, {"any_of": _pair(tors[d], rng)}],
                        recovery_time=t,
                    )
                )
        return made

    hosts = racked("host", count["host"], "server", ["8h", "1d", "3d"])
    arrays = racked("array", count["array"], "storage array", ["1d", "2d"])
    all_arrays = [a for ids in arrays.values() for a in ids]
    volumes = _ids("vol", count["volume"])
    for v, t in zip(volumes, _hours(rng, ["2h", "4h", "1d"], len(volumes), 0.01), strict=True):
        arr = all_arrays[int(rng.integers(len(all_arrays)))]
        out.append(_asset(v, f"{v} volume", "data", requires=[arr], recovery_time=t))

    # VMs: each in one cluster of 9-18 hosts of one site, needing all but 1-2 of them.
    clusters: list[list[str]] = []
    for ids in hosts.values():
        start = 0
        while start < len(ids):
            size = int(rng.integers(9, 19))
            clusters.append(ids[start : start + size])
            start += size
    vms = _ids("vm", count["vm"])
    vm_cluster = rng.integers(len(clusters), size=len(vms)).tolist()
    vm_vol = rng.integers(len(volumes), size=len(vms)).tolist()
    for vm, c, vol, t in zip(
        vms, vm_cluster, vm_vol, _hours(rng, ["1h", "2h", "4h", "8h"], len(vms), 0.01), strict=True
    ):
        members = clusters[c]
        spare = 1 if len(members) < 12 else 2
        need = max(1, len(members) - spare)
        req: Any = {"at_least": need, "of": members} if len(members) > 1 else members[0]
        out.append(
            _asset(
                vm,
                f"{vm} virtual machine",
                "software",
                requires=[req, volumes[vol]],
                recovery_time=t,
            )
        )

    def pool(lo: int, hi: int) -> list[str]:
        size = int(rng.integers(lo, hi + 1))
        picks = sorted(rng.choice(len(vms), size=size, replace=False).tolist())
        return [vms[i] for i in picks]

    dbs = _ids("db", count["db"])
    for db, t in zip(dbs, _hours(rng, ["2h", "4h", "12h"], len(dbs), 0.01), strict=True):
        vol = volumes[int(rng.integers(len(volumes)))]
        out.append(
            _asset(
                db,
                f"{db} database",
                "software",
                requires=[{"any_of": pool(2, 3)}, vol],
                recovery_time=t,
            )
        )
    datas = _ids("data", count["data"])
    for ds, t in zip(datas, _hours(rng, ["4h", "1d", "2d"], len(datas), 0.02), strict=True):
        out.append(
            _asset(
                ds,
                f"{ds} data set",
                "data",
                requires=[dbs[int(rng.integers(len(dbs)))]],
                recovery_time=t,
            )
        )
    apps = _ids("app", count["app"])
    for i, (app, t) in enumerate(
        zip(apps, _hours(rng, ["1h", "4h", "1d"], len(apps), 0.01), strict=True)
    ):
        vm_pool = pool(2, 6)
        need = int(rng.integers(1, max(2, len(vm_pool) - 1)))
        reqs: list[Any] = [{"at_least": need, "of": vm_pool}, dbs[int(rng.integers(len(dbs)))]]
        if i > 10 and rng.random() < 0.3:
            reqs.append(apps[int(rng.integers(i))])
        out.append(_asset(app, f"{app} application", "software", requires=reqs, recovery_time=t))
    staff = _ids("staff", count["staff"])
    for s in staff:
        office = offices[int(rng.integers(n_office))]
        out.append(_asset(s, f"{s} support rota", "staff", location=office, recovery_time="1d"))
    procs = _ids("proc", count["proc"])
    out += [_asset(p, f"{p} runbook", "procedure") for p in procs]
    exts = _ids("ext", count["ext"])
    for e in exts:
        vendor = saas_vendors[int(rng.integers(len(saas_vendors)))]
        out.append(
            _asset(
                e,
                f"{e} cloud service",
                "external_service",
                supplier=vendor,
                requires=["inet"],
                recovery_time="4h",
            )
        )

    svc_ids = _ids("svc", services)
    n_platform = max(1, services // 20)
    platform = svc_ids[-n_platform:]
    svc_list: list[dict[str, Any]] = []
    for i, sid in enumerate(svc_ids):
        picks = sorted(rng.choice(len(apps), size=int(rng.integers(3, 9)), replace=False).tolist())
        reqs = [apps[j] for j in picks]
        reqs.append({"any_of": _pair(staff, rng)})
        reqs.append(procs[int(rng.integers(len(procs)))])
        if rng.random() < 0.3:
            reqs.append(exts[int(rng.integers(len(exts)))])
        if sid not in platform:
            reqs.append(platform[int(rng.integers(len(platform)))])
        elif i > len(svc_ids) - n_platform and rng.random() < 0.5:
            reqs.append(svc_ids[int(rng.integers(len(svc_ids) - n_platform, i))])
        svc_list.append(
            {
                "id": sid,
                "name": f"Service {i + 1}",
                "owner": person_ids[i % len(person_ids)],
                "requires": reqs,
            }
        )
    proc_list: list[dict[str, Any]] = []
    for i, pid in enumerate(_ids("bp", processes)):
        n_svc = min(int(rng.integers(2, 7)), services)
        picks = sorted(rng.choice(services, size=n_svc, replace=False).tolist())
        preqs: list[Any] = [svc_ids[j] for j in picks]
        preqs.append({"any_of": _pair(staff, rng)})
        proc_list.append(
            {
                "id": pid,
                "name": f"Business process {i + 1}",
                "owner": person_ids[(i * 7) % len(person_ids)],
                "requires": preqs,
            }
        )
    return {
        "standby": 1,
        "people": people,
        "teams": teams,
        "locations": locations,
        "suppliers": suppliers,
        "processes": proc_list,
        "services": svc_list,
        "assets": out,
    }


def _by_site(prefix: str, n: int, site_of: Any) -> dict[str, list[str]]:
    made: dict[str, list[str]] = {}
    for asset_id, site in zip(_ids(prefix, n), site_of(n), strict=True):
        made.setdefault(site, []).append(asset_id)
    return made


def _people(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    out = []
    for i, pid in enumerate(_ids("person", n)):
        first = _FIRST[int(rng.integers(len(_FIRST)))]
        last = _LAST[int(rng.integers(len(_LAST)))]
        person: dict[str, Any] = {
            "id": pid,
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{i + 1}@example.org",
        }
        if rng.random() < 0.5:
            person["out_of_hours_phone"] = f"+44 7700 9{i % 100000:05d}"
        out.append(person)
    return out


def _teams(rng: np.random.Generator, person_ids: list[str]) -> list[dict[str, Any]]:
    names = ["Infrastructure", "Applications", "Service desk", "Networks", "Databases"]
    teams = []
    for i, name in enumerate(names):
        picks = sorted(rng.choice(len(person_ids), size=3, replace=False).tolist())
        members = [
            {"person": person_ids[j], "role": "leader" if n == 0 else "technical"}
            for n, j in enumerate(picks)
        ]
        teams.append({"id": f"team-{i + 1}", "name": name, "members": members})
    return teams
