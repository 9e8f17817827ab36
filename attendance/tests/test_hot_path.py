"""The register save's hot path (docs/performance.md, session 6): what was made cheaper still answers the same."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance import selectors
from attendance.models import AttendanceMark, Register
from core.testing.clock import weekday_on_or_before
from core.testing.personas import build_school_world, client_for

pytestmark = pytest.mark.django_db

DAY = weekday_on_or_before(timezone.localdate() - datetime.timedelta(days=7))


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def _tutor_at_register() -> tuple[Any, Client, tuple[int, int], str]:
    """A school, its tutor signed in, two pupils of 9A (Alice, Ben) and the URL of 9A's morning register on DAY."""
    world = build_school_world()
    url = reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={DAY:%Y-%m-%d}&session=AM"
    return world, client_for(world.tutor), (world.alice.pk, world.ben.pk), url


def test_it_answers_a_save_with_the_same_status_line_the_template_draws():
    world, client, (a, b), url = _tutor_at_register()
    response = client.post(
        url,
        {"action": "save", f"code-{a}": "/", f"code-{b}": "", f"orig-{a}": "", f"orig-{b}": ""},
        HTTP_HX_REQUEST="true",
    )
    # Ben is left blank: the save is kept, and both the message (a warning) and the status line say how many
    # are still to mark.
    text = re.search(r'message--warning">([^<]*)<', response.content.decode()).group(1)
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM", lesson="")
    organisation = world.group_9a.organisation
    expected = render_to_string(
        "attendance/_register_status.html",
        {
            "register": register,
            "pupils": 2,
            "unmarked": 1,
            "closed": selectors.is_register_closed(organisation, DAY, "AM"),
            "closes_at": selectors.register_closes(organisation, DAY, "AM"),
            "messages": [Message(constants.WARNING, text)],
            "show_messages": True,
        },
    )
    assert "register saved: 1 new" in text and "1 still to mark" in text
    assert "Incomplete</span> 1 of 2 still to mark" in response.content.decode()
    assert _squash(response.content.decode()) == _squash(expected)


def test_it_counts_the_pupil_page_figures_from_the_marks_it_lists():
    world = build_school_world()
    client = client_for(world.attendance_officer)
    codes = {DAY: "/", DAY - datetime.timedelta(days=1): "O", DAY - datetime.timedelta(days=2): "M"}
    for day, code in codes.items():
        AttendanceMark.objects.create(
            organisation=world.alice.organisation, pupil=world.alice, date=day, session="AM", code=code
        )
    start = DAY - datetime.timedelta(days=2)
    url = reverse("attendance:pupil", args=[world.alice.pk]) + f"?start={start:%Y-%m-%d}&end={DAY:%Y-%m-%d}"
    response = client.get(url)
    summary = response.context["summary"]
    # three possible sessions: one present, one unauthorised (O), one authorised (M)
    assert (summary["possible"], summary["present"], summary["unauthorised"], summary["authorised"]) == (
        3,
        1,
        1,
        1,
    )
    assert summary == selectors.pupil_attendance_summary(pupil=world.alice, start=start, end=DAY)
    body = response.content.decode()
    assert f"<td>{DAY:%a} {DAY.day} {DAY:%b %Y}</td><td>AM</td><td><kbd>/</kbd></td>" in body


def test_it_reads_the_register_group_as_the_orm_would_and_only_within_reach():
    """Session 8: the group of a save comes from one plain statement; it must be the ORM's instances."""
    from django.db.models import Model

    from attendance.models import AttendanceSettings
    from people.models import Group

    world = build_school_world()
    school = world.group_9a.organisation
    AttendanceSettings.objects.update_or_create(organisation=school, defaults={"open_minutes": 25})
    # The ORM's reading, as two statements on the school (one join through the organisations, a reference table,
    # to the settings is a join Citus refuses between distributed tables).
    orm = Group.objects.select_related("organisation").get(pk=world.group_9a.pk, organisation=school)
    orm_settings = AttendanceSettings.objects.get(organisation=school)
    plain = selectors.register_group(world.group_9a.pk, [school.pk])

    def values(obj: Model) -> dict:
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    assert plain is not None
    assert values(plain) == values(orm)
    assert values(plain.organisation) == values(orm.organisation)  # dates and datetimes converted alike
    assert values(selectors.settings_for(plain.organisation)) == values(orm_settings)
    assert selectors.register_group(world.group_9a.pk, [school.pk + 10_000]) is None  # outside reach
    assert selectors.register_group(world.group_9a.pk, []) is None


