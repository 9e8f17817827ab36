"""Every PDF the project prints (letters, plans, chronologies, invoices, certificates) is rendered here: a template
rendered to HTML, then to PDF by WeasyPrint, with `base_url` resolving the template's relative links and images.

WeasyPrint is imported when a PDF is made, not when a module that makes one is imported (it is slow to load)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document already rendered (an invoice also sent as HTML)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def render_pdf(
    template: str, context: dict[str, Any], base_url: str | None = None, *, request: HttpRequest | None = None
) -> bytes:
    """Render `template` with `context` (and the request's context processors, given `request`) as a PDF."""
    return pdf_from_html(render_to_string(template, context, request=request), base_url)
