"""Plan export: a 200-step plan with 100 contacts must render to PDF + offline HTML in ≤ 5 s.

The content is built synthetically (no database). Prints each part's time and PASS/FAIL; the
machine's load average is printed too, since WeasyPrint's layout is CPU-bound.

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
    from standby.plans.exports.pdf import html_to_pdf, render_plan_pdf
    from standby.plans.exports.render import render_plan_html
    from standby.plans.exports.sample import synthetic_content

    render_plan_pdf(synthetic_content(steps=2, contacts=2))  # warm-up: fonts, templates, imports
    content = synthetic_content(steps=STEPS, contacts=CONTACTS)
    started = time.perf_counter()
    html = render_plan_html(content, medium="offline")
    html_s = time.perf_counter() - started
    pdf_started = time.perf_counter()
    pdf_source = render_plan_html(content, medium="pdf")
    pdf = html_to_pdf(pdf_source)
    pdf_s = time.perf_counter() - pdf_started
    total = time.perf_counter() - started
    verdict = "PASS" if total <= TARGET_S else "FAIL"
    print(f"{STEPS} steps, {CONTACTS} contacts; load average {os.getloadavg()[0]:.1f}")
    print(f"{'offline HTML':<14}{html_s:8.2f} s  ({len(html) / 1024:.0f} KiB)")
    print(f"{'PDF':<14}{pdf_s:8.2f} s  ({len(pdf) / 1024:.0f} KiB)")
    print(f"{'total':<14}{total:8.2f} s  target ≤ {TARGET_S:g} s  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