def test_it_refuses_a_register_outside_reach_and_a_register_not_the_users():
    """The plain statement keeps get_for_user's answers: 404 outside reach (another school's admin, a missing
    group), 403 to someone in the school who does not take this register."""
    world = build_school_world()
    url = reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={DAY:%Y-%m-%d}&session=AM"
    posted = {"action": "save", f"code-{world.alice.pk}": "/"}
    assert client_for(world.tutor).get(url).status_code == 200
    assert client_for(world.other_admin).post(url, posted).status_code == 404
    assert client_for(world.cpd_coordinator).post(url, posted).status_code == 403
    missing = reverse("attendance:register", args=[world.group_9a.pk + 10_000])
    assert client_for(world.tutor).get(missing).status_code == 404
    assert not AttendanceMark.objects.filter(pupil=world.alice, date=DAY).exists()


def test_the_figures_form_renders_what_includes_field_html_renders():
    """Session 8: `{% form_fields %}` draws the markup of includes/field.html, errors and hints included."""
    from django.template import Context, Template

    from attendance.forms import FiguresForm

    world = build_school_world()
    ids = [world.school.pk]
    for data in (None, {"start": "not a date", "year": "9"}):
        form = FiguresForm(data, organisation_ids=ids, organisations=[world.school])
        if data:
            form.is_valid()  # with its errors
        by_include = Template(
            '{% for field in form %}{% include "includes/field.html" %}{% endfor %}'
        ).render(Context({"form": form}))
        by_tag = Template("{% load attendance_tags %}{% form_fields form %}").render(Context({"form": form}))
        assert _squash(by_tag) == _squash(by_include)


def _statements(captured: list[dict]) -> list[str]:
    """The statements a request sent, less transaction control (a test's savepoints, a request's BEGIN/COMMIT)."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in captured if not q["sql"].startswith(control)]


def test_a_register_save_is_eight_statements_and_a_save_that_amends_nine():
    """Session 9 (docs/performance.md): the sign-in's read, the group, the register row, the pupils with their
    locked marks, the marks, the roll-up, the audit event, the school's early-warning watermark moved on (the
    kept list is stale from this save: early_warning/kept.py); and the amendments when marks change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.models import AuditEvent

    world, client, (a, b), url = _tutor_at_register()
    assert client.get(url).status_code == 200  # the page the tutor saves from (it also refreshes the session)
    first = {"action": "save", f"code-{a}": "/", f"code-{b}": "N", f"orig-{a}": "", f"orig-{b}": ""}
    with CaptureQueriesContext(connection) as fresh:
        assert b"register saved: 2 new" in client.post(url, first, HTTP_HX_REQUEST="true").content
    again = {**first, f"code-{b}": "/", f"orig-{a}": "/", f"orig-{b}": "N", "reason": "Arrived"}
    with CaptureQueriesContext(connection) as amended:
        assert b"register saved: 0 new, 1 changed" in client.post(url, again, HTTP_HX_REQUEST="true").content
    assert len(_statements(fresh.captured_queries)) == 8, _statements(fresh.captured_queries)
    assert len(_statements(amended.captured_queries)) == 9, _statements(amended.captured_queries)
    for saved in (fresh, amended):
        assert sum("early_warning_watermark" in sql for sql in _statements(saved.captured_queries)) == 1
    # The event written as a plain row is the row record_event writes.
    event = AuditEvent.objects.get(object_type="attendance.Register", note__endswith="1 amended marks")
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM", lesson="")
    assert (event.action, event.actor, event.actor_label, event.organisation_id) == (
        "update",
        world.tutor,
        world.tutor.email,
        world.school.pk,
    )
    assert (event.object_id, event.object_repr, event.changes) == (str(register.pk), str(register), {})
    assert event.note == "register saved: 0 new, 1 amended marks" and event.ip_address == "127.0.0.1"
    assert abs((timezone.now() - event.at).total_seconds()) < 60


