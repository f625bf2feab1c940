"""The plan PDF (WeasyPrint), which may read nothing but ``data:`` URLs.

WeasyPrint's default fetcher reads local files and the network; a plan field holding
``<img src=http://…>`` or ``<link rel=attachment href=file:///etc/passwd>`` must embed nothing and
fetch nothing, so every fetch goes through :class:`DataOnlyFetcher` (text is escaped as well: this
is the second wall, not the only one).

WeasyPrint lays out about 2 ms per line, in Python, on one core: a 200-step plan takes seconds.
A long plan is therefore rendered as several documents (parts) in worker processes, joined with
pikepdf; the page numbers ("Page 3 of 40", which need the whole) and the bookmarks are added to
the joined file. A short plan is one document, rendered here.

This module imports neither Django nor the plan models, so the workers start light.
"""

from __future__ import annotations

import atexit
import io
import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.pool import Pool
from typing import TYPE_CHECKING, Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

if TYPE_CHECKING:
    from standby.plans.content import PlanContent

logger = logging.getLogger(__name__)
# WeasyPrint logs every refused fetch and CSS it does not know; the PDF is still complete.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

PX_TO_PT = 0.75  # WeasyPrint's page coordinates are CSS pixels (1/96 in); PDF's are points
WORKERS_VARIABLE = "STANDBY_PDF_WORKERS"
WORKER_TIMEOUT_S = 300
PAGE_NUMBER_FONT = "/StandbyPageNumber"
# Where the page number goes: inside the bottom margin, right-aligned (points, A4 margins).
PAGE_NUMBER_RIGHT_MARGIN_PT = 14 / 25.4 * 72
PAGE_NUMBER_BASELINE_PT = 22 / 25.4 * 72 - 11
PAGE_NUMBER_SIZE_PT = 8
# Helvetica advance widths (1/1000 em) of the characters in "Page 12 of 40".
_HELVETICA_WIDTHS = {"P": 667, "a": 556, "g": 556, "e": 556, "o": 556, "f": 278, " ": 278}


class FetchRefusedError(URLFetchingError):
    """A document asked for a resource that is not a ``data:`` URL."""


class DataOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and refuses everything else."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.strip().lower().startswith("data:"):
            self.refused.append(url)
            raise FetchRefusedError(f"only data: URLs may be read, refused {url[:80]!r}")
        return super().fetch(url, headers)


def html_to_pdf(html: str, *, fetcher: DataOnlyFetcher | None = None) -> bytes:
    """``html`` as PDF bytes; resources other than ``data:`` URLs are refused."""
    document = HTML(string=html, base_url=None, url_fetcher=fetcher or DataOnlyFetcher())
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


# -- a plan in parts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bookmark:
    """A heading of a rendered part: its level, text, page (0-based) and position (points)."""

    level: int
    label: str
    page: int
    left: float
    top: float


def render_part(html: str) -> tuple[bytes, list[Bookmark]]:
    """One part as PDF bytes, with its headings (for the joined file's bookmarks)."""
    document = HTML(string=html, base_url=None, url_fetcher=DataOnlyFetcher()).render()
    bookmarks = [
        Bookmark(level, label, number, x * PX_TO_PT, (page.height - y) * PX_TO_PT)
        for number, page in enumerate(document.pages)
        for level, label, (x, y), _state in page.bookmarks
    ]
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf), bookmarks


