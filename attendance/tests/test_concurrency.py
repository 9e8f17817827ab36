"""Two connections saving the same register at once never lose a mark (PostgreSQL row locks)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceMark, MarkAmendment, Register
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer on one database lock, so two connections cannot save at once; "
    "run with DATABASE_URL=postgres://… to exercise SELECT … FOR UPDATE",
)
def test_it_never_loses_a_mark_when_two_connections_save_the_same_register():
    """Each round, the tutor and the officer load the same register and post it whole, each changing one pupil."""
    world = build_school_world()
    day = timezone.localdate() - datetime.timedelta(days=3)
    group, alice, ben = world.group_9a, world.alice.pk, world.ben.pk
    services.save_register(
        actor=world.tutor,
        group=group,
        date=day,
        session="AM",
        entries={alice: services.Entry("N"), ben: services.Entry("N")},
    )
    rounds = [("/", "I"), ("M", "O"), ("I", "M"), ("O", "/"), ("/", "I")]
    for a_code, b_code in rounds:
        loaded = dict(AttendanceMark.objects.filter(date=day, session="AM").values_list("pupil_id", "code"))
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def save(actor, entries):
            try:
                barrier.wait(timeout=10)
                services.save_register(
                    actor=actor, group=group, date=day, session="AM", entries=entries, reason="test"
                )
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        tutor_form = {
            alice: services.Entry(a_code, original=loaded[alice]),
            ben: services.Entry(loaded[ben], original=loaded[ben]),
        }
        officer_form = {
            alice: services.Entry(loaded[alice], original=loaded[alice]),
            ben: services.Entry(b_code, original=loaded[ben]),
        }
        threads = [
            threading.Thread(target=save, args=(world.tutor, tutor_form)),
            threading.Thread(target=save, args=(world.attendance_officer, officer_form)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        got = dict(AttendanceMark.objects.filter(date=day, session="AM").values_list("pupil_id", "code"))
        assert got == {alice: a_code, ben: b_code}, f"a change was lost: {got}"
    assert Register.objects.get(group=group, date=day, session="AM").version == 1 + 2 * len(rounds)
    assert MarkAmendment.objects.count() == 2 * len(rounds)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real concurrent connections (PostgreSQL)"
)
def test_it_reports_a_conflict_rather_than_silently_overwriting_the_same_pupil():
    """Both change Alice from the same loaded N: one wins, the other is told, and the amendment log is exact."""
    world = build_school_world()
    day = timezone.localdate() - datetime.timedelta(days=3)
    group, alice = world.group_9a, world.alice.pk
    services.save_register(
        actor=world.tutor, group=group, date=day, session="AM", entries={alice: services.Entry("N")}
    )
    barrier = threading.Barrier(2)
    results: dict[str, services.RegisterResult] = {}

    def save(name, actor, code):
        try:
            barrier.wait(timeout=10)
            results[name] = services.save_register(
                actor=actor,
                group=group,
                date=day,
                session="AM",
                entries={alice: services.Entry(code, original="N")},
                reason="test",
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("tutor", world.tutor, "I")),
        threading.Thread(target=save, args=("officer", world.attendance_officer, "M")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, r in results.items() if r.amended == 1]
    losers = [n for n, r in results.items() if r.conflicts == [alice]]
    assert len(winners) == 1 and len(losers) == 1
    final = AttendanceMark.objects.get(pupil_id=alice, date=day).code
    assert final == {"tutor": "I", "officer": "M"}[winners[0]]
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code) == ("N", final)
