"""Plan export: a 200-step plan with 100 contacts must render to PDF + offline HTML in ≤ 5 s.

The content is built synthetically (no database). Baseline, in the same run: the whole PDF laid
out as one WeasyPrint document in this process (what the export did before it was split into
parts rendered by worker processes). WeasyPrint's layout is CPU-bound, so the machine's load
average and core count are printed too.

Run: ``.venv/bin/python -m benchmarks.bench_plan_export`` (or ``make bench``).
"""

from __future__ import annotations

import os
import tempfile
import time

STEPS = 200
CONTACTS = 100
TARGET_S = 5.0


def main() -> int:
    os.environ.setdefault("STANDBY_DATA_DIR", tempfile.mkdtemp(prefix="standby-bench-export-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standby.settings")
    import django

    django.setup()
    from standby.plans.exports.pdf import html_to_pdf, pdf_workers, render_plan_pdf, warm_up
    from standby.plans.exports.render import render_plan_html
    from standby.plans.exports.sample import synthetic_content

    render_plan_pdf(synthetic_content(steps=2, contacts=2))  # warm-up: fonts, templates, imports
    started = time.perf_counter()
    warm_up()
    pool_s = time.perf_counter() - started

    content = synthetic_content(steps=STEPS, contacts=CONTACTS)
    started = time.perf_counter()
    html = render_plan_html(content, medium="offline")
    html_s = time.perf_counter() - started
    pdf_started = time.perf_counter()
    pdf = render_plan_pdf(content)
    pdf_s = time.perf_counter() - pdf_started
    total = time.perf_counter() - started

    baseline_started = time.perf_counter()
    html_to_pdf(render_plan_html(content, medium="pdf"))
    baseline_s = time.perf_counter() - baseline_started

    verdict = "PASS" if total <= TARGET_S else "FAIL"
    print(
        f"{STEPS} steps, {CONTACTS} contacts; {os.cpu_count()} cores, {pdf_workers()} PDF workers;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'worker start':<16}{pool_s:8.2f} s  (once per server process, before this run)")
    print(f"{'offline HTML':<16}{html_s:8.2f} s  ({len(html) / 1024:.0f} KiB)")
    print(f"{'PDF':<16}{pdf_s:8.2f} s  ({len(pdf) / 1024:.0f} KiB)")
    print(f"{'total':<16}{total:8.2f} s  target ≤ {TARGET_S:g} s  {verdict}")
    print(
        f"{'baseline':<16}{baseline_s:8.2f} s  one WeasyPrint document in-process;"
        f" the parts are {baseline_s / pdf_s:.1f}× faster"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
