"""Benchmark the inventory's heaviest pages on a generated 10,000-asset organisation.

Run from the repository root::

    python -m benchmarks.bench_pages [--assets 10000] [--repeat 7] [--seed 7]

Builds a temporary SQLite database, loads a generated organisation through
``standby.inventory.modelio.model_import``, then renders the asset list page and the detail
page of the service with the most requirements through Django's test client. Prints the
median of ``--repeat`` runs per page and PASS/FAIL against the 300 ms target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

TARGET_MS = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="standby-bench-")
    os.environ["STANDBY_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standby.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)

    from standby.accounts.models import User
    from standby.inventory.modelio import model_import
    from standby.inventory.models import Node
    from standby.modelfile.generate import generate_model

    manager = User.objects.create(username="bench", role="manager")
    model = generate_model(
        processes=max(5, args.assets // 200),
        services=max(20, args.assets // 50),
        assets=args.assets,
        seed=args.seed,
    )
    started = time.perf_counter()
    model_import(actor=manager, model=model)
    print(f"loaded {Node.objects.count()} nodes in {time.perf_counter() - started:.1f} s")

    service = (
        Node.objects.filter(kind="service")
        .annotate(n=Count("requirements__memberships"))
        .order_by("-n")
        .first()
    )
    assert service is not None
    client = Client()
    client.force_login(manager)
    pages = {
        "asset list": reverse("inventory:asset_list"),
        "asset list, sorted by location, page 50": reverse("inventory:asset_list")
        + "?sort=location&page=50",
        f"service detail ({service.key})": service.get_absolute_url(),
        f"service map JSON ({service.key}, 2/2)": reverse(
            "inventory:node_graph", args=[service.key]
        ),
    }
    failed = False
    for label, url in pages.items():
        client.get(url)  # warm caches and templates
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        verdict = "PASS" if median < TARGET_MS else "FAIL"
        failed = failed or verdict == "FAIL"
        print(f"{verdict}  {label}: median {median:.0f} ms (min {min(times):.0f}, target < 300)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
