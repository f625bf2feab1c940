"""Model-file import and export of a generated 10,000-asset organisation (SQLite, temp dir).

Run: ``python -m benchmarks.bench_modelio``. Prints the times; no baseline exists for this.
"""

from __future__ import annotations

import os
import tempfile
import time


def main() -> None:
    os.environ["STANDBY_DATA_DIR"] = tempfile.mkdtemp(prefix="standby-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standby.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from standby.accounts.models import User
    from standby.inventory import modelio
    from standby.modelfile.dump import dump
    from standby.modelfile.generate import generate_model

    call_command("migrate", verbosity=0)
    manager = User.objects.create(username="bench", role="manager")
    data = generate_model(processes=50, services=1000, assets=10_000, seed=7)
    started = time.perf_counter()
    report = modelio.model_import(actor=manager, model=data)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    text = dump(modelio.model_export())
    exported = time.perf_counter() - started
    started = time.perf_counter()
    modelio.model_import(actor=manager, model=data)
    again = time.perf_counter() - started
    print(f"10,000-asset organisation: {report.summary()}")
    print(f"import into an empty database  {imported:6.1f} s")
    print(f"export and dump                {exported:6.1f} s  ({len(text) / 1e6:.1f} MB of YAML)")
    print(f"re-import, nothing to change   {again:6.1f} s")


if __name__ == "__main__":
    main()
