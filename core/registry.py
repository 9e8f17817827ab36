"""Extension points that domain apps fill in from their AppConfig.ready().

Each app adds its own navigation links, home-page panels, pupil-profile and group-page sections and demo data,
so the foundation never imports a later app and a new app never edits a shared template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None  # None: everyone signed in
    order: int
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Panel:
    """A block of a page. `context(request, *args)` returns the template context, or None to hide it."""

    key: str
    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int


NAV: list[NavItem] = []
HOME_PANELS: list[Panel] = []
PROFILE_SECTIONS: list[Panel] = []
GROUP_SECTIONS: list[Panel] = []
SUBJECT_ACCESS: dict[str, Callable[[Any], Any]] = {}


def register_nav(
    label: str,
    url_name: str,
    *,
    roles: Iterable[str] | None = None,
    order: int = 50,
    when: Callable[[Any], bool] | None = None,
) -> None:
    """Add a link to the main navigation, shown to holders of `roles` (or when `when(user)` is true).

    `label` may say `{Pupils}`: the current organisation's word for its learners ("Students" in a college)."""
    if any(item.url_name == url_name for item in NAV):
        return
    NAV.append(NavItem(label, url_name, frozenset(roles) if roles is not None else None, order, when))
    NAV.sort(key=lambda i: i.order)


def _add(panels: list[Panel], panel: Panel) -> None:
    """Add `panel` in order of `order`, once (an app's `ready()` may run twice)."""
    if any(p.key == panel.key for p in panels):
        return
    panels.append(panel)
    panels.sort(key=lambda p: p.order)


def register_home_panel(
    key: str, template: str, context: Callable[[HttpRequest], dict[str, Any] | None], order: int = 50
) -> None:
    """Add a panel to the home page; `context(request)` returns None when the user has nothing there."""
    _add(HOME_PANELS, Panel(key, template, context, order))


def register_profile_section(
    key: str, template: str, context: Callable[[HttpRequest, Any], dict[str, Any] | None], order: int = 50
) -> None:
    """Add a section to the pupil profile; `context(request, pupil)` returns None to leave it out."""
    _add(PROFILE_SECTIONS, Panel(key, template, context, order))


def register_group_section(
    key: str, template: str, context: Callable[[HttpRequest, Any], dict[str, Any] | None], order: int = 50
) -> None:
    """Add a section to a group's page; `context(request, group)` returns None to leave it out."""
    _add(GROUP_SECTIONS, Panel(key, template, context, order))


def sections_for(panels: list[Panel], request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    """The sections of `panels` shown for `obj` (a pupil, a group), each with its template and context."""
    shown = []
    for panel in panels:
        context = panel.context(request, obj)
        if context is not None:
            shown.append({"template": panel.template, "context": context, "key": panel.key})
    return shown


def register_subject_access(key: str, collect: Callable[[Any], Any]) -> None:
    """Add an app's records about a pupil to the subject-access export: `collect(pupil)` returns JSON-able data."""
    SUBJECT_ACCESS.setdefault(key, collect)
