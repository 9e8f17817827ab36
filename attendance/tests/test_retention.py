"""Retention: amendments go after their keep-until date (six years), contact logs after the school's period
following the pupil's leaving; nothing younger goes, a dry run deletes nothing, the normal delete still refuses."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from attendance import services
from attendance.models import AttendanceSettings, ContactLog, MarkAmendment
from audit.models import AuditEvent
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2032, 3, 10)


world = shared_world()


def _amendment(pupil, on: datetime.date) -> MarkAmendment:
    return MarkAmendment.objects.create(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        date=on,
        session="AM",
        original_code="N",
        new_code="I",
        amended_at=datetime.datetime.combine(on, datetime.time(12, 0), tzinfo=datetime.UTC),
        reason="Parent phoned",
    )


def _contact(pupil) -> ContactLog:
    return ContactLog.objects.create(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        to_whom="Mother",
        method=ContactLog.Method.PHONE,
        outcome="Ill",
    )


def test_it_deletes_amendments_only_after_their_keep_until_date(world):
    expired = _amendment(world.alice, datetime.date(2026, 3, 9))  # kept until 9 March 2032: yesterday
    last_day = _amendment(world.ben, datetime.date(2026, 3, 10))  # kept until today
    young = _amendment(world.cleo, datetime.date(2030, 1, 1))
    rory = _amendment(world.rory, datetime.date(2020, 1, 1))  # another school's: its own run
    assert expired.keep_until < TODAY and last_day.keep_until == TODAY
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    assert (counts.amendments, counts.contact_logs) == (1, 0)
    assert set(MarkAmendment.objects.values_list("pk", flat=True)) == {last_day.pk, young.pk, rory.pk}
    event = AuditEvent.objects.get(action="delete", object_type="attendance.MarkAmendment")
    assert event.organisation_id == world.school.pk and "1 attendance amendment(s)" in event.note
    assert "0 contact log(s)" in event.note


def test_it_keeps_an_amendment_made_on_29_february_until_28_february_six_years_on(world):
    leap = _amendment(world.alice, datetime.date(2028, 2, 29))
    assert leap.keep_until == datetime.date(2034, 2, 28)
    assert (
        services.apply_retention(organisation=world.school, today=datetime.date(2034, 2, 28)).amendments == 0
    )
    assert (
        services.apply_retention(organisation=world.school, today=datetime.date(2034, 3, 1)).amendments == 1
    )


def test_it_still_refuses_the_normal_delete_of_an_amendment(world):
    old = _amendment(world.alice, datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        old.delete()
    with pytest.raises(ValidationError, match="retention job"):
        MarkAmendment.objects.filter(pk=old.pk).delete()
    with pytest.raises(ValidationError):
        MarkAmendment.objects.all().delete()
    assert MarkAmendment.objects.filter(pk=old.pk).exists()


def test_it_deletes_contact_logs_only_past_the_schools_period_after_leaving(world):
    AttendanceSettings.objects.create(organisation=world.school, contact_log_years_after_leaving=2)
    world.alice.left_on = datetime.date(2030, 3, 9)  # 2 years + 1 day before TODAY
    world.ben.left_on = datetime.date(2030, 3, 10)  # exactly 2 years: kept today
    world.alice.save()
    world.ben.save()
    gone = _contact(world.alice)
    kept = [_contact(world.ben), _contact(world.cleo)]  # Cleo is still on roll
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    assert (counts.amendments, counts.contact_logs) == (0, 1)
    assert set(ContactLog.objects.values_list("pk", flat=True)) == {k.pk for k in kept}
    assert not ContactLog.objects.filter(pk=gone.pk).exists()
    # One summary event, not a copy of each deleted note.
    assert not AuditEvent.objects.filter(action="delete", object_type="attendance.ContactLog").exists()
    assert "1 contact log(s)" in AuditEvent.objects.get(action="delete", organisation=world.school).note


def test_it_keeps_every_contact_log_when_the_school_set_no_period(world):
    world.alice.left_on = datetime.date(2000, 1, 1)
    world.alice.save()
    _contact(world.alice)
    AttendanceSettings.objects.create(organisation=world.school)
    assert services.apply_retention(organisation=world.school, today=TODAY).contact_logs == 0
    assert ContactLog.objects.count() == 1
    assert not AuditEvent.objects.filter(action="delete", organisation=world.school).exists()


def test_the_command_counts_by_default_and_deletes_only_with_apply(world):
    _amendment(world.alice, datetime.date(2025, 1, 1))
    _amendment(world.rory, datetime.date(2025, 1, 1))
    _amendment(world.ben, datetime.date(2027, 1, 1))
    out = StringIO()
    call_command("retention", "--only", "attendance", "--date", TODAY.isoformat(), stdout=out)
    assert (
        "Oakfield School: 1 amendment(s), 0 contact log(s), 0 mark(s), 0 register(s) (0 lesson mark(s)) "
        "to delete (dry run" in out.getvalue()
    )
    assert "Total: 2 amendment(s)" in out.getvalue() and MarkAmendment.objects.count() == 3
    assert not AuditEvent.objects.filter(action="delete").exists()
    call_command(
        "retention",
        "--only",
        "attendance",
        "--date",
        TODAY.isoformat(),
        "--organisation",
        "oakfield",
        "--apply",
        stdout=out,
    )
    assert MarkAmendment.objects.count() == 2 and MarkAmendment.objects.filter(pupil=world.rory).exists()
    assert "Total: 1 amendment(s), 0 contact log(s), 0 mark(s), 0 register(s) deleted." in out.getvalue()
    call_command("retention", "--only", "attendance", "--date", TODAY.isoformat(), "--apply", stdout=out)
    assert list(MarkAmendment.objects.values_list("pupil_id", flat=True)) == [world.ben.pk]
    assert AuditEvent.objects.filter(action="delete", object_type="attendance.MarkAmendment").count() == 2


def test_it_deletes_marks_and_registers_dated_more_than_six_years_ago_and_keeps_the_rollup_exact(world):
    from attendance import rollup
    from attendance.models import AttendanceMark, LessonMark, Register
    from attendance.tests.helpers import mark

    old, kept = (
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 10),
    )  # six years before TODAY: the last day kept
    mark(world.alice, old, "AM", "I")
    mark(world.alice, kept, "AM", "/")
    mark(world.ben, old, "PM", "/")
    mark(world.rory, old, "AM", "O")  # another school's: its own run
    lesson = Register.objects.create(
        organisation=world.school, group=world.group_9a, date=old, session="AM", lesson="P1 Maths"
    )
    LessonMark.objects.create(organisation=world.school, register=lesson, pupil=world.alice, code="/")
    Register.objects.create(organisation=world.school, group=world.group_9a, date=kept, session="AM")
    dry = services.retention_counts(organisation=world.school, today=TODAY)
    assert (dry.marks, dry.registers, dry.lesson_marks) == (2, 1, 1)

    counts = services.apply_retention(organisation=world.school, today=TODAY)

    assert (counts.marks, counts.registers, counts.lesson_marks) == (2, 1, 1)
    assert sorted(AttendanceMark.objects.values_list("pupil__legal_first_name", "date")) == [
        ("Alice", kept),
        ("Rory", old),
    ]
    assert list(Register.objects.values_list("date", flat=True)) == [kept]
    assert not LessonMark.objects.exists()
    assert rollup.differences() == []
    assert "2 mark(s) and 1 register(s) (1 lesson mark(s))" in AuditEvent.objects.get(action="delete").note


def test_it_keeps_every_record_of_a_pupil_under_a_retention_hold(world):
    """A hold overrides the six years and the school's period: the held pupil's old marks, amendments, lesson
    register and contact logs stay; everyone else's go as usual."""
    from attendance import rollup
    from attendance.models import AttendanceMark, LessonMark, Register
    from attendance.tests.helpers import mark

    AttendanceSettings.objects.create(organisation=world.school, contact_log_years_after_leaving=2)
    old = datetime.date(2026, 3, 9)
    for pupil in (world.alice, world.ben):
        pupil.left_on = datetime.date(2027, 7, 20)
    world.alice.retention_hold = "Solicitor's letter: claim pending"
    world.alice.save()
    world.ben.save()
    for pupil in (world.alice, world.ben):
        mark(pupil, old, "AM", "I")
        _amendment(pupil, old)
        _contact(pupil)
    held_lesson = Register.objects.create(
        organisation=world.school, group=world.group_9a, date=old, session="AM", lesson="P1 Maths"
    )
    LessonMark.objects.create(organisation=world.school, register=held_lesson, pupil=world.alice, code="/")
    LessonMark.objects.create(organisation=world.school, register=held_lesson, pupil=world.ben, code="/")
    other_lesson = Register.objects.create(
        organisation=world.school, group=world.group_9a, date=old, session="AM", lesson="P2 English"
    )
    LessonMark.objects.create(organisation=world.school, register=other_lesson, pupil=world.ben, code="/")
    assert services.retention_counts(organisation=world.school, today=TODAY).marks == 1

    counts = services.apply_retention(organisation=world.school, today=TODAY)

    assert (counts.marks, counts.amendments, counts.contact_logs, counts.registers) == (1, 1, 1, 1)
    assert counts.lesson_marks == 1
    assert list(AttendanceMark.objects.values_list("pupil", flat=True)) == [world.alice.pk]
    assert list(MarkAmendment.objects.values_list("pupil", flat=True)) == [world.alice.pk]
    assert list(ContactLog.objects.values_list("pupil", flat=True)) == [world.alice.pk]
    assert list(Register.objects.values_list("pk", flat=True)) == [held_lesson.pk]
    assert LessonMark.objects.filter(register=held_lesson).count() == 2
    assert rollup.differences() == []
