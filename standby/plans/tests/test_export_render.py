"""The plan renderings: offline HTML with no external reference, the PDF's text and stamp on
every page, and hostile plan fields that must embed and fetch nothing."""

from __future__ import annotations

import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from standby.plans.exports.pdf import DataOnlyFetcher, html_to_pdf, render_plan_pdf
from standby.plans.exports.render import render_plan_html
from standby.plans.exports.sample import synthetic_content
from standby.plans.tests.offline_refs import external_references


def pdf_text(pdf: bytes, tmp_path: Path, *pages: int) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (Debian: poppler-utils)")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    limits = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", *limits, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def content():
    return synthetic_content(steps=12, contacts=8)


@pytest.fixture(scope="module")
def pdf(content):
    return render_plan_pdf(content)


def test_offline_html_has_no_external_references(content):
    html = render_plan_html(content, medium="offline")
    assert external_references(html) == []
    assert "<svg" in html  # the chart is inline


@pytest.mark.parametrize(
    "snippet",
    [
        '<link rel="stylesheet" href="x.css">',
        '<script src="a.js"></script>',
        '<img src="i.png">',
        '<a href="https://example.org">x</a>',
        "<iframe></iframe>",
        '<object data="o"></object>',
        '<img srcset="a.png 2x">',
        '<base href="/">',
        '<style>@import "x.css";</style>',
        "<style>p{background:url(http://x/y.png)}</style>",
        "<p style=\"background:url('z.png')\"></p>",
        '<svg><image xlink:href="http://x/i.png"/></svg>',
        '<meta http-equiv="refresh" content="0;url=http://x/">',
    ],
)
def test_the_checker_finds_each_kind_of_reference(snippet):
    assert external_references(snippet)


def test_the_checker_allows_anchors_mail_phone_and_svg_fragments():
    safe = (
        '<a href="#ok">a</a><a href="mailto:a@b">m</a><a href="tel:+1">t</a>'
        '<svg xmlns="http://www.w3.org/2000/svg"><g clip-path="url(#p1)"><use xlink:href="#m1"/>'
        "</g></svg>"
    )
    assert external_references(safe) == []


def test_markdown_web_links_become_text_offline():
    content = synthetic_content(steps=1, contacts=1)
    content["steps"][0]["procedure"] = "See [the runbook](https://wiki.example.org/rb) now."
    html = render_plan_html(content)
    assert external_references(html) == []
    assert "(https://wiki.example.org/rb)" in html


def test_pdf_text_has_every_step_title_and_contact(content, pdf, tmp_path):
    text = " ".join(pdf_text(pdf, tmp_path).split())
    for step in content["steps"]:
        assert step["title"] in text
    for person in content["appendices"]["contacts"]:
        assert person["name"] in text
        assert person["phone"] in text
        assert person["out_of_hours_phone"] in text


def test_every_pdf_page_shows_version_approval_data_as_of_and_review_by(pdf, tmp_path):
    all_text = pdf_text(pdf, tmp_path)
    pages = all_text.count("\f")
    assert pages >= 2
    for number in range(1, pages + 1):
        page = " ".join(pdf_text(pdf, tmp_path, number).split())
        assert "version 1" in page, f"page {number}"
        assert "approved 2025-03-02 10:30 UTC" in page, f"page {number}"
        assert "data as of 2025-03-01 08:55 UTC" in page, f"page {number}"
        assert "review by 2026-03-01" in page, f"page {number}"


# -- hostile plan fields -------------------------------------------------------------------------


class Canary:
    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _passwd_marker() -> str:
    first = Path("/etc/passwd").read_text().splitlines()[0]
    assert first.startswith("root:")
    return first


def _pdf_attachments(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdfdetach"):
        pytest.skip("pdfdetach not installed (Debian: poppler-utils)")
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout


def test_hostile_plan_fields_embed_and_fetch_nothing(tmp_path):
    with Canary() as canary:
        img = f"<img src=http://127.0.0.1:{canary.port}/canary>"
        link = "<link rel=attachment href=file:///etc/passwd>"
        css = f"<style>@import url(http://127.0.0.1:{canary.port}/css);</style>"
        content = synthetic_content(steps=2, contacts=2)
        content["plan"]["purpose"] = f"{link}\n\n{img}\n\n{css}"
        content["plan"]["title"] = f"Plan {img}"
        content["steps"][0]["title"] = f"Restore {link}"
        content["steps"][0]["procedure"] = f"{img} ![x](http://127.0.0.1:{canary.port}/md)"
        content["steps"][1]["verification"] = link
        content["appendices"]["contacts"][0]["name"] = f"Eve {img}"
        content["communications"][0]["message"] = f"[a]({link}) {css}"
        html = render_plan_html(content)
        pdf = render_plan_pdf(content)
    assert canary.requests == []
    assert external_references(html) == []
    text = pdf_text(pdf, tmp_path)
    assert _passwd_marker() not in text
    assert "root:x:0:0" not in text
    assert b"/EmbeddedFile" not in pdf
    assert "0 embedded files" in _pdf_attachments(pdf, tmp_path)


def test_the_pdf_fetcher_refuses_raw_html_references(tmp_path):
    """The second wall alone: unescaped hostile HTML straight into WeasyPrint."""
    with Canary() as canary:
        raw = (
            f"<html><head><link rel=attachment href=file:///etc/passwd>"
            f"<link rel=stylesheet href=http://127.0.0.1:{canary.port}/s.css>"
            f"<style>@import url(http://127.0.0.1:{canary.port}/i.css);"
            f"body{{background:url(file:///etc/passwd)}}</style></head>"
            f"<body><p>hello</p><img src=http://127.0.0.1:{canary.port}/canary>"
            f"<a rel=attachment href=file:///etc/passwd>x</a>"
            f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            f"</body></html>"
        )
        fetcher = DataOnlyFetcher()
        pdf = html_to_pdf(raw, fetcher=fetcher)
    assert canary.requests == []
    assert any(url.startswith("file:") for url in fetcher.refused)
    assert any("/canary" in url for url in fetcher.refused)
    assert "root:x:0:0" not in pdf_text(pdf, tmp_path)
    assert b"/EmbeddedFile" not in pdf
    assert "0 embedded files" in _pdf_attachments(pdf, tmp_path)


def test_the_canary_would_see_a_default_weasyprint_fetch():
    """Control: without our fetcher WeasyPrint does fetch, so the canary tests mean something."""
    from weasyprint import HTML

    with Canary() as canary:
        HTML(string=f"<img src=http://127.0.0.1:{canary.port}/canary>").write_pdf()
    assert canary.requests == ["/canary"]