def join_parts(parts: list[tuple[bytes, list[Bookmark]]], *, title: str) -> bytes:
    """The parts as one PDF: pages in order, numbered "Page n of N", bookmarks nested by level."""
    import pikepdf

    joined = pikepdf.Pdf.new()
    offsets: list[int] = []
    for pdf, _bookmarks in parts:
        offsets.append(len(joined.pages))
        joined.pages.extend(pikepdf.Pdf.open(io.BytesIO(pdf)).pages)
    _number_pages(joined)
    with joined.open_outline() as outline:
        parents: list[tuple[int, pikepdf.OutlineItem]] = []  # from the root down
        for offset, (_pdf, bookmarks) in zip(offsets, parts, strict=True):
            for mark in bookmarks:
                while parents and parents[-1][0] >= mark.level:
                    parents.pop()
                item = pikepdf.OutlineItem(
                    mark.label,
                    offset + mark.page,
                    pikepdf.PageLocation.XYZ,
                    left=mark.left,
                    top=mark.top,
                )
                item.is_closed = mark.level >= 2
                (parents[-1][1].children if parents else outline.root).append(item)
                parents.append((mark.level, item))
    joined.docinfo[pikepdf.Name.Title] = title
    joined.docinfo[pikepdf.Name.Creator] = "Standby"
    joined.docinfo[pikepdf.Name.Producer] = f"WeasyPrint, pikepdf {pikepdf.__version__}"
    joined.Root.PageMode = pikepdf.Name.UseOutlines
    buffer = io.BytesIO()
    joined.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _helvetica_width(text: str, size: float) -> float:
    return sum(_HELVETICA_WIDTHS.get(char, 556) for char in text) * size / 1000


def _number_pages(pdf: Any) -> None:
    """Draw "Page n of N" at the bottom right of every page (Helvetica: nothing to embed)."""
    import pikepdf

    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        text = f"Page {number} of {total}"
        x = (
            float(page.mediabox[2])
            - PAGE_NUMBER_RIGHT_MARGIN_PT
            - _helvetica_width(text, PAGE_NUMBER_SIZE_PT)
        )
        # The page's own drawing is wrapped in q … Q, so whatever transformation it leaves
        # in force does not move the number.
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(
            f"\nQ q BT {PAGE_NUMBER_FONT} {PAGE_NUMBER_SIZE_PT} Tf 0.333 0.365 0.4 rg "
            f"{x:.2f} {PAGE_NUMBER_BASELINE_PT:.2f} Td ({text}) Tj ET Q\n".encode("ascii")
        )
        resources = page.obj.Resources
        if pikepdf.Name.Font not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font[PAGE_NUMBER_FONT] = font


# -- the worker pool ---------------------------------------------------------------------------

_pool: Pool | None = None
_pool_lock = threading.Lock()


def pdf_workers() -> int:
    """How many processes render a long plan (``STANDBY_PDF_WORKERS``; 1 = in this process)."""
    raw = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not raw:
        return max(1, min(os.cpu_count() or 1, 4))
    try:
        workers = int(raw)
    except ValueError as problem:
        raise ValueError(f"{WORKERS_VARIABLE} must be a whole number, not {raw!r}") from problem
    return max(1, workers)


def _worker_pool(workers: int) -> Pool:
    """The worker processes, all started at once, from a fork server (no threads are copied)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            # Replaced now and then: a worker's font and layout caches only grow.
            _pool = context.Pool(processes=workers, maxtasksperchild=50)
            atexit.register(_close_pool)
        return _pool


def _close_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.terminate()
            _pool.join()
            _pool = None


def warm_up() -> None:
    """Start the worker processes now rather than on the first long export."""
    workers = pdf_workers()
    if workers > 1:
        _worker_pool(workers).map(render_part, ["<p>warm-up</p>"] * workers, chunksize=1)


def render_plan_pdf(content: PlanContent) -> bytes:
    """The plan version as a PDF, from the same template as the offline HTML."""
    from standby.plans.exports.render import render_plan_pdf_parts

    workers = pdf_workers()
    parts = render_plan_pdf_parts(content, parts=workers)
    rendered = _render_parts(parts, workers) if len(parts) > 1 else [render_part(parts[0])]
    return join_parts(rendered, title=content["plan"]["title"])


def _render_parts(parts: list[str], workers: int) -> list[tuple[bytes, list[Bookmark]]]:
    """The parts rendered by the worker processes; here, one by one, if the workers fail.

    A worker killed mid-task (out of memory, say) would leave ``Pool.map`` waiting for ever,
    hence the time limit; an error raised while rendering is raised here, as it would be here.
    """
    try:
        pending = _worker_pool(workers).map_async(render_part, parts, chunksize=1)
        return pending.get(timeout=WORKER_TIMEOUT_S)
    except (multiprocessing.TimeoutError, OSError) as problem:
        logger.warning("PDF workers failed (%s); rendering the plan in this process", problem)
        _close_pool()
        return [render_part(part) for part in parts]
