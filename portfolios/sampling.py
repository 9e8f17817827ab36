"""The moderation sample rule (standards.md), as a pure function.

Default rule: of each cluster's reviewed portfolios take max(⌈√n⌉, minimum) — all of them when n ≤ minimum —
stratified so every reviewer and every delivery model is represented, plus every portfolio judged "not yet
satisfactory" or borderline, plus the strongest and the weakest. The random choices come from a seed that is
recorded with the sample, so the same data and seed always give the same sample.

The minimum is the setting `PORTFOLIOS_MODERATION_MINIMUM` (default 5).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MINIMUM = 5


@dataclass(frozen=True)
class Reviewed:
    """One reviewed portfolio, as the rule sees it."""

    id: int
    cluster: str
    reviewer: str
    delivery_model: str
    satisfactory: bool
    borderline: bool = False
    rating: int = 3  # the reviewer's judgement of strength, 1 (weakest) to 5 (strongest)


@dataclass(frozen=True)
class Pick:
    id: int
    reasons: tuple[str, ...]


def sample_size(n: int, minimum: int = DEFAULT_MINIMUM) -> int:
    """How many of a cluster's n reviewed portfolios the random part of the rule takes."""
    if n <= minimum:
        return n
    return min(n, max(math.ceil(math.sqrt(n)), minimum))


def draw_sample(items: Iterable[Reviewed], seed: int, minimum: int = DEFAULT_MINIMUM) -> list[Pick]:
    """Choose the moderation sample; the answer depends only on the items (not their order) and the seed."""
    by_cluster: dict[str, list[Reviewed]] = {}
    for item in sorted(items, key=lambda i: i.id):
        by_cluster.setdefault(item.cluster, []).append(item)

    reasons: dict[int, list[str]] = {}

    def take(item: Reviewed, reason: str) -> None:
        reasons.setdefault(item.id, [])
        if reason not in reasons[item.id]:
            reasons[item.id].append(reason)

    for cluster in sorted(by_cluster):
        members = by_cluster[cluster]
        rng = random.Random(f"{seed}:{cluster}")
        target = sample_size(len(members), minimum)
        if target == len(members):
            for item in members:
                take(item, f"whole cluster (n ≤ {minimum})")
            continue
        for item in members:
            if not item.satisfactory:
                take(item, "not yet satisfactory")
            elif item.borderline:
                take(item, "borderline")
        strongest = max(members, key=lambda i: (i.rating, -i.id))
        weakest = min(members, key=lambda i: (i.rating, i.id))
        take(strongest, "strongest")
        take(weakest, "weakest")
        chosen = {i.id for i in members if i.id in reasons}
        # Stratify: at least one portfolio of every reviewer and delivery model in the cluster.
        for attr, label in (("reviewer", "reviewer"), ("delivery_model", "delivery model")):
            for value in sorted({getattr(i, attr) for i in members}):
                if any(getattr(i, attr) == value and i.id in chosen for i in members):
                    continue
                candidate = rng.choice([i for i in members if getattr(i, attr) == value])
                take(candidate, f"represents {label} {value}")
                chosen.add(candidate.id)
        rest = [i for i in members if i.id not in chosen]
        rng.shuffle(rest)
        for item in rest[: max(0, target - len(chosen))]:
            take(item, "random")
            chosen.add(item.id)
    return [Pick(id=i, reasons=tuple(r)) for i, r in sorted(reasons.items())]
