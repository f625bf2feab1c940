"""A parsed check that an HTML document references nothing outside itself (test helper)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Attributes that make a browser (or WeasyPrint) fetch, navigate to or embed something.
URL_ATTRIBUTES = {
    "src",
    "href",
    "xlink:href",
    "srcset",
    "imagesrcset",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "longdesc",
    "manifest",
    "ping",
    "archive",
    "lowsrc",
    "dynsrc",
    "profile",
    "usemap",
}
FORBIDDEN_TAGS = {"link", "iframe", "frame", "object", "embed", "base", "applet", "portal"}
SAFE_LINK = re.compile(r"^(#|mailto:|tel:)", re.IGNORECASE)
CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


def css_problems(css: str, where: str) -> list[str]:
    problems = []
    if re.search(r"@import", css, re.IGNORECASE):
        problems.append(f"@import in {where}")
    for _, target in CSS_URL.findall(css):
        # url(#id) points inside the document (SVG clip paths); anything else is a fetch.
        if not target.strip().startswith("#"):
            problems.append(f"url({target}) in {where}")
    if re.search(r"image-set\s*\(|image\s*\(", css, re.IGNORECASE):
        problems.append(f"image()/image-set() in {where}")
    return problems


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "script" and any(name == "src" for name, _ in attrs):
            self.problems.append("<script src>")
        if tag == "meta" and any(
            name == "http-equiv" and (value or "").lower() == "refresh" for name, value in attrs
        ):
            self.problems.append("<meta http-equiv=refresh>")
        self.in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and not (
                name in {"href", "xlink:href"} and SAFE_LINK.match(value.strip())
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.problems += css_problems(value, f"style attribute of <{tag}>")
            elif "://" in value and not name.startswith("xmlns"):
                self.problems.append(f"URL in <{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.problems += css_problems(data, "<style>")


def external_references(html: str) -> list[str]:
    """Every reference in ``html`` to something outside the document."""
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.problems
