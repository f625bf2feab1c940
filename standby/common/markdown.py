"""Markdown for text people write (plan procedures, messages), rendered safely.

Markdown becomes HTML with :mod:`markdown`, then :mod:`nh3` keeps only a small set of tags and
attributes: no ``img``, ``link``, ``style``, ``script``, ``iframe`` or anything that fetches or
runs something. Links keep only ``http``, ``https`` and ``mailto`` URLs and get
``rel="noopener noreferrer"``. The same helper renders the on-screen plan and its offline exports.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})


def _only_absolute(tag: str, attribute: str, value: str) -> str | None:
    """Drop relative links (they would point into Standby, meaningless offline)."""
    if tag == "a" and attribute == "href":
        lowered = value.strip().lower()
        if not lowered.startswith(("http://", "https://", "mailto:")):
            return None
    return value


_local = threading.local()


def _converter() -> _markdown.Markdown:
    """This thread's Markdown converter: building one costs more than converting a paragraph."""
    converter: _markdown.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        _local.converter = converter
    return converter


def render_markdown(text: str | None) -> SafeString:
    """``text`` (Markdown) as sanitised HTML, safe to put in any page or export.

    >>> str(render_markdown("**Call** <script>alert(1)</script>[x](javascript:alert(1))"))
    '<p><strong>Call</strong> <a rel="noopener noreferrer">x</a></p>'
    """
    if not text:
        return mark_safe("")
    return _render(text)


@lru_cache(maxsize=4096)  # a plan export renders each procedure for the HTML and again the PDF
def _render(text: str) -> SafeString:
    html = _converter().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        attribute_filter=_only_absolute,
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
