"""Take the screenshots in the user docs: ``make screenshots``.

Or ``.venv/bin/python docs/screenshots.py``.

Reproducible from a checkout, touching nothing but ``docs/images/``:

1. a throwaway folder (tempfile) holds the data dir: SQLite, secret key, exports. Your own
   ``./var`` and ``DATABASE_URL`` are not used;
2. ``migrate`` and ``demo`` (the management commands ``make demo`` runs) load the demo
   organisation, Riverside College, with its approved plan and its exports;
3. the demo has no risks, no acknowledgement of its plan yet and no off-site target, so
   :func:`stage` adds a few of each through Standby's own services (validated, audited): some
   people on the plan's distribution list acknowledge it with the link of the demo's e-mail;
4. waitress (the server of ``standby serve``) serves it on 127.0.0.1 and a free port in a
   background thread; WhiteNoise serves the static files straight from their finders;
5. Debian's Chromium (Playwright, launched as the browser tests launch it) signs in as the demo
   ``manager`` and captures each page at 1280 × 800, once the network is idle and any
   dependency map is drawn; a few are cropped to their subject;
6. ``pdftoppm`` renders page 1 and the recovery sequence of the approved plan's PDF;
7. every PNG is reduced to 256 colours and written to ``docs/images/<name>.png``.

It takes about a minute.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
VIEWPORT = {"width": 1280, "height": 800}
MAX_BYTES = 250_000
sys.path.insert(0, str(ROOT))  # the checkout's standby, also when it is not installed


class ScreenshotError(RuntimeError):
    """Something the pictures need is not there: the message says what."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise ScreenshotError(message)


