"""The demo world, and how each app adds its part of it.

`demo.world.build_world()` makes the organisations, people and groups, then calls every registered
builder in order with the same `DemoWorld`. Builders must be deterministic (use `world.rng` and
`world.today`, never the clock or `random` directly) and fast: the default world builds in about a minute.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "pastoral-demo-2026"


@dataclass
class DemoLogin:
    role: str  # what to print: "Designated Safeguarding Lead, Oakfield College"
    email: str
    needs_two_factor: bool = False


@dataclass
class DemoWorld:
    rng: random.Random
    today: datetime.date
    scale: int
    academic_year: Any  # organisations.AcademicYear for `today`
    previous_year: Any  # the year before
    provider: Any  # the qualification provider (HMC Professional Development)
    university: Any  # the university partner (UCL Institute of Education)
    schools: list[Any] = field(
        default_factory=list
    )  # every school-like organisation, colleges of the group included
    main_school: Any = None  # the HMC senior school whose staff hold the printed school logins
    users: dict[str, Any] = field(
        default_factory=dict
    )  # demo logins by key: "tutor", "dsl", "programme_admin"…
    logins: list[DemoLogin] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # anything one builder leaves for a later one


Builder = Callable[[DemoWorld], None]
_BUILDERS: list[tuple[int, str, Builder]] = []


def register_demo_builder(name: str, builder: Builder, order: int = 50) -> None:
    """Add an app's demo data. Called from the app's AppConfig.ready()."""
    if any(existing == name for _, existing, _ in _BUILDERS):
        return
    _BUILDERS.append((order, name, builder))
    _BUILDERS.sort(key=lambda b: (b[0], b[1]))


def builders() -> list[tuple[int, str, Builder]]:
    return list(_BUILDERS)
