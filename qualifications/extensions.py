"""What the apps built on qualifications add to its pages, registered from their AppConfig.ready() so that
qualifications never imports them: lines for a training day's calendar entry (e.g. its course materials), panels
on the provider overview (e.g. how fast questions are answered) and links beside a place (e.g. its portfolio)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest

from core.registry import Panel

# Given training days, the extra lines for each one's calendar description, by training-day id.
TrainingDayNotes = Callable[[list[Any]], dict[int, list[str]]]
_TRAINING_DAY_NOTES: dict[str, TrainingDayNotes] = {}
PROVIDER_OVERVIEW_PANELS: list[Panel] = []
# Given the user and some places, the (label, url) links the user may follow from each place, by enrolment id.
EnrolmentLinks = Callable[[Any, list[Any]], dict[int, list[tuple[str, str]]]]
_ENROLMENT_LINKS: dict[str, EnrolmentLinks] = {}


def register_training_day_notes(key: str, notes: TrainingDayNotes) -> None:
    """Add lines to the description of training days in the calendar feeds."""
    _TRAINING_DAY_NOTES.setdefault(key, notes)


def training_day_notes(days: Iterable[Any]) -> dict[int, list[str]]:
    """Every registered app's lines for these training days, by training-day id."""
    days = list(days)
    merged: dict[int, list[str]] = {}
    for notes in _TRAINING_DAY_NOTES.values():
        for day_id, lines in notes(days).items():
            merged.setdefault(day_id, []).extend(lines)
    return merged


def register_provider_overview_panel(
    key: str, template: str, context: Callable[[HttpRequest], dict[str, Any] | None], order: int = 50
) -> None:
    """Add a section to the provider overview; `context(request)` returns None to leave it out."""
    if any(p.key == key for p in PROVIDER_OVERVIEW_PANELS):
        return
    PROVIDER_OVERVIEW_PANELS.append(Panel(key, template, context, order))
    PROVIDER_OVERVIEW_PANELS.sort(key=lambda p: p.order)


def provider_overview_panels(request: HttpRequest) -> list[dict[str, Any]]:
    panels = []
    for panel in PROVIDER_OVERVIEW_PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels


def register_enrolment_links(key: str, links: EnrolmentLinks) -> None:
    """Add links beside places in lists (each app answers only with what the user may open)."""
    _ENROLMENT_LINKS.setdefault(key, links)


def enrolment_links(user: Any, enrolments: Iterable[Any]) -> dict[int, list[tuple[str, str]]]:
    """Every registered app's links for these places, by enrolment id."""
    enrolments = list(enrolments)
    merged: dict[int, list[tuple[str, str]]] = {}
    for links in _ENROLMENT_LINKS.values():
        for enrolment_id, found in links(user, enrolments).items():
            merged.setdefault(enrolment_id, []).extend(found)
    return merged
