"""Open an offline plan HTML file in Chromium and report what a reader sees (run under unshare -n).

Usage: ``python tests/offline_browser.py PLAN.html SCREENSHOT.png [WIDTH]``; prints JSON:
``{"text": <the page's visible text>, "requests": [<every non-file URL the page asked for>]}``.
"""

from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright

from standby.common.testing import CHROMIUM_ARGS, find_chromium


def main(html_path: str, png_path: str, width: str = "390") -> None:
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": int(width), "height": 800})
        page.on(
            "request",
            lambda r: requests.append(r.url) if not r.url.startswith("file:") else None,
        )
        page.goto(f"file://{html_path}")
        text = page.inner_text("body")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=png_path, full_page=True)
        browser.close()
    print(json.dumps({"text": text, "requests": requests, "scroll_width": scroll_width}))


if __name__ == "__main__":
    main(*sys.argv[1:])
