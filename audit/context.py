"""Who is acting right now: set by the middleware for requests, by `acting_as` for tasks and commands."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    ip_address: str | None = None


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("pastoral_actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


@contextmanager
def acting_as(user: Any, ip_address: str | None = None) -> Iterator[None]:
    token = _current.set(Actor(user=user, ip_address=ip_address))
    try:
        yield
    finally:
        _current.reset(token)
