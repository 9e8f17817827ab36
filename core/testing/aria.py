"""Checks that every `aria-describedby` (and `aria-labelledby`) names an element that exists."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-labelledby")

# The same check in the browser, on the page as it stands (used by core.testing.browser.axe_check).
MISSING_REFERENCES_JS = """
() => {
  const missing = [];
  for (const attr of ["aria-describedby", "aria-labelledby"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${attr}="${id}" on <${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}>`);
      }
    }
  }
  return missing;
}
"""


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for attribute in REFERENCE_ATTRIBUTES:
            for ref in (values.get(attribute) or "").split():
                self.references.append((attribute, ref, f"<{tag} id={values.get('id', '')}>"))


def missing_references(html: str) -> list[str]:
    """Each `aria-describedby`/`aria-labelledby` id in the HTML that no element carries."""
    parser = _References()
    parser.feed(html)
    return [
        f'{attribute}="{ref}" on {where}'
        for attribute, ref, where in parser.references
        if ref not in parser.ids
    ]
