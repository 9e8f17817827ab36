"""The moderation sample rule (standards.md) as a pure function."""

from __future__ import annotations

import math
import random

from portfolios.sampling import Reviewed, draw_sample, sample_size


def _population(seed: int = 1, clusters: int = 3, per_cluster: int = 30) -> list[Reviewed]:
    rng = random.Random(seed)
    items = []
    n = 0
    for c in range(clusters):
        model = ["original", "virtual", "online"][c % 3]
        for _ in range(per_cluster):
            n += 1
            items.append(
                Reviewed(
                    id=n,
                    cluster=f"c{c}",
                    reviewer=f"r{rng.randrange(4)}",
                    delivery_model=model,
                    satisfactory=rng.random() > 0.05,
                    borderline=rng.random() < 0.05,
                    rating=rng.randrange(1, 6),
                )
            )
    return items


def test_it_takes_the_root_or_five_and_all_of_small_clusters() -> None:
    assert sample_size(3) == 3
    assert sample_size(5) == 5
    assert sample_size(6) == 5
    assert sample_size(30) == 6
    assert sample_size(100) == 10


def test_it_gives_the_same_sample_for_the_same_data_and_seed() -> None:
    """Reproducible: same data and seed, in any order, give the same sample; another seed differs."""
    items = _population()
    first = draw_sample(items, seed=42)
    shuffled = list(items)
    random.Random(7).shuffle(shuffled)
    assert draw_sample(shuffled, seed=42) == first
    assert [p.id for p in draw_sample(items, seed=43)] != [p.id for p in first]


def test_it_represents_every_reviewer_and_delivery_model() -> None:
    items = _population()
    picked = {p.id for p in draw_sample(items, seed=5)}
    chosen = [i for i in items if i.id in picked]
    assert {i.reviewer for i in chosen} == {i.reviewer for i in items}
    assert {i.delivery_model for i in chosen} == {i.delivery_model for i in items}
    for cluster in {i.cluster for i in items}:
        members = [i for i in items if i.cluster == cluster]
        in_sample = [i for i in chosen if i.cluster == cluster]
        assert {i.reviewer for i in in_sample} == {i.reviewer for i in members}
        assert len(in_sample) >= max(math.ceil(math.sqrt(len(members))), 5)


def test_it_includes_every_not_yet_and_borderline_and_the_extremes() -> None:
    items = _population(seed=3)
    picks = draw_sample(items, seed=9)
    picked = {p.id for p in picks}
    for item in items:
        if not item.satisfactory or item.borderline:
            assert item.id in picked, item
    for cluster in {i.cluster for i in items}:
        members = [i for i in items if i.cluster == cluster]
        assert max(members, key=lambda i: (i.rating, -i.id)).id in picked
        assert min(members, key=lambda i: (i.rating, i.id)).id in picked
    reasons = {r for p in picks for r in p.reasons}
    assert {"strongest", "weakest"} <= reasons


def test_it_takes_the_whole_of_a_cluster_of_five_or_fewer() -> None:
    items = [
        Reviewed(id=i, cluster="small", reviewer="r", delivery_model="online", satisfactory=True)
        for i in range(1, 5)
    ]
    assert [p.id for p in draw_sample(items, seed=1)] == [1, 2, 3, 4]
