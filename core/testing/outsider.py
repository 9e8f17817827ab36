"""Which URL names have a test proving another organisation's user gets 404.

Decorate such a test with `@outsider_test("app:url_name", …)`; the guard test in
core/tests/test_url_guard.py fails for any URL with a path parameter that no test covers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
COVERED: set[str] = set()


def outsider_test(*url_names: str) -> Callable[[F], F]:
    def decorate(test: F) -> F:
        COVERED.update(url_names)
        return test

    return decorate


def assert_outsider_404(
    client: Any, url: str, method: str = "get", data: dict[str, Any] | None = None
) -> None:
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (
        f"{method.upper()} {url} gave {response.status_code} to an outsider, not 404"
    )
