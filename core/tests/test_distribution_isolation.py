"""A school to its own node (docs/scale-out.md, "A large school on its own node"): on Citus only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from core.management.commands.distribute import is_citus
from core.testing.personas import build_school_world, client_for


def _placement(organisation_id: int) -> tuple[int, int, int, int]:
    """(shard, port of its node, lowest hash, highest hash) of the organisation's pupils' shard."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.shardid, n.nodeport, s.shardminvalue::bigint, s.shardmaxvalue::bigint FROM pg_dist_shard s"
            " JOIN pg_dist_placement p ON p.shardid = s.shardid JOIN pg_dist_node n ON n.groupid = p.groupid"
            " WHERE s.shardid = get_shard_id_for_distribution_column('people_pupil', %s)",
            [organisation_id],
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_a_school_moves_to_its_own_shard_on_another_node_and_both_schools_keep_working():
    if not is_citus():
        pytest.skip("needs a Citus coordinator (docs/scale-out.md)")
    world = build_school_world()
    school = world.school.pk
    before = _placement(school)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT isolate_tenant_to_new_shard('people_pupil', %s, 'CASCADE', shard_transfer_mode => 'block_writes')",
            [school],
        )
        shard = cursor.fetchone()[0]
        shard_id, port, low, high = _placement(school)
        assert shard_id == shard and low == high  # a shard holding one organisation's hash value only
        cursor.execute("SELECT nodeport FROM pg_dist_node WHERE shouldhaveshards AND nodeport <> %s", [port])
        target = cursor.fetchone()[0]
        cursor.execute(
            "SELECT citus_move_shard_placement(%s, '127.0.0.1', %s, '127.0.0.1', %s, shard_transfer_mode => 'block_writes')",
            [shard, port, target],
        )
    assert _placement(school)[:2] == (shard, target) and before[0] != shard
    assert (
        client_for(world.tutor).get(reverse("people:pupil_detail", args=[world.alice.pk])).status_code == 200
    )
    # The other school, still on a shared shard, and the cross-tenant rule across the move.
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("people:pupil_detail", args=[world.rory.pk])).status_code == 200
    assert outsider.get(reverse("people:pupil_detail", args=[world.alice.pk])).status_code == 404
