"""The plan PDF (WeasyPrint), which may read nothing but ``data:`` URLs.

WeasyPrint's default fetcher reads local files and the network; a plan field holding
``<img src=http://…>`` or ``<link rel=attachment href=file:///etc/passwd>`` must embed nothing and
fetch nothing, so every fetch goes through :class:`DataOnlyFetcher` (text is escaped as well: this
is the second wall, not the only one).
"""

from __future__ import annotations

import logging
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

from standby.plans.content import PlanContent
from standby.plans.exports.render import render_plan_html

# WeasyPrint logs every refused fetch and CSS it does not know; the PDF is still complete.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


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


def render_plan_pdf(content: PlanContent) -> bytes:
    """The plan version as a PDF, from the same template as the offline HTML."""
    return html_to_pdf(render_plan_html(content, medium="pdf"))
