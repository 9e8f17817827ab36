"""Natural order for names people read with numbers in them: 7A1, 9B2, 10B2, 13F4 (not 10B2, 13F4, 7A1)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: Any) -> tuple[Any, ...]:
    """A sort key that compares the runs of digits in `text` as numbers and the rest without regard to case.

    Splitting on digit runs puts text at even positions and numbers at odd ones, so two keys only ever compare
    text with text and numbers with numbers. `None` sorts as the empty string.
    """
    parts = _NUMBERS.split("" if text is None else str(text))
    return tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(parts))


def natural_sorted(items: Iterable[T], *, key: Callable[[T], Any] = str, reverse: bool = False) -> list[T]:
    """`items` in natural order of `key(item)` (by default the item's text, e.g. a group's name)."""
    return sorted(items, key=lambda item: natural_key(key(item)), reverse=reverse)
