"""A small HTML reader for tests: elements with their attributes, text per element, labels and fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: (v or "") for k, v in attrs}, parents=[e.tag for e in self._open])
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse(html: str | bytes) -> PageParser:
    parser = PageParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def find_all(page: PageParser, tag: str, **attrs: str) -> list[Element]:
    return [e for e in page.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]


def unlabelled_fields(page: PageParser) -> list[Element]:
    """Form controls a screen reader could not name: no <label for>, no wrapping label, no aria-label."""
    label_for = {e.attrs.get("for") for e in find_all(page, "label")}
    missing = []
    for element in page.elements:
        if element.tag not in {"input", "select", "textarea"}:
            continue
        if element.attrs.get("type") in {"hidden", "submit", "button", "reset", "image"}:
            continue
        named = (
            element.attrs.get("id") in label_for
            or "label" in element.parents
            or element.attrs.get("aria-label")
            or element.attrs.get("aria-labelledby")
        )
        if not named:
            missing.append(element)
    return missing
