"""The register save's hot path (docs/performance.md, session 6): what was made cheaper still answers the same."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
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


def test_it_answers_a_save_with_the_same_status_line_the_template_draws():
    world = build_school_world()
    client = client_for(world.tutor)
    a, b = world.alice.pk, world.ben.pk
    url = reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={DAY:%Y-%m-%d}&session=AM"
    response = client.post(
        url,
        {"action": "save", f"code-{a}": "/", f"code-{b}": "", f"orig-{a}": "", f"orig-{b}": ""},
        HTTP_HX_REQUEST="true",
    )
    text = re.search(r'message--success">([^<]*)<', response.content.decode()).group(1)
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM", lesson="")
    organisation = world.group_9a.organisation
    expected = render_to_string(
        "attendance/_register_status.html",
        {
            "register": register,
            "closed": selectors.is_register_closed(organisation, DAY, "AM"),
            "closes_at": selectors.register_closes(organisation, DAY, "AM"),
            "messages": [Message(constants.SUCCESS, text)],
            "show_messages": True,
        },
    )
    assert "register saved: 1 new" in text
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