def test_on_postgresql_the_save_prepares_its_statements_once_on_the_connection():
    """Session 10: the save's fixed statements are bound on the server and prepared on the connection
    (`core.db.prepared_cursor`), on a Citus coordinator too (session 11); `"PREPARED_STATEMENTS": False` in the
    database's settings (a pooler in transaction mode) sends them as before. Either way the save answers and
    writes the same."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    world, client, (a, b), url = _tutor_at_register()

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE '_pg3_%%'")
            return [row[0] for row in cursor.fetchall()]

    connection.settings_dict["PREPARED_STATEMENTS"] = False
    try:
        before = prepared()  # setting up the school may have prepared some (the watermark's)
        first = {"action": "save", f"code-{a}": "/", f"code-{b}": "N", f"orig-{a}": "", f"orig-{b}": ""}
        assert b"register saved: 2 new" in client.post(url, first, HTTP_HX_REQUEST="true").content
        assert prepared() == before
    finally:
        del connection.settings_dict["PREPARED_STATEMENTS"]
    again = {**first, f"code-{b}": "/", f"orig-{a}": "/", f"orig-{b}": "N", "reason": "Arrived"}
    assert b"register saved: 0 new, 1 changed" in client.post(url, again, HTTP_HX_REQUEST="true").content
    statements = prepared()
    for table in (
        "attendance_register",  # the register row's upsert
        "attendance_attendancemark",  # the pupils with their locked marks; the changed marks
        "attendance_markamendment",
        "attendance_attendancerollup",
        "audit_auditevent",
        "early_warning_watermark",
        "people_group",  # the group with its school
    ):
        assert any(table in sql for sql in statements), (table, statements)
    third = {**again, f"code-{a}": "N", f"orig-{b}": "/"}
    assert b"register saved: 0 new, 1 changed" in client.post(url, third, HTTP_HX_REQUEST="true").content
    assert len(prepared()) == len(statements)  # the same statements again, not prepared anew
    marks = dict(
        AttendanceMark.objects.filter(date=DAY, session="AM", pupil_id__in=[a, b]).values_list(
            "pupil_id", "code"
        )
    )
    assert marks == {a: "N", b: "/"}


def test_with_pipelines_on_the_save_sends_its_head_and_its_writes_in_two_and_saves_the_same():
    """On a Citus coordinator (or where the settings ask) the register row's upsert and the marks read go
    together, and so do the writes (`core.db.pipeline`); the save answers, counts and writes as one by one."""
    from unittest import mock

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's")
    world, client, (a, b), url = _tutor_at_register()
    connection.ensure_connection()
    psycopg_pipeline = type(connection.connection).pipeline
    connection.settings_dict["PIPELINE"] = True
    try:
        with mock.patch.object(
            type(connection.connection), "pipeline", autospec=True, side_effect=psycopg_pipeline
        ) as opened:
            first = {"action": "save", f"code-{a}": "/", f"code-{b}": "N", f"orig-{a}": "", f"orig-{b}": ""}
            assert b"register saved: 2 new" in client.post(url, first, HTTP_HX_REQUEST="true").content
            assert opened.call_count == 2
            again = {**first, f"code-{b}": "/", f"orig-{a}": "/", f"orig-{b}": "N", "reason": "Arrived"}
            answer = client.post(url, again, HTTP_HX_REQUEST="true").content
            assert b"register saved: 0 new, 1 changed" in answer
            assert opened.call_count == 4
            unchanged = client.post(url, again, HTTP_HX_REQUEST="true").content
            assert b"register saved: 0 new, 0 changed" in unchanged
            assert opened.call_count == 5  # nothing to write: the head alone
    finally:
        del connection.settings_dict["PIPELINE"]
    marks = dict(
        AttendanceMark.objects.filter(date=DAY, session="AM", pupil_id__in=[a, b]).values_list(
            "pupil_id", "code"
        )
    )
    assert marks == {a: "/", b: "/"}
    assert selectors.Register.objects.get(group=world.group_9a, date=DAY, session="AM").version == 3