def prepare(data_dir: Path) -> dict[str, str]:
    """Point Django at ``data_dir``, migrate, load the demo; the demo's keys the shots need."""
    os.environ["STANDBY_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "standby.settings"
    for variable in ("DATABASE_URL", "SECRET_KEY", "STANDBY_HTTPS", "STANDBY_BEHIND_PROXY"):
        os.environ.pop(variable, None)
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["STANDBY_PDF_WORKERS"] = "1"  # a short plan; keep the shared cores free

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    # No collectstatic (it compresses ~20 MB for a minute): WhiteNoise serves from the finders.
    return demo_keys()


def demo_keys() -> dict[str, str]:
    """The demo's most critical service and its approved plan's version.

    Most critical: the tightest RTO any process requires of a service; among those, the one the
    best-ranked process in the BIA needs directly.
    """
    from standby.bia import selectors as bia_selectors
    from standby.inventory.models import RequirementMember
    from standby.plans.models import PlanVersion
    from standby.plans.services import DEMO_PLAN_KEY

    rows, _ = bia_selectors.objectives()
    rtos = {
        r.key: r.required_rto for r in rows if r.kind == "service" and r.required_rto is not None
    }
    check(rtos, "no service in the demo has a required RTO")
    tightest = min(rtos.values())
    candidates = {key for key, rto in rtos.items() if rto == tightest}
    ranks = {row.record.node.key: row.rank for row in bia_selectors.ranked()}
    needed_by = RequirementMember.objects.filter(node__key__in=candidates).values_list(
        "node__key", "requirement__owner__key"
    )
    best = {key: len(ranks) + 1 for key in candidates}
    for key, owner in needed_by:
        best[key] = min(best[key], ranks.get(owner, len(ranks) + 1))
    service = min(sorted(candidates), key=best.__getitem__)
    version = (
        PlanVersion.objects.filter(plan__key=DEMO_PLAN_KEY, approved_at__isnull=False)
        .order_by("-number")
        .first()
    )
    check(version is not None, "the demo has no approved plan")
    assert version is not None
    return {"service": service, "plan": DEMO_PLAN_KEY, "version": str(version.number)}


# The demo has no risks, no acknowledgement of its plan and no off-site target: those pages
# would show their empty states. A few of each are added through the same services the
# pages use (validated and audited), only when the demo has none.
DEMO_RISKS = [
    # name, category, threats, nodes, owner, inherent (L, I), residual (L, I), treatment, reason
    (
        "Ransomware encrypts the college servers",
        "data",
        ["ransomware", "cyber_attack"],
        ["storage", "mis-db", "file-server"],
        "p-evans",
        (4, 5),
        (2, 4),
        "reduce",
        "Immutable off-site backups and tested restores bring the data back within the RPO.",
    ),
    (
        "Fire in the main campus server room",
        "internal_ict",
        ["fire"],
        ["room-main"],
        "p-okafor",
        (2, 5),
        (1, 5),
        "reduce",
        "Gas suppression; the north campus server room takes over.",
    ),
    (
        "Long power cut at the main campus",
        "internal_ict",
        ["power_failure"],
        ["power-main"],
        "p-okafor",
        (3, 4),
        (3, 2),
        "reduce",
        "The UPS holds the servers until they shut down cleanly.",
    ),
    (
        "The MIS vendor goes out of business",
        "providers",
        ["bankruptcy"],
        ["sup-mis"],
        "p-grant",
        (2, 4),
        (2, 4),
        "accept",
        "Source code in escrow; the cost of a second MIS is out of proportion.",
    ),
    (
        "Both internet links down",
        "external_ict",
        ["telecom_outage"],
        ["internet"],
        "p-okafor",
        (3, 4),
        (2, 3),
        "reduce",
        "Two links from two providers on separate routes.",
    ),
    (
        "The only network engineer leaves or is off sick",
        "staff",
        ["resignation", "sickness"],
        ["it-staff"],
        "p-kowalski",
        (4, 3),
        (2, 3),
        "reduce",
        "Written runbooks and a support contract with the network supplier.",
    ),
]

# Who on the demo plan's distribution list has acknowledged it so far (person ids).
DEMO_ACKNOWLEDGED = ("p-hale", "p-price", "p-shah")


def demo_ack_links() -> dict[str, str]:
    """E-mail address → the token of its acknowledgement link, from the demo's e-mails (written
    to files by ``standby demo``: a file per sending, the messages separated by a dashed line)."""
    from email import message_from_bytes, policy

    from standby.common.demo import demo_mail_dir

    tokens: dict[str, str] = {}
    for path in sorted(demo_mail_dir().glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not raw.strip():
                continue
            message = message_from_bytes(raw, policy=policy.default)
            body = message.get_body(("plain",))
            token = re.search(r"/plans/ack/([^/\s]+)/", body.get_content() if body else "")
            if token:
                tokens[str(message["To"])] = token.group(1)
    return tokens


def stage(offsite_folder: Path, plan_key: str) -> None:
    """Add risks, acknowledgements of the plan and an off-site copy (see above)."""
    from standby.accounts.models import User
    from standby.inventory.models import Node, Person
    from standby.plans import distribution, services_offsite
    from standby.plans.models import OffsiteTarget, Plan
    from standby.risks import services as risk_services
    from standby.risks.models import Risk, Threat

    manager = User.objects.get(username="manager")
    if not Risk.objects.exists():
        risk_services.ensure_library()
        for name, category, threats, nodes, owner, before, after, treatment, why in DEMO_RISKS:
            risk_services.risk_save(
                actor=manager,
                risk=Risk(
                    name=name,
                    category=category,
                    owner=Person.objects.get(key=owner),
                    inherent_likelihood=before[0],
                    inherent_impact=before[1],
                    residual_likelihood=after[0],
                    residual_impact=after[1],
                    treatment=treatment,
                    treatment_reason=why,
                ),
                threats=Threat.objects.filter(key__in=threats),
                nodes=Node.objects.filter(key__in=nodes),
            )
    plan = Plan.objects.get(key=plan_key)
    version = distribution.current_version(plan)
    check(version is not None, "the demo has no approved plan")
    assert version is not None
    if not version.acknowledgements.filter(acknowledged_at__isnull=False).exists():
        links = demo_ack_links()
        for key in DEMO_ACKNOWLEDGED:
            email = Person.objects.get(key=key).email
            check(email in links, f"no acknowledgement link in the demo's e-mail to {email}")
            distribution.acknowledge_by_token(links[email])
    if not OffsiteTarget.objects.exists():
        offsite_folder.mkdir()
        target = services_offsite.target_create(
            actor=manager,
            target=OffsiteTarget(
                name="USB drive in the north campus safe", location=str(offsite_folder)
            ),
        )
        services_offsite.target_copy_now(actor=manager, target=target)


class Server:
    """waitress on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self) -> None:
        from waitress.server import create_server

        from standby.wsgi import application  # sets logging up again: quieten it after

        logging.getLogger("django.request").setLevel(logging.ERROR)  # "Not Found: /favicon.ico"
        self.server: Any = create_server(
            application, host="127.0.0.1", port=0, threads=4, ident="Standby"
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()


def settle(page: Any) -> None:
    """Wait for the network to go quiet, web fonts and any dependency map to be drawn."""
    page.wait_for_load_state("networkidle")
    if page.locator("#depmap").count():
        page.wait_for_selector("#depmap[data-ready='1'] canvas")
        page.wait_for_timeout(300)  # Cytoscape paints on the next animation frames
    page.evaluate("document.fonts.ready")


def save(page: Any, name: str, region: tuple[str, str] | None = None) -> Path:
    """Screenshot the viewport to ``docs/images/<name>.png``; with ``region`` (two selectors),
    the full width from the top of the first element to the bottom of the second."""
    path = IMAGES / f"{name}.png"
    if region is None:
        page.screenshot(path=path, animations="disabled")
        return path
    top = page.locator(region[0]).first.bounding_box()
    bottom = page.locator(region[1]).last.bounding_box()
    check(top and bottom, f"{name}: {region} not on the page")
    assert top is not None
    assert bottom is not None
    scroll = page.evaluate("window.scrollY")
    y = max(0, top["y"] + scroll - 12)
    height = bottom["y"] + scroll + bottom["height"] + 12 - y
    page.screenshot(
        path=path,
        full_page=True,
        animations="disabled",
        clip={"x": 0, "y": y, "width": VIEWPORT["width"], "height": height},
    )
    return path


# What fails on the what-if page: single sign-on takes e-mail and word processing down, and six
# processes with them; a small map that reads well. (A site's loss draws 40 nodes.)
WHATIF_FAIL = "sso"
MAP = "section:has(> #depmap)"

# name, URL, what to do on the page first, the region to crop to (None: the viewport)
Shot = tuple[str, str, Callable[[Any], None] | None, tuple[str, str] | None]


def shoot(browser: Any, base: str, keys: dict[str, str]) -> list[Path]:
    from standby.common.demo import DEMO_PASSWORD

    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    plan, number = keys["plan"], keys["version"]
    version_url = f"/plans/{plan}/versions/{number}/"

    def whatif(page: Any) -> None:
        page.locator("select[name=fail]").select_option(WHATIF_FAIL)
        page.get_by_role("button", name="Show what goes down").click()
        page.wait_for_url(re.compile(r"fail="))

    shots: list[Shot] = [
        ("home", "/", None, None),
        ("service-map", f"/inventory/services/{keys['service']}/", None, (MAP, MAP)),
        ("what-if", "/strategy/what-if/", whatif, ("#result-heading", MAP)),
        ("spof-report", "/strategy/single-points-of-failure/", None, None),
        ("bia-priority", "/bia/", None, None),
        ("bia-heat-table", "/bia/heat-table/", None, None),
        ("risk-heat-map", "/risks/heat-map/", None, ("h1", "figure.chart + div")),
        ("strategy-gaps", "/strategy/gaps/", None, None),
        ("plan", f"/plans/{plan}/", None, None),
        ("plan-version", version_url, None, None),
        ("plan-acknowledgements", f"{version_url}acknowledgements/", None, None),
        ("offsite-targets", "/plans/offsite/", None, None),
    ]
    written = []
    for name, url, action, region in shots:
        response = page.goto(base + url)
        check(response is not None and response.ok, f"{name}: {url} answered {response}")
        settle(page)
        if action:
            action(page)
            settle(page)
        check("/accounts/login/" not in page.url, f"{name}: signed out at {page.url}")
        check(not page.locator(".alert-danger").count(), f"{name}: an error on {page.url}")
        written.append(save(page, name, region))
    context.close()
    return written


def pdf_pages(data_dir: Path, keys: dict[str, str]) -> list[Path]:
    """Page 1 and the first recovery-sequence page of the approved plan's PDF, at 80 dpi."""
    pdf = data_dir / "exports" / keys["plan"] / f"v{keys['version']}" / "plan.pdf"
    check(pdf.is_file(), f"no PDF at {pdf}")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    heading = re.compile(r"^\s*\d+\.\s+Recovery sequence\s*$", re.MULTILINE)
    pages = [n for n, page in enumerate(text.split("\f"), start=1) if heading.search(page)]
    check(pages, "no recovery sequence in the PDF")
    written = []
    for name, number in (("plan-pdf-cover", 1), ("plan-pdf-sequence", pages[0])):
        prefix = IMAGES / name
        page = ["-f", str(number), "-l", str(number)]
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-singlefile", *page, str(pdf), str(prefix)],
            check=True,
        )
        written.append(prefix.with_suffix(".png"))
    return written


def optimise(path: Path) -> None:
    """256 colours, no dithering: a third of the size, text as sharp (Pillow comes with
    WeasyPrint)."""
    from PIL import Image

    with Image.open(path) as image:
        quantised = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    quantised.save(path, optimize=True)
    size = path.stat().st_size
    check(size <= MAX_BYTES, f"{path.name} is {size // 1024} KB: crop it")


def main() -> int:
    from standby.common.testing import CHROMIUM_ARGS, find_chromium

    IMAGES.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="standby-screenshots-"))
    data_dir = root / "data"
    data_dir.mkdir()
    started = time.monotonic()
    try:
        keys = prepare(data_dir)
        stage(root / "usb-drive", keys["plan"])
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread; the ORM is done by now.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        with Server() as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=find_chromium(), args=CHROMIUM_ARGS
            )
            written = shoot(browser, server.url, keys)
            browser.close()
        written += pdf_pages(data_dir, keys)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for path in written:
        optimise(path)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    print(f"{len(written)} images in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
